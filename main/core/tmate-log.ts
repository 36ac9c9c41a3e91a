/**
 * What tmate prints in foreground mode (`tmate -F`), one line at a time, as events: connecting, failures,
 * links, pairs joining and leaving, reconnects. Pure parsing.
 */
import type { ShareLinks } from './links.ts';

export type LogEvent =
  | { kind: 'connecting'; host: string }
  | { kind: 'connect-error'; reason: string }
  | { kind: 'lookup-failure'; host: string }
  | { kind: 'fingerprint-mismatch' }
  | { kind: 'keys-missing' }
  | { kind: 'reconnecting'; reason: string }
  | { kind: 'reconnected' }
  /** The server announced a link (on connect, and again after a reconnect, when it may have changed). */
  | { kind: 'link'; link: keyof ShareLinks; value: string }
  | { kind: 'joined'; ip: string; clients: number }
  | { kind: 'left'; ip: string; clients: number }
  | { kind: 'closed' }
  | { kind: 'message'; text: string };

const MATE = /^A mate has (joined|left) \(([^)]*)\) -- (\d+) clients? currently connected/;

export function parseLogLine(raw: string): LogEvent | undefined {
  const line = raw
    .replace(/\r$/, '')
    .replace(/^\[tmate\] /, '')
    .trim();
  if (line === '') return undefined;
  let match: RegExpMatchArray | null;
  if ((match = line.match(MATE))) {
    const kind = match[1] === 'joined' ? 'joined' : 'left';
    return { kind, ip: match[2] ?? '', clients: Number(match[3]) };
  }
  if ((match = line.match(/^(ssh|web) session( read only)?: (\S.*)$/))) {
    const readOnly = match[2] !== undefined;
    const link: keyof ShareLinks =
      match[1] === 'ssh' ? (readOnly ? 'sshReadOnly' : 'ssh') : readOnly ? 'webReadOnly' : 'web';
    return { kind: 'link', link, value: match[3] ?? '' };
  }
  if ((match = line.match(/^Connecting to (.*?)\.\.\.$/))) return { kind: 'connecting', host: match[1] ?? '' };
  if ((match = line.match(/^Error connecting: (.*)$/))) return { kind: 'connect-error', reason: match[1] ?? '' };
  if ((match = line.match(/^(.*) lookup failure/))) return { kind: 'lookup-failure', host: match[1] ?? '' };
  if (/^Cannot authenticate server/.test(line)) return { kind: 'fingerprint-mismatch' };
  if (/^SSH keys not found/.test(line)) return { kind: 'keys-missing' };
  if ((match = line.match(/^Reconnecting\.\.\.\s*(?:\((.*)\))?/)))
    return { kind: 'reconnecting', reason: match[1] ?? '' };
  if (/^Reconnected\b/.test(line)) return { kind: 'reconnected' };
  if (/^Session closed\b/.test(line)) return { kind: 'closed' };
  return { kind: 'message', text: line };
}
