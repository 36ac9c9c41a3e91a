/**
 * The card's "who is in" line, from the one presence rule (core/share-rules.ts): on a bare server the
 * watcher's "Someone is in since 14:02 (their terminal 90×23)" or "Nobody is in", with what this server
 * cannot say; where the server counts, the count and the last join or leave as before. Also when a share set
 * to end once nobody is in will end.
 */
import type { ShareView } from '../../main/contract.ts';
import { emptyEndText, pairsConnected, presenceOf, presenceText } from '../../main/core/share-rules.ts';
import { formatSpan } from '../../main/core/time-left.ts';
import { h, icon } from '../dom.ts';
import { clientsText, pairEventText, timeOf } from '../format.ts';

export function presencePart(item: ShareView): HTMLElement[] {
  const parts: HTMLElement[] = [];
  const clock = (at: number) => timeOf(at);
  const watched = item.clients === null ? presenceText(item, clock) : null;
  const lines = watched
    ? [
        watched,
        item.presence?.present
          ? "This server doesn't say who or how many."
          : "This server doesn't say who joins; Pairbar sees whether someone is in.",
      ]
    : [clientsText(item), pairEventText(item.lastPairEvent)].filter((text): text is string => text !== null);
  if (lines.length > 0) {
    const joined = watched ? presenceOf(item).present === true : Boolean(pairsConnected(item));
    parts.push(
      h(
        'div',
        { class: `presence${joined ? ' joined' : ''}`, role: 'status' },
        icon('users'),
        h(
          'div',
          null,
          h('p', { class: 'count', text: lines[0] }),
          lines[1] ? h('p', { class: 'event', text: lines[1] }) : null,
        ),
      ),
    );
  }
  const emptyEnd = emptyEndText(item, clock, formatSpan);
  if (emptyEnd) parts.push(h('p', { class: 'time-left empty-end', text: `Ends when nobody is in · ${emptyEnd}` }));
  return parts;
}
