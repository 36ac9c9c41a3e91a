/**
 * What the screen reader is told when a new snapshot arrives: a pure diff of two snapshots into sentences,
 * and the rule that keeps the same sentence from being read twice in a row. No DOM here (the live region
 * is live-region.ts), so both are tested as tables in Node.
 */
import type { Snapshot } from '../main/contract.ts';

/** The sentences, in the order of the new snapshot's shares, then the shares that are gone. */
export function announcements(before: Pick<Snapshot, 'shares'>, after: Pick<Snapshot, 'shares'>): string[] {
  const sentences: string[] = [];
  const old = new Map(before.shares.map((share) => [share.id, share]));
  for (const share of after.shares) {
    const was = old.get(share.id);
    old.delete(share.id);
    if (share.state !== was?.state) {
      if (share.state === 'sharing' && was?.state !== 'reconnecting')
        sentences.push(`Sharing ${share.session}: the links are ready.`);
      else if (share.state === 'sharing') sentences.push(`Sharing ${share.session} again.`);
      else if (share.state === 'reconnecting') sentences.push(`Connection lost for ${share.session}; reconnecting.`);
      // A share that was up and failed now ended by a fault (tmate killed, its tmux server gone).
      else if (share.state === 'failed' && share.error && was && was.state !== 'starting')
        sentences.push(`Sharing ${share.session} ended: ${share.error.message}`);
      else if (share.state === 'failed' && share.error)
        sentences.push(`Could not share ${share.session}: ${share.error.message}`);
    } else if (share.lastPairEvent && share.lastPairEvent.at !== was?.lastPairEvent?.at) {
      sentences.push(`A pair ${share.lastPairEvent.kind} ${share.session}.`);
    }
    // The server handed out other links (a bare server after a reconnect): whoever holds the old ones is locked out.
    if (was && share.linksChangedAt !== null && share.linksChangedAt !== was.linksChangedAt)
      sentences.push(`New links for ${share.session}: the old ones no longer work.`);
  }
  // A failed share that goes away was dismissed, not stopped: its failure was already said.
  for (const share of old.values()) if (share.state !== 'failed') sentences.push(`Stopped sharing ${share.session}.`);
  return sentences;
}

export interface Announced {
  text: string;
  /** performance.now() when it was said. */
  at: number;
}

/** Within this many ms the same sentence is not said again. */
export const REPEAT_MS = 2000;

/**
 * The same news can come twice (the push of a failed share, then the answer to the share call): said again
 * only after REPEAT_MS.
 */
export function isRepeat(last: Announced | undefined, text: string, at: number): boolean {
  return last !== undefined && last.text === text && at - last.at < REPEAT_MS;
}
