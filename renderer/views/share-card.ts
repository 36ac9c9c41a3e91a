/** A share: its state, its links with Copy, who is in, and End pair; or its failure with Retry and Dismiss. */
import type { SessionView, ShareView } from '../../main/contract.ts';
import { orderedLinks, type LinkInfo } from '../../main/core/links.ts';
import { pairSizeText } from '../../main/core/share-rules.ts';
import { copyKey, rotateKey, shareKey, stopKey } from '../action-keys.ts';
import { h, icon, type Child } from '../dom.ts';
import {
  allowedText,
  linksChangedText,
  missingWebText,
  pairClientText,
  sessionMeta,
  SHUT_DOWN,
  STATE_LABELS,
  timeLeftText,
} from '../format.ts';
import { button, copyButton, spinner, title, type ViewContext } from './controls.ts';
import { keyboardPart } from './keyboard.ts';
import { presencePart } from './presence.ts';
import { errorNote, failureNote } from './notes.ts';

export function shareCard(ctx: ViewContext, item: ShareView, session: SessionView | undefined): HTMLElement {
  const { pending } = ctx.state;
  const key = shareKey(item);
  const busy = item.state === 'starting' || item.state === 'reconnecting';
  const name = item.session;
  const meta = item.blank ? 'New terminal' : session ? sessionMeta(session) : 'tmux session';
  const body: Child[] = [];
  const gone = ctx.state.snapshot?.servers.find((server) => server.name === item.serverName)?.shutDown;
  const server = `${item.server}${gone ? ` (${SHUT_DOWN})` : ''}`;

  if (item.state === 'starting') {
    body.push(h('p', 'progress', spinner(), `Connecting to ${server}…`));
  } else if (item.state === 'failed') {
    ctx.place(key); // The card shows the share's failure; the share call's own error is the same one.
    const error = item.error ?? { code: 'TMATE_FAILED', message: 'The share failed.', fix: 'Try again.' };
    body.push(
      errorNote(error, [
        button(
          pending.has(key) ? 'Retrying…' : 'Retry',
          {
            'aria-label': `Retry sharing ${name}`,
            'data-key': `retry:${key}`,
            disabled: pending.has(key),
            onclick: () => ctx.actions.share({ session: item.session, socket: item.socket }, key),
          },
          'primary small',
        ),
        button(
          'Dismiss',
          { 'aria-label': `Dismiss ${name}`, 'data-key': `dismiss:${key}`, onclick: () => ctx.actions.stop(item) },
          'secondary small',
        ),
      ]),
    );
  } else {
    if (item.state === 'reconnecting') {
      body.push(h('p', 'progress', spinner(), `Connection lost. Reconnecting to ${server}…`));
    }
    const copyFirst = ctx.state.snapshot?.prefs['share.copyLink'] ?? 'ssh';
    const links = orderedLinks(copyFirst)
      .filter(({ kind }) => item.links[kind])
      .map((link) => linkRow(ctx, item, link));
    body.push(h('ul', { class: 'links', 'aria-label': `Links for ${name}` }, ...links));
    const changed = linksChangedText(item);
    if (changed) body.push(h('p', { class: 'links-changed', role: 'note' }, icon('refresh'), changed));
    const noWeb = missingWebText(item);
    body.push(
      h(
        'p',
        `allowed${item.allowed ? ' restricted' : ''}`,
        h('span', 'allowed-label', 'Who may join: '),
        allowedText(item),
      ),
      noWeb ? h('p', 'hint no-web', noWeb) : null,
    );
    const left = timeLeftText(item, Date.now());
    if (left) body.push(h('p', 'time-left', left));
    // pair.size is `mine` but this tmux cannot hold the user's size: said plainly rather than promised.
    const away = pairClientText(item);
    if (away)
      body.push(
        h(
          'div',
          { class: 'note error pair-away', role: 'alert' },
          h('p', 'note-message', away.message),
          h('p', 'note-fix', away.fix),
        ),
      );
    if (item.sizeNote) body.push(h('p', 'hint size-note', item.sizeNote));
    const cut = pairSizeText(item);
    if (cut)
      body.push(
        h(
          'div',
          { class: 'note warning pair-size', role: 'note' },
          h('p', 'note-message', cut.message),
          h('p', 'note-fix', cut.fix),
        ),
      );
    if (item.view === 'independent')
      body.push(
        h('p', 'hint view-note', 'The pair has a view of their own: they switch windows without moving yours.'),
      );
    body.push(...presencePart(item));
    if (item.state === 'sharing') body.push(keyboardPart(ctx, item));
    const stopping = pending.has(stopKey(item));
    const rotating = pending.has(rotateKey(item.id));
    body.push(
      h(
        'div',
        'card-foot',
        h('span', { class: 'via', text: `via ${server}` }),
        button(
          rotating ? 'New links…' : 'New links',
          {
            'aria-label': `New links for ${name}: the old ones stop working and everyone connected is dropped`,
            title: 'The old links stop working; everyone connected is dropped',
            'data-key': rotateKey(item.id),
            disabled: rotating || stopping,
            onclick: () => ctx.actions.rotate(item),
          },
          'secondary small',
        ),
        button(
          stopping ? 'Ending…' : 'End pair',
          {
            'aria-label': `End pair on ${name}`,
            'data-key': stopKey(item),
            disabled: stopping,
            onclick: () => ctx.actions.stop(item),
          },
          'danger small',
        ),
      ),
    );
    body.push(failureNote(ctx, rotateKey(item.id), `making new links for ${name}`));
  }
  body.push(failureNote(ctx, stopKey(item), `ending the pair on ${name}`));

  return h(
    'li',
    {
      class: `card share state-${item.state}`,
      'data-group': key,
      'aria-busy': busy ? 'true' : 'false',
      'aria-label': `${name}: ${STATE_LABELS[item.state]}`,
    },
    h(
      'div',
      'card-head',
      h('span', 'row-icon', icon('terminal')),
      h('div', 'row-text', title(name, session?.server ?? 'default'), h('div', 'row-meta', meta)),
      h('span', `pill ${item.state}`, STATE_LABELS[item.state]),
    ),
    ...body,
  );
}

/** One link: what it is, what it grants whoever holds it, the link itself, and Copy. */
function linkRow(ctx: ViewContext, item: ShareView, { kind, label, grants, readOnly }: LinkInfo): HTMLElement {
  const key = copyKey(kind, item.id);
  const link = item.links[kind] ?? '';
  return h(
    'li',
    { class: 'link', 'data-kind': kind },
    h(
      'div',
      'link-text',
      h('div', 'link-head', h('span', 'link-label', label), h('span', `grants${readOnly ? '' : ' writes'}`, grants)),
      h('code', { class: 'link-value', text: link, title: link }),
    ),
    copyButton(ctx, key, `Copy ${label} link for ${item.session}`, () => ctx.actions.copy(item, kind, label)),
    failureNote(ctx, key, `copying the ${label} link`),
  );
}
