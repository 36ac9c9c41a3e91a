// Runs the built app (dist/main.js, given as argv[2]) in plain Node with `electron` resolved to the
// main-process stand-in, then answers requests from the test on stdin, one JSON line each:
//   { id, fn, arg }  →  { id, ok, value } | { id, ok: false, error }
// where `fn` is the source of `(electron, test, arg) => …` (`test` = the app's pairbarTest hook), run
// inside this process — the way Playwright's electronApp.evaluate runs code in Electron's main process.
import { register } from 'node:module';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

register('./electron-hooks.mjs', import.meta.url);
const electron = await import('electron');
await import(pathToFileURL(process.argv[2]).href);

const reply = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);
reply({ id: 0, ok: true, value: 'loaded' });

const lines = createInterface({ input: process.stdin });
lines.on('line', async (line) => {
  const { id, fn, arg } = JSON.parse(line);
  try {
    // tsx compiles the test with esbuild's keepNames, which wraps inner functions in __name(fn, "name").
    const run = new Function('__name', `return (${fn});`)((target) => target);
    const value = await run(electron, globalThis.pairbarTest, arg);
    reply({ id, ok: true, value: value === undefined ? null : JSON.parse(JSON.stringify(value)) });
  } catch (error) {
    reply({ id, ok: false, error: error instanceof Error ? `${error.message}\n${error.stack}` : String(error) });
  }
});
// The test closing stdin ends this process (once the app has let go of everything).
lines.on('close', () => process.exit(0));
