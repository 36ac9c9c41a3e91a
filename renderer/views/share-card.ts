/** A share: its state, its links with Copy, who is in, and End pair; or its failure with Retry and Dismiss. */
import type { LinkKind, SessionView, ShareView } from '../../main/contract.ts';
import { LINKS } from '../../main/core/links.ts';
import { pairsConnected } from '../../main/core/share-rules.ts';
import { copyKey, shareKey, stopKey } from '../action-keys.ts';
import { h, icon, type Child } from '../dom.ts';
import { clientsText, pairEventText, sessionMeta, STATE_LABELS } from '../format.ts';
import { button, copyButton, spinner, title, type ViewContext } from './controls.ts';
import { errorNote, failureNote } from './notes.ts';

export function shareCard(ctx: ViewContext, item: ShareView, session: SessionView | undefined): HTMLElement {
  const { pending } = ctx.state;
  const key = shareKey(item);
  const busy = item.state === 'starting' || item.state === 'reconnecting';
  const name = item.session;
  const meta = item.blank ? 'New terminal' : session ? sessionMeta(session) : 'tmux session';
  const body: Child[] = [];

  if (item.state === 'starting') {
    body.push(h('p', { class: 'progress' }, spinner(), `Connecting to ${item.server}…`));
  } else if (item.state === 'failed') {
    ctx.place(key); // The card shows the share's failure; the share call's own error is the same one.
    const error = item.error ?? { code: 'TMATE_FAILED', message: 'The share failed.', fix: 'Try again.' };
    body.push(
      errorNote(error, [
        button(pending.has(key) ? 'Retrying…' : 'Retry', { 'aria-label': `Retry sharing ${name}`, 'data-key': `retry:${key}`, disabled: pending.has(key), onclick: () => ctx.actions.share({ session: item.session, socket: item.socket }, key) }, 'primary small'),
        button('Dismiss', { 'aria-label': `Dismiss ${name}`, 'data-key': `dismiss:${key}`, onclick: () => ctx.actions.stop(item) }, 'secondary small'),
      ]),
    );
  } else {
    if (item.state === 'reconnecting') {
      body.push(h('p', { class: 'progress' }, spinner(), `Connection lost. Reconnecting to ${item.server}…`));
    }
    const links = LINKS.filter(({ kind }) => item.links[kind]).map(({ kind, label }) => linkRow(ctx, item, kind, label));
    body.push(h('ul', { class: 'links', 'aria-label': `Links for ${name}` }, ...links));
    const people = [clientsText(item), pairEventText(item.lastPairEvent)].filter((text): text is string => text !== null);
    if (people.length) {
      body.push(h('div', { class: `presence${pairsConnected(item) ? ' joined' : ''}` }, icon('users'), h('div', null, h('p', { class: 'count', text: people[0] }), people[1] ? h('p', { class: 'event', text: people[1] }) : null)));
    }
    const stopping = pending.has(stopKey(item));
    body.push(
      h(
        'div',
        { class: 'card-foot' },
        h('span', { class: 'via', text: `via ${item.server}` }),
        button(stopping ? 'Ending…' : 'End pair', { 'aria-label': `End pair on ${name}`, 'data-key': stopKey(item), disabled: stopping, onclick: () => ctx.actions.stop(item) }, 'danger small'),
      ),
    );
  }
  body.push(failureNote(ctx, stopKey(item), `ending the pair on ${name}`));

  return h(
    'li',
    { class: `card share state-${item.state}`, 'data-group': key, 'aria-busy': busy ? 'true' : 'false', 'aria-label': `${name}: ${STATE_LABELS[item.state]}` },
    h(
      'div',
      { class: 'card-head' },
      h('span', { class: 'row-icon' }, icon('terminal')),
      h('div', { class: 'row-text' }, title(name, session?.server ?? 'default'), h('div', { class: 'row-meta', text: meta })),
      h('span', { class: `pill ${item.state}` }, STATE_LABELS[item.state]),
    ),
    ...body,
  );
}

function linkRow(ctx: ViewContext, item: ShareView, kind: LinkKind, label: string): HTMLElement {
  const key = copyKey(kind, item.id);
  const link = item.links[kind] ?? '';
  return h(
    'li',
    { class: 'link' },
    h('div', { class: 'link-text' }, h('span', { class: 'link-label', text: label }), h('code', { class: 'link-value', text: link, title: link })),
    copyButton(ctx, key, `Copy ${label} link for ${item.session}`, () => ctx.actions.copy(item, kind, label)),
    failureNote(ctx, key, `copying the ${label} link`),
  );
}
