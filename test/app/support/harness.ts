/**
 * Launches the built app (dist/main.js) in a child Node process with `electron` resolved to the
 * main-process stand-in (fake-electron.mjs), and evaluates functions inside it — the shape of Playwright's
 * `electronApp.evaluate`, so these checks read like the e2e ones that need the real binary.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = join(import.meta.dirname, '../../..');
export const MAIN = join(ROOT, 'dist/main.js');

/** Builds dist/ when this runs without `npm test` having built it. */
export function ensureBuilt(): void {
  if (!['dist/main.js', 'dist/preload.cjs'].every((file) => existsSync(join(ROOT, file)))) {
    execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  }
}

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

export interface FakeApp {
  pid: number;
  /** Runs `fn(electron, pairbarTest, arg)` in the app's process; resolves with its (JSON) result. */
  evaluate<R, A = undefined>(fn: (electron: any, test: any, arg: A) => R | Promise<R>, arg?: A): Promise<Awaited<R>>;
  /** Ends the app process (stdin closed; killed if it lingers) and resolves with its exit code. */
  close(): Promise<number | null>;
  stderr(): string;
  exited: Promise<number | null>;
}

export async function launchFakeApp(env: NodeJS.ProcessEnv): Promise<FakeApp> {
  ensureBuilt();
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    [join(import.meta.dirname, 'driver.mjs'), MAIN],
    {
      cwd: ROOT,
      // The app's test hook is loaded under PAIRBAR_E2E=1; a test that checks the app without it passes ''.
      env: { PAIRBAR_E2E: '1', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const pending = new Map<number, (reply: Reply) => void>();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let loaded: (value: void) => void;
  let failed: (error: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    loaded = resolve;
    failed = reject;
  });
  void exited.then((code) => {
    failed(new Error(`the app exited (${code}) before it loaded:\n${stderr}`));
    for (const [id, resolve] of pending) resolve({ id, ok: false, error: `the app exited (${code}):\n${stderr}` });
    pending.clear();
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    let reply: Reply;
    try {
      reply = JSON.parse(line) as Reply;
    } catch {
      process.stderr.write(`[app] ${line}\n`);
      return;
    }
    if (reply.id === 0) return loaded();
    pending.get(reply.id)?.(reply);
    pending.delete(reply.id);
  });
  await ready;

  let nextId = 1;
  return {
    pid: child.pid!,
    exited,
    stderr: () => stderr,
    evaluate(fn, arg) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, (reply) => (reply.ok ? resolve(reply.value as never) : reject(new Error(reply.error))));
        child.stdin.write(`${JSON.stringify({ id, fn: fn.toString(), arg })}\n`);
      });
    },
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Calls an IPC handler the app registered, as the popover's page (or, to test refusals, another sender) would. */
export function invoke(
  target: FakeApp,
  channel: string,
  args: unknown[],
  from: 'popover' | 'other-contents' | 'other-url' | 'subframe' = 'popover',
): Promise<unknown> {
  return target.evaluate(
    async (_electron, _t, { channel, args, from }: { channel: string; args: unknown[]; from: string }) => {
      const fake = (globalThis as any).fakeElectron;
      const win = fake.windows[0];
      const handler = fake.handlers.get(channel);
      if (!handler) throw new Error(`no handler for ${channel}`);
      const frame = { url: win.webContents.mainFrame.url, parent: null as unknown };
      let sender = win.webContents;
      if (from === 'other-contents') sender = { id: 999 };
      if (from === 'other-url') frame.url = 'https://example.com/';
      if (from === 'subframe') frame.parent = {};
      return handler({ sender, senderFrame: frame }, ...args);
    },
    { channel, args, from },
  );
}
