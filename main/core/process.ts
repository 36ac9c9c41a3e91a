/**
 * The one place Pairbar starts child processes. Arguments are always arrays (never a shell string), stderr
 * is folded into the error, a time limit kills the child, and every spawn is counted so the benchmarks can
 * state how many processes an operation costs.
 *
 * run() has two implementations with one behaviour: execa's (the app, and the default), and one on
 * node:child_process for the `pairbar` command, which exits after a query or two: loading execa costs it
 * some 15 ms, more than the rest of `pairbar status` (useNodeSpawn; test/core/process.test.ts runs every
 * case against both).
 */
import { closeSync, openSync } from 'node:fs';
import type { Options as ExecaOptions, ResultPromise } from 'execa';
import { safeEnvPath } from './programs.ts';

/**
 * execa (and node:child_process), loaded on the first spawn: most of what the `pairbar` command would load
 * otherwise, and `status`, `--help` and reading share.json files never spawn.
 */
let execaModule: Promise<typeof import('execa')> | undefined;
function loadExeca(): Promise<typeof import('execa')> {
  return (execaModule ??= import('execa'));
}

let spawnCount = 0;

export type Spawner = 'execa' | 'node';
let spawner: Spawner = 'execa';

/** From now on run() spawns through node:child_process instead of execa: for short-lived processes. */
export function useNodeSpawn(): void {
  spawner = 'node';
}

/**
 * The environment for tmux, tmate and the other programs Pairbar runs: ours, less the variables that would
 * make them think they are nested (tmux refuses to attach while TMUX is set; tmate sets it to its own
 * socket), and with PATH cut to its absolute entries, so that tmate's pane shell, and whatever else looks a
 * program up by name, never runs one from the directory it happens to be in (programs.ts).
 */
export function withoutTmux(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean = { ...env };
  delete clean.TMUX;
  delete clean.TMUX_PANE;
  if (clean.PATH !== undefined) clean.PATH = safeEnvPath(clean.PATH);
  return clean;
}

/** How many child processes this module has started since the process began. */
export function spawnedSoFar(): number {
  return spawnCount;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** Kill the child after this many milliseconds. */
  timeoutMs?: number;
  cwd?: string;
  input?: string;
  signal?: AbortSignal;
  /** Don't capture stdout/stderr: for tools that leave a child holding them (xclip). */
  detachOutput?: boolean;
  /** Run in a session and process group of its own, so everything it starts can be killed with it (killGroup). */
  group?: boolean;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export class CommandError extends Error {
  constructor(
    readonly file: string,
    readonly args: readonly string[],
    readonly exitCode: number | undefined,
    readonly stderr: string,
    readonly timedOut: boolean,
    readonly notFound: boolean,
  ) {
    const what = `${file} ${args.join(' ')}`;
    const why = notFound ? 'not found' : timedOut ? 'timed out' : stderr.trim() || `exit code ${exitCode ?? 'unknown'}`;
    super(`${what}: ${why}`);
    this.name = 'CommandError';
  }
}

function execaOptions(options: RunOptions): ExecaOptions {
  return {
    env: options.env,
    extendEnv: options.env === undefined,
    timeout: options.timeoutMs,
    cwd: options.cwd,
    input: options.input,
    cancelSignal: options.signal,
    stripFinalNewline: false,
    reject: false,
    windowsHide: true,
    stdin: options.input === undefined ? 'ignore' : 'pipe',
    ...(options.detachOutput ? { stdout: 'ignore', stderr: 'ignore' } : {}),
    ...(options.group ? { detached: true } : {}),
  };
}

/**
 * SIGKILLs the process group of a child started with `group: true`: the child and whatever it started that
 * did not leave the group. Call it while the child is still running (its pid is then still its group's id).
 */
export function killGroup(child: { pid?: number | undefined; kill(signal?: NodeJS.Signals): boolean }): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // No such group (it never became one, or is gone already): kill what we know of.
    child.kill('SIGKILL');
  }
}

/** Runs a command to completion; rejects with a CommandError unless it exits 0. */
export function run(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return runWith(spawner, file, args, options);
}

/** run() through the given implementation. */
export async function runWith(
  how: Spawner,
  file: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  const execa = how === 'execa' ? (await loadExeca()).execa : undefined;
  spawnCount++;
  const result = execa
    ? await execaResult(execa(file, args, execaOptions(options)))
    : await spawnToEnd(file, args, options);
  if (result.failed)
    throw new CommandError(file, args, result.exitCode, result.stderr, result.timedOut, result.notFound);
  return { stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode ?? -1 };
}

interface Finished {
  stdout: string;
  stderr: string;
  exitCode: number | undefined;
  failed: boolean;
  timedOut: boolean;
  notFound: boolean;
}

async function execaResult(child: ResultPromise): Promise<Finished> {
  const result = await child;
  return {
    stdout: String(result.stdout ?? ''),
    stderr: String(result.stderr ?? ''),
    exitCode: result.exitCode,
    failed: Boolean(result.failed),
    timedOut: Boolean(result.timedOut),
    notFound: (result as { code?: string }).code === 'ENOENT',
  };
}

/** execa's grace between the SIGTERM of a time limit and the SIGKILL, kept for the same behaviour. */
const FORCE_KILL_AFTER_MS = 5_000;

/** What execaOptions() asks of execa, on node:child_process. */
async function spawnToEnd(file: string, args: readonly string[], options: RunOptions): Promise<Finished> {
  const { spawn } = await import('node:child_process');
  return new Promise((resolve) => {
    const output = options.detachOutput ? 'ignore' : 'pipe';
    const child = spawn(file, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', output, output],
      detached: options.group ?? false,
      windowsHide: true,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    let timedOut = false;
    let forceKill: NodeJS.Timeout | undefined;
    const stop = (): void => {
      child.kill('SIGTERM');
      forceKill ??= setTimeout(() => child.kill('SIGKILL'), FORCE_KILL_AFTER_MS).unref();
    };
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            stop();
          }, options.timeoutMs);
    const onAbort = (): void => stop();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    let settled = false;
    const finish = (exitCode: number | undefined, failed: boolean, notFound = false): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(forceKill);
      options.signal?.removeEventListener('abort', onAbort);
      const text = (chunks: Buffer[]): string => Buffer.concat(chunks).toString('utf8');
      resolve({
        stdout: text(stdout),
        stderr: text(stderr),
        exitCode,
        failed: failed || timedOut || Boolean(options.signal?.aborted),
        timedOut,
        notFound,
      });
    };
    child.once('error', (error: NodeJS.ErrnoException) => finish(undefined, true, error.code === 'ENOENT'));
    child.once('close', (code) => finish(code ?? undefined, code !== 0));
    if (options.signal?.aborted) stop();
    if (options.input !== undefined) {
      // A child that exits without reading all of it closes the pipe: that is its business, not an error here.
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(options.input);
    }
  });
}

/**
 * Starts a command and hands back the running child (for the caller to await, read or kill). Wrapped in an
 * object because the child is itself a promise: resolving with it would wait for it to exit.
 */
export async function start(
  file: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<{ child: ResultPromise }> {
  const { execa } = await loadExeca();
  spawnCount++;
  return { child: execa(file, args, { ...execaOptions(options), reject: false }) };
}

export interface DaemonExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A daemon started by spawnDetached. */
export interface Detached {
  pid: number;
  /** Settles when the daemon exits while this process is still running: its exit code, or the signal that ended it. */
  exited: Promise<DaemonExit>;
}

/**
 * Starts a long-lived daemon in its own session (so it outlives us and ignores our terminal's signals),
 * with stdin closed and stdout+stderr appended to `logFile`.
 */
export async function spawnDetached(
  file: string,
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; logFile: string; cwd?: string },
): Promise<Detached> {
  const { spawn } = await import('node:child_process');
  spawnCount++;
  return new Promise((resolve, reject) => {
    const fd = openSync(options.logFile, 'a', 0o600);
    try {
      const child = spawn(file, args, {
        env: options.env,
        cwd: options.cwd,
        detached: true,
        stdio: ['ignore', fd, fd],
      });
      const exited = new Promise<DaemonExit>((settle) =>
        child.once('exit', (code, signal) => settle({ code, signal })),
      );
      child.once('error', (error) => {
        reject(
          (error as NodeJS.ErrnoException).code === 'ENOENT'
            ? new CommandError(file, args, undefined, '', false, true)
            : error,
        );
      });
      child.once('spawn', () => {
        // Not waiting for it: the daemon must not keep this process alive.
        child.unref();
        resolve({ pid: child.pid ?? -1, exited });
      });
    } finally {
      closeSync(fd);
    }
  });
}

/**
 * A long-lived child whose stdin this process writes and whose stdout it reads as a stream, nothing
 * buffered (a control-mode client prints the shared pane's output: megabytes nobody keeps). stderr is ignored.
 */
export async function spawnStreaming(
  file: string,
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string },
): Promise<
  import('node:child_process').ChildProcessByStdio<import('node:stream').Writable, import('node:stream').Readable, null>
> {
  const { spawn } = await import('node:child_process');
  spawnCount++;
  const child = spawn(file, args, { env: options.env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    child.once('error', (error) =>
      reject(
        (error as NodeJS.ErrnoException).code === 'ENOENT'
          ? new CommandError(file, args, undefined, '', false, true)
          : error,
      ),
    );
    child.once('spawn', () => resolve(child));
  });
}
