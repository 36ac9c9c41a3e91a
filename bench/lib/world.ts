/**
 * A private tmux/tmate world for one bench: a Sandbox (its own TMUX_TMPDIR, runtime and prefs directories)
 * and, where needed, a test tmate server on 127.0.0.1 that the sandbox's preferences point at. Everything
 * is torn down afterwards, also when the bench throws or the run is interrupted.
 */
import { execFile, execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { withoutTmux } from '../../main/core/process.ts';
import { Sandbox, TMATE, TMUX } from '../../test/support/sandbox.ts';
import { TestTmateServer, type TestTmateServerOptions } from '../../test/support/tmate-server.ts';
import type { BenchContext } from './types.ts';

export { TMATE, TMUX };

const execFileAsync = promisify(execFile);

export interface World {
  sandbox: Sandbox;
  server: TestTmateServer | undefined;
}

export interface WorldOptions {
  /** Start a test tmate server and point the sandbox's preferences at it. */
  server?: TestTmateServerOptions | false;
  readyTimeoutSeconds?: number;
}

export async function withWorld<T>(
  context: BenchContext,
  options: WorldOptions,
  fn: (world: World) => Promise<T>,
): Promise<T> {
  const sandbox = await Sandbox.create();
  context.log(`sandbox ${sandbox.root}`);
  let server: TestTmateServer | undefined;
  let disposing: Promise<void> | undefined;
  // Memoized: an interrupt and the bench's own `finally` may both ask, and both must wait for the same work.
  const dispose = () =>
    (disposing ??= (async () => {
      await sandbox.dispose().catch((error: unknown) => context.log(`cleanup: sandbox: ${String(error)}`));
      await server?.close().catch((error: unknown) => context.log(`cleanup: server: ${String(error)}`));
    })());
  // Not memoized: after an interrupt the bench may still have started a tmate between dispose's kill and now.
  const sweep = async () => {
    await dispose();
    for (const pid of sandbox.tmatePids()) {
      context.log(`cleanup: killing leftover tmate ${pid}`);
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    try {
      execFileSync(TMUX, ['-L', 'default', 'kill-server'], { env: sandbox.env, stdio: 'ignore' });
    } catch {
      // none running: the usual case
    }
    await rm(sandbox.root, { recursive: true, force: true });
  };
  const unregister = context.onAbort(sweep);
  try {
    if (context.aborted) throw new Error('interrupted');
    if (options.server !== false && options.server !== undefined) {
      server = await TestTmateServer.start(options.server);
      await sandbox.useServer(server, options.readyTimeoutSeconds ?? 10);
    }
    return await fn({ sandbox, server });
  } finally {
    await sweep();
    unregister();
  }
}

/** The sandbox's environment for tmux/tmate calls, with TMUX removed as tmate requires. */
export function cleanEnv(sandbox: Sandbox): NodeJS.ProcessEnv {
  return withoutTmux(sandbox.env);
}

/** A plain child_process call, no Pairbar code in between: the baseline's way of running a command. */
export async function exec(file: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 15_000): Promise<string> {
  const { stdout } = await execFileAsync(file, args, { env, timeout: timeoutMs, encoding: 'utf8' });
  return stdout;
}

/** `tmux -V` / `tmate -V`, as printed by the binaries the benches run. */
export async function versions(): Promise<{ tmux: string; tmate: string }> {
  const [tmux, tmate] = await Promise.all([exec(TMUX, ['-V'], process.env), exec(TMATE, ['-V'], process.env)]);
  return { tmux: tmux.trim(), tmate: tmate.trim() };
}
