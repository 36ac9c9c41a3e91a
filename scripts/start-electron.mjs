// `npm start`: runs the built app (dist/) in Electron. npm here does not run dependencies' install scripts,
// so Electron's binary may not have been fetched: if node_modules/electron has no path.txt + dist/, this
// runs Electron's own install.js to download it, and says clearly what to do when that is impossible.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const electronDir = join(root, 'node_modules', 'electron');

/** The platform's executable inside Electron's dist folder, as electron's install.js names it. */
function platformPath() {
  switch (process.platform) {
    case 'darwin':
      return 'Electron.app/Contents/MacOS/Electron';
    case 'win32':
      return 'electron.exe';
    default:
      return 'electron';
  }
}

/** Where the Electron binary is, or undefined when it has not been downloaded (same rules as electron/index.js). */
function findBinary() {
  const pathFile = join(electronDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const binary = join(process.env.ELECTRON_OVERRIDE_DIST_PATH, relative || platformPath());
    return existsSync(binary) ? binary : undefined;
  }
  if (!relative) return undefined;
  const binary = join(electronDir, 'dist', relative);
  return existsSync(binary) ? binary : undefined;
}

function fail(what) {
  console.error(`
Pairbar: cannot start Electron — ${what}

Electron's binary must be downloadable from its release host (github.com/electron/electron/releases by
default) the first time, into node_modules/electron/dist. Where that host is blocked:
  - use a mirror:    ELECTRON_MIRROR=https://your.mirror/electron/ npm start
  - or use an Electron you already have, unpacked:
                     ELECTRON_OVERRIDE_DIST_PATH=/path/to/electron-dist npm start
                     (the folder holding the electron executable / Electron.app)
The rest of Pairbar works without Electron: the \`pairbar\` command (bin/pairbar.cjs) and \`npm test\`.
`);
  process.exit(1);
}

if (!existsSync(join(root, 'dist', 'main.js'))) fail('dist/main.js is missing; run `npm run build` first.');

let binary = findBinary();
if (!binary) {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    fail(`ELECTRON_OVERRIDE_DIST_PATH=${process.env.ELECTRON_OVERRIDE_DIST_PATH} holds no ${platformPath()}.`);
  }
  if (!existsSync(join(electronDir, 'install.js'))) fail('node_modules/electron is not installed; run `npm install`.');
  console.log("Pairbar: Electron's binary is not downloaded yet; running node_modules/electron/install.js …");
  const install = spawnSync(process.execPath, [join(electronDir, 'install.js')], {
    cwd: electronDir,
    stdio: 'inherit',
  });
  binary = findBinary();
  if (install.status !== 0 || !binary) {
    fail(`downloading its binary failed (install.js exited with ${install.status ?? install.signal}).`);
  }
}

const args = [root, ...process.argv.slice(2)];
if (process.platform === 'linux' && process.getuid?.() === 0) {
  // Chromium refuses to start as root unless its sandbox is off.
  console.log(
    'Pairbar: running as root, so Electron gets --no-sandbox (Chromium refuses to run as root with its sandbox on).',
  );
  args.push('--no-sandbox');
}

const env = { ...process.env };
// Set by some terminals (VS Code's); it would make Electron run as plain Node instead of the app.
delete env.ELECTRON_RUN_AS_NODE;

const child = spawn(binary, args, { cwd: root, env, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (child.exitCode === null) child.kill(signal);
  });
}
child.on('error', (error) => fail(`${binary} could not be run: ${error.message}`));
child.on('exit', (code, signal) => {
  if (code === null) {
    console.error(`Pairbar: Electron exited with signal ${signal}`);
    process.exit(1);
  }
  process.exit(code);
});
