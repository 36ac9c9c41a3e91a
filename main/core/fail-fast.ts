/**
 * Which of the things tmate prints while it first connects can never fix themselves by waiting: tmate
 * retries every 2 s forever, so a share (or a server test) that waited out its whole time limit for these
 * would only say later, and less precisely, what it can say now.
 */
import { errors, type PairbarError } from './errors.ts';
import type { ServerSettings } from './servers.ts';
import type { LogEvent } from './tmate-log.ts';

/**
 * The error a start-up event means at once, 'fingerprint' for a mismatch (whose message needs the key
 * the server presents, read separately), or undefined to keep waiting.
 */
export function fatalStartEvent(
  event: LogEvent,
  server: Pick<ServerSettings, 'host' | 'port'>,
): PairbarError | 'fingerprint' | undefined {
  switch (event.kind) {
    case 'lookup-failure':
      return errors.serverNameNotFound(server.host, server.port);
    case 'connect-error':
      // Other reasons (a timeout, no route) may pass: a network that comes up, a server that restarts.
      return /refused/i.test(event.reason) ? errors.serverRefused(server.host, server.port) : undefined;
    case 'keys-missing':
      return errors.sshKeysMissing();
    case 'fingerprint-mismatch':
      return 'fingerprint';
    default:
      return undefined;
  }
}
