/**
 * What tmate prints while a session starts, watched the one way a share's start and "Test connection"
 * (server-test.ts) both need: every event kept as the evidence for a failure message, and the wait aborted
 * at the first line that waiting cannot fix (fail-fast.ts). Then, when the start did fail, why, in words a
 * person can act on.
 */
import { errors, type PairbarError } from './errors.ts';
import { fatalStartEvent } from './fail-fast.ts';
import { LogFollower } from './log-follower.ts';
import type { ServerProfile } from './servers.ts';
import { parseLogLine, type LogEvent } from './tmate-log.ts';

export interface StartLog {
  /** Follows the log; start() it once tmate runs, close() it when the start is over. */
  follower: LogFollower;
  /** What tmate printed while starting. */
  events: LogEvent[];
  /** What tmate printed that retrying cannot fix, when it did (see fail-fast.ts). */
  fatal?: PairbarError | 'fingerprint';
}

/** Follows `file` (tmate's log) from its start; aborts `abort` at the first event that waiting cannot fix. */
export function watchStartLog(file: string, server: ServerProfile, abort: AbortController): StartLog {
  const log: StartLog = { follower: new LogFollower(file), events: [] };
  log.follower.on('line', (line) => {
    const event = parseLogLine(line);
    if (!event) return;
    log.events.push(event);
    // A name that does not resolve, a port that refuses, no key, a wrong key: waiting cannot help, so
    // the start ends now with its own message rather than at the time limit.
    log.fatal ??= fatalStartEvent(event, server);
    if (log.fatal) abort.abort(new Error('failed for good'));
  });
  return log;
}

/**
 * Why a start that was not ready within `seconds` failed, from what tmate printed (the caller has pumped
 * the log to its end). `env` is what ssh-keyscan runs with, for a fingerprint mismatch.
 */
export async function startLogFailure(
  log: StartLog,
  server: ServerProfile,
  seconds: number,
  env?: NodeJS.ProcessEnv,
): Promise<PairbarError> {
  if (log.fatal === 'fingerprint') {
    // Loaded for this failure only: reading the server's keys needs node:crypto and node:net, which
    // `pairbar status` would otherwise load for nothing.
    const { fingerprintMismatch } = await import('./hostkeys.ts');
    return fingerprintMismatch(server, { env });
  }
  return log.fatal ?? startFailure(log.events, server, seconds);
}

/** Why a share never became ready, from what tmate printed while trying. */
export function startFailure(
  events: LogEvent[],
  server: { host: string; port: number },
  seconds: number,
): PairbarError {
  const kinds = new Set(events.map((event) => event.kind));
  if (kinds.has('fingerprint-mismatch')) return errors.fingerprintMismatch(server.host, server.port);
  if (kinds.has('keys-missing')) return errors.sshKeysMissing();
  const lastError = [...events]
    .reverse()
    .find((event) => event.kind === 'connect-error' || event.kind === 'lookup-failure');
  if (lastError) {
    const detail = lastError.kind === 'connect-error' ? lastError.reason : 'host name not found';
    return errors.serverUnreachable(server.host, server.port, seconds, detail);
  }
  if (kinds.has('connecting')) return errors.serverNotReady(server.host, server.port, seconds);
  const said = events
    .filter((event): event is Extract<LogEvent, { kind: 'message' }> => event.kind === 'message')
    .map((event) => event.text)
    .slice(-3)
    .join(' / ');
  return errors.tmateFailed(said || `no answer within ${seconds} s`);
}
