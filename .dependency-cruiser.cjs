// The import rules `npm test` checks (`npm run check:imports`, dependency-cruiser, offline): no import
// circle anywhere, type-only imports included (a circle of types still ties the files' changes together),
// and the layers of README's Layout, each rule with the reason it exists. A rule broken names the files.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import circle: move what both sides need into a file both import.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-stands-alone',
      comment:
        'main/core/ is what the CLI, the app, the tests and the benchmarks all drive: it never imports Electron, the preferences or anything above it.',
      severity: 'error',
      from: { path: '^main/core/' },
      to: { path: '^(main/(app|electron|prefs|cli)/|main/(contract|runtime)\\.ts$)|^electron$|node_modules/electron/' },
    },
    {
      name: 'prefs-below-the-app',
      comment: 'main/prefs/ is read by the CLI and the app alike: it imports the core only.',
      severity: 'error',
      from: { path: '^main/prefs/' },
      to: { path: '^(main/(app|electron|cli)/|main/(contract|runtime)\\.ts$)|^electron$|node_modules/electron/' },
    },
    {
      name: 'app-is-pure',
      comment:
        'main/app/ is the app logic tested in plain Node: Electron objects come in as parameters, so it imports no Electron adapter (main/electron/) and nothing of electron but types.',
      severity: 'error',
      from: { path: '^main/app/' },
      to: { path: '^main/(electron|cli)/' },
    },
    {
      name: 'app-takes-electron-types-only',
      comment: 'main/app/ may name Electron types; a value import would make Node load the electron package.',
      severity: 'error',
      from: { path: '^main/app/' },
      to: { path: '^electron$|node_modules/electron/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'cli-has-no-electron',
      comment: 'The command runs without Electron: it never imports the app or its adapters.',
      severity: 'error',
      from: { path: '^main/cli/' },
      to: { path: '^main/(app|electron)/|^electron$|node_modules/electron/' },
    },
    {
      name: 'renderer-has-no-node',
      comment:
        'The popover has no Node and no Electron: it imports the main side only as types, except the core files written for it (no imports of their own).',
      severity: 'error',
      from: { path: '^renderer/' },
      to: {
        path: '^main/',
        pathNot: '^main/core/(links|share-rules|time-left|allowed)\\.ts$',
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'renderer-no-builtins',
      comment: 'The popover runs in a sandboxed page: no Node built-in module.',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { dependencyTypes: ['core'] },
    },
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.json' },
    // Type-only imports are edges too: `import type` circles are circles.
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|release|test-output)/' },
    enhancedResolveOptions: { extensions: ['.ts', '.mjs', '.js', '.cjs'] },
  },
};
