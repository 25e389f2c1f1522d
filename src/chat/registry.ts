/**
 * The set of commands a bot serves, looked up by name (case-insensitive), plus the usage lines that
 * /help, error messages and every platform's command menu are generated from.
 */
import type { CommandDefinition, OptionSpec } from './command.js';

/** The commands a bot serves. */
export type CommandRegistry = {
  /** The command named `name` (any case, without the slash), or undefined. */
  get(name: string): CommandDefinition | undefined;
  /** Every command, in the order they were registered (the order /help shows). */
  list(): readonly CommandDefinition[];
};

const NAME = /^[a-z][a-z0-9_]{0,31}$/;

/** Builds a registry; a duplicate or malformed name is a programming error and throws at startup. */
export function createRegistry(definitions: readonly CommandDefinition[]): CommandRegistry {
  const byName = new Map<string, CommandDefinition>();
  for (const definition of definitions) {
    // Telegram and Discord both accept only lower-case names of this shape, so refuse others here.
    if (!NAME.test(definition.name)) throw new Error(`command name "${definition.name}" must match ${NAME}`);
    if (byName.has(definition.name)) throw new Error(`command "${definition.name}" is registered twice`);
    const specs = Object.entries(definition.options);
    specs.forEach(([key, spec], index) => {
      if (spec.type === 'string' && spec.rest && index !== specs.length - 1) {
        throw new Error(`command "${definition.name}": option "${key}" takes the rest of the line, so it must be last`);
      }
    });
    byName.set(definition.name, definition);
  }
  const list = [...byName.values()];
  return {
    get: (name) => byName.get(name.toLowerCase()),
    list: () => list,
  };
}

/** How one option is written in a usage line: `<topic|all>`, `[count]`, `<query…>`. */
export function optionUsage(key: string, spec: OptionSpec): string {
  const label = spec.type === 'topic' && spec.allowAll ? `${key}|all` : spec.type === 'string' && spec.rest ? `${key}…` : key;
  return spec.required ? `<${label}>` : `[${label}]`;
}

/** The usage line of a command: `/subscribe <topic|all> [mode] [time] [timezone] [backlog]`. */
export function usageLine(definition: CommandDefinition): string {
  const options = Object.entries(definition.options).map(([key, spec]) => optionUsage(key, spec));
  return [`/${definition.name}`, ...options].join(' ');
}
