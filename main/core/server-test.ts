/**
 * "Test connection": one throwaway tmate session against a server, under a time limit, stopped as soon as
 * it has links (or has failed). It shares nothing: its only pane runs `cat`, and it is ended before anyone
 * could use its links. What it reports is what a share there would get.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errors, isPairbarError, toErrorInfo, type ErrorInfo, type PairbarError } from './errors.ts';
import { probeServer } from './hostkeys.ts';
import { spawnDetached } from './process.ts';
import { serverLabel, type ServerProfile } from './servers.ts';
import { startLogFailure, watchStartLog } from './start-log.ts';
import { tmateConfig } from './tmate-config.ts';
import { shareFiles, stopTmate, waitForSocket, waitReadyThenReadLinks, type TmateEnv } from './tmate.ts';

/** What the server hands a share. */
export interface ServerOffers {
  ssh: boolean;
  sshReadOnly: boolean;
  web: boolean;
  webReadOnly: boolean;
  /** Whether it says how many pairs are connected (tmate_num_clients): a bare tmate-ssh-server does not. */
  reportsPairs: boolean;
}

export type ServerTestResult =
  | { ok: true; name: string; server: string; msToLinks: number; offers: ServerOffers }
  | { ok: false; name: string; server: string; ms: number; error: ErrorInfo };

export interface ServerTestOptions {
  tmate: TmateEnv;
  server: ServerProfile;
  timeoutSeconds: number;
  /** A private directory (the runtime directory) to hold the throwaway session's socket and log. */
  dir: string;
}

/** Runs the test; never throws for the server's sake (the failure is the result), never leaves tmate running. */
export async function testServer(options: ServerTestOptions): Promise<ServerTestResult> {
  const { tmate, server, timeoutSeconds } = options;
  const started = Date.now();
  const base = { name: server.name, server: serverLabel(server) };
  const files = shareFiles(join(options.dir, `test-${randomBytes(4).toString('hex')}`));
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new Error('time limit')), timeoutSeconds * 1000);
  const log = watchStartLog(files.log, server, timeout);
  const { follower } = log;
  let pid = 0;
  try {
    // A name that does not resolve or a port that refuses is known without starting tmate at all.
    await probeServer(server, Math.min(timeoutSeconds * 1000, 5_000));
    await mkdir(files.dir, { recursive: true, mode: 0o700 });
    // The pane must outlive the wait for links without touching any tmux session: `cat` reads a pty nobody types into.
    await writeFile(files.config, tmateConfig(server) + "set -g default-command 'exec cat'\n", { mode: 0o600 });
    await writeFile(files.log, '', { mode: 0o600 });
    const daemon = await spawnDetached(tmate.tmate, ['-F', '-S', files.socket, '-f', files.config], {
      env: tmate.env,
      logFile: files.log,
      cwd: files.dir,
    });
    pid = daemon.pid;
    void daemon.exited.then(() => timeout.abort(new Error('tmate exited')));
    follower.start();
    await waitForSocket(files, timeout.signal);
    const { links, clients } = await waitReadyThenReadLinks(tmate, files.socket, timeout.signal);
    const msToLinks = Date.now() - started;
    return {
      ok: true,
      ...base,
      msToLinks,
      offers: {
        ssh: links.ssh !== null,
        sshReadOnly: links.sshReadOnly !== null,
        web: links.web !== null,
        webReadOnly: links.webReadOnly !== null,
        reportsPairs: clients !== null,
      },
    };
  } catch (error) {
    await follower.pump();
    let cause: PairbarError;
    if (isPairbarError(error)) cause = error;
    // tmate never ran (it could not be spawned): its log holds nothing to tell from.
    else if (pid === 0) cause = errors.tmateFailed(toErrorInfo(error).message);
    else cause = await startLogFailure(log, server, timeoutSeconds);
    return { ok: false, ...base, ms: Date.now() - started, error: cause.toJSON() };
  } finally {
    clearTimeout(timer);
    follower.close();
    if (pid > 0) await stopTmate(tmate, files.socket, pid).catch(() => undefined);
    await rm(files.dir, { recursive: true, force: true });
  }
}
