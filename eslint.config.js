// Lint rules, including the layer rules from docs/ARCHITECTURE.md.
import tseslint from 'typescript-eslint'
import vue from 'eslint-plugin-vue'
import vueParser from 'vue-eslint-parser'

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'http', 'url']

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'models/**', 'resources/**', 'test/fixtures/**', '**/*.d.ts'] },
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parser: vueParser, parserOptions: { parser: tseslint.parser, sourceType: 'module' } },
  },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/first-attribute-linebreak': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/html-indent': 'off',
      'vue/multiline-html-element-content-newline': 'off',
    },
  },
  {
    files: ['src-main/contract/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [...nodeBuiltins, 'electron', '../services/*', '../platform/*', '../server/*', '../electron/*'] },
      ],
    },
  },
  {
    files: ['src-main/services/**', 'src-main/platform/**', 'src-main/server/**', 'src-main/cli/**'],
    rules: { 'no-restricted-imports': ['error', { paths: ['electron'] }] },
  },
  {
    files: ['src-renderer/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/src-main/**'], message: 'The renderer reaches src-main only through @contract.' },
            { group: nodeBuiltins, message: 'The renderer never touches Node APIs or disk.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src-renderer/src/render/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['vue', 'pinia'], patterns: ['**/src-main/**', ...nodeBuiltins] }],
    },
  },
)
