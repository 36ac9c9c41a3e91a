/** A tmux session that is not shared: its name, windows and attachment, and Share. */
import type { SessionView } from '../../main/contract.ts';
import { sessionKey } from '../action-keys.ts';
import { h, icon } from '../dom.ts';
import { sessionMeta } from '../format.ts';
import { button, title, type ViewContext } from './controls.ts';
import { failureNote } from './notes.ts';

export function sessionRow(ctx: ViewContext, session: SessionView): HTMLElement {
  const key = sessionKey(session);
  const busy = ctx.state.pending.has(key);
  return h(
    'li',
    { class: 'row session-row', 'data-group': key },
    h(
      'div',
      { class: 'row-main' },
      h('span', { class: 'row-icon' }, icon('terminal')),
      h('div', { class: 'row-text' }, title(session.name, session.server), h('div', { class: 'row-meta', text: sessionMeta(session) })),
      button(busy ? 'Sharing…' : 'Share', { 'aria-label': `Share ${session.name}`, 'data-key': key, disabled: busy, onclick: () => ctx.actions.share({ session: session.name, socket: session.socket }, key) }, 'primary small'),
    ),
    failureNote(ctx, key, `sharing ${session.name}`),
  );
}
