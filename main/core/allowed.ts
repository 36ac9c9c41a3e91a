/**
 * How who may join a share is recorded and said. No imports: the popover bundles this file, the tray and
 * the command read it too, so "github:alice · 2 keys" is written once.
 */

/** What a share records about who may join: one entry per source, with how many keys it gave. */
export interface AllowedSource {
  /** As parseKeySource reads it: "github:alice", "file:/home/me/pair.keys". */
  source: string;
  keys: number;
}

/** "github:alice · 2 keys", "keys file · 3 keys": what the card and `status` say about who may join. */
export function describeAllowed(allowed: AllowedSource): string {
  const name = allowed.source.startsWith('file:') ? 'keys file' : allowed.source;
  return `${name} · ${allowed.keys} key${allowed.keys === 1 ? '' : 's'}`;
}
