/** A tmux session that is not shared: its name, windows and attachment, and Share. */
import type { SessionView } from '../../main/contract.ts';
import { sessionKey } from '../action-keys.ts';
import { h, icon } from '../dom.ts';
import { sessionMeta } from '../format.ts';
import { button, hasActiveServer, title, type ViewContext } from './controls.ts';
import { failureNote } from './notes.ts';
import type { ShareSubject } from '../store.ts';

/**
 * Share (with the preferences' defaults) and Options (choose who may join and when it ends, first); with no
 * server chosen, one button that says a server is needed and opens the server screen.
 */
export function shareButtons(
  ctx: ViewContext,
  subject: ShareSubject,
  busy: boolean,
  label = 'Share',
  busyLabel = 'Sharing…',
  kind = 'primary small',
): HTMLButtonElement[] {
  if (!hasActiveServer(ctx.state)) {
    return [
      button(
        'Server needed',
        {
          'aria-label': `${label} ${subject.name}: choose a tmate server first`,
          'data-key': subject.key,
          onclick: () => ctx.actions.show('server'),
        },
        'secondary small',
      ),
    ];
  }
  return [
    button(
      busy ? busyLabel : label,
      {
        'aria-label': `${label} ${subject.name}`,
        'data-key': subject.key,
        disabled: busy,
        onclick: () => ctx.actions.share(subject.target, subject.key),
      },
      kind,
    ),
    button(
      'Options',
      {
        'aria-label': `Options for sharing ${subject.name}`,
        'data-key': `options:${subject.key}`,
        disabled: busy,
        onclick: () => ctx.actions.show('share-options', subject),
      },
      'ghost small',
    ),
  ];
}

export function sessionRow(ctx: ViewContext, session: SessionView): HTMLElement {
  const key = sessionKey(session);
  const busy = ctx.state.pending.has(key);
  return h(
    'li',
    { class: 'row session-row', 'data-group': key },
    h(
      'div',
      'row-main',
      h('span', 'row-icon', icon('terminal')),
      h('div', 'row-text', title(session.name, session.server), h('div', 'row-meta', sessionMeta(session))),
      ...shareButtons(
        ctx,
        { target: { session: session.name, socket: session.socket }, key, name: session.name },
        busy,
      ),
    ),
    failureNote(ctx, key, `sharing ${session.name}`),
  );
}
