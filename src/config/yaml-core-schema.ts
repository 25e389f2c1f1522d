/**
 * A js-yaml schema that resolves plain scalars exactly as the `yaml` package's YAML 1.2 core schema does,
 * so a config file means the same whichever of the two reads it (yaml-file.ts uses both). js-yaml's own
 * core schema also reads 0b binary integers, keeps no -0, and refuses floats such as +.5; these two types
 * carry the yaml package's patterns instead. null and booleans already agree.
 */
import jsYaml from 'js-yaml';

const CORE_INT = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/;
const CORE_FLOAT = /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

const coreInt = new jsYaml.Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (data: unknown) => typeof data === 'string' && CORE_INT.test(data),
  construct: (data: string) => (data.startsWith('0o') ? parseInt(data.slice(2), 8) : Number(data)),
  predicate: (value: unknown) => Number.isInteger(value),
});

const coreFloat = new jsYaml.Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  resolve: (data: unknown) => typeof data === 'string' && CORE_FLOAT.test(data),
  construct: (data: string) => {
    const lower = data.toLowerCase();
    if (lower.endsWith('.nan')) return Number.NaN;
    if (lower.endsWith('.inf')) return data.startsWith('-') ? -Infinity : Infinity;
    return Number(data);
  },
  predicate: (value: unknown) => typeof value === 'number',
});

/**
 * js-yaml's core schema with its int and float types replaced in place (a type of the same tag takes the
 * old one's position), so integers are still tried before floats: "12" an int, "1e3" and "1.5" floats.
 */
export const YAML_CORE_SCHEMA = jsYaml.CORE_SCHEMA.extend({ implicit: [coreInt, coreFloat] });
