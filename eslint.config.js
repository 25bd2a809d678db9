// Lint: type-aware rules for the whole tree, plus the import boundaries that
// keep the layers honest (the web app never imports Node code; domain
// packages never import apps).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

const appsFromDomain = {
  group: ['**/apps/**', '@flowgento/server', '@flowgento/web', '@flowgento/desktop'],
  message: 'Domain packages never import apps.',
};

// A WorkspaceScope is proof of access to one workspace's data: only the
// access layer (after a session or invite proved it) and webhook routing
// (after a signature proved it) may make one.
const scopeMaking = {
  name: '@flowgento/store',
  importNames: ['workspaceScope'],
  message:
    'Take the WorkspaceScope from the AuthContext; only access and webhook routing make one.',
};

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      'no-console': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports' },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/only-throw-error': 'error',
    },
  },
  {
    files: ['packages/*/src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [scopeMaking], patterns: [appsFromDomain] },
      ],
    },
  },
  {
    // The media fetcher acts on rows intake wrote after a signature proved
    // their workspace, and resumes them at start from the row alone. The
    // erasure ledger re-applies erasures members already made, per workspace.
    files: [
      'packages/messaging/src/contact-erasure.ts',
      'packages/access/src/**/*.ts',
      'packages/messaging/src/intake-records.ts',
      'packages/messaging/src/media-fetcher.ts',
      'packages/messaging/src/outbound-queue.ts',
    ],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [appsFromDomain] },
      ],
    },
  },
  {
    files: ['apps/server/src/**/*.ts', 'apps/desktop/src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [scopeMaking] }],
    },
  },
  {
    files: ['apps/web/src/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({
            name,
            message: 'The web app runs in a browser: no Node modules.',
          })),
          patterns: [
            {
              group: ['@flowgento/*'],
              allowTypeImports: true,
              message: 'The web app imports only types from the domain (e.g. AppRouter).',
            },
            {
              group: ['**/packages/**', '**/apps/server/**', '**/apps/desktop/**'],
              message: 'The web app imports no server code.',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests, scripts and benchmarks talk to the terminal and use loose fixtures.
    files: [
      '**/test/**',
      'tests/**',
      'scripts/**',
      'bench/**',
      '**/*.config.ts',
      'eslint.config.js',
    ],
    rules: {
      'no-console': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      globals: {
        process: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        console: 'readonly',
        setInterval: 'readonly',
        setTimeout: 'readonly',
      },
    },
  },
);
