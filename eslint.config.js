// Lint enforces the dependency rule of DESIGN.md: core never imports a platform, commands see only
// src/chat, only src/config reads process.env, and no import cycles.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

const platformPackages = ['discord.js', 'discord.js/*', 'grammy', 'grammy/*', '@grammyjs/*', 'discord-api-types', 'discord-api-types/*', '@discordjs/*'];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'schema/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver': { node: { extensions: ['.ts', '.js'] } } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'import-x/no-cycle': ['error', { maxDepth: 10 }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/config/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Only src/config reads process.env; take settings from the loaded config.',
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/platforms/**', 'src/app.ts', 'src/cli/**', 'src/cli.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: platformPackages, message: 'Core code never imports a chat platform.' },
            { group: ['**/platforms/**', '**/app.js'], message: 'Core code never imports platforms or the composition root.' },
          ],
        },
      ],
    },
  },
  {
    files: ['commands/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: platformPackages, message: 'Commands are platform-neutral.' },
            {
              group: ['../src/*', '!../src/chat'],
              message: 'commands/ imports only src/chat (and the services it is handed).',
            },
            { group: ['../src/*/**', '!../src/chat/**'], message: 'commands/ imports only src/chat.' },
          ],
        },
      ],
    },
  },
  {
    files: ['bin/**/*.js', 'eslint.config.js'],
    languageOptions: { globals: { process: 'readonly' } },
  },
);
