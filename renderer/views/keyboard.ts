/**
 * The keyboard on a live share's card: Take the keyboard (the pair keeps watching, their typing does nothing)
 * and, while it is taken, a note saying so with Give it back. Nothing where the pair's terminal has left the
 * user's tmux server: there is no keyboard to take there.
 */
import type { ShareView } from '../../main/contract.ts';
import { keyboardKey } from '../action-keys.ts';
import { h } from '../dom.ts';
import { button, type ViewContext } from './controls.ts';
import { failureNote } from './notes.ts';

export function keyboardPart(ctx: ViewContext, item: ShareView): HTMLElement | null {
  if (item.pairClient === 'gone') return null;
  const key = keyboardKey(item.id);
  const busy = ctx.state.pending.has(key);
  const failed = failureNote(
    ctx,
    key,
    `${item.pairCanType === false ? 'giving the keyboard back' : 'taking the keyboard'} in ${item.session}`,
  );
  if (item.pairCanType === false) {
    return h(
      'div',
      { class: 'note warning keyboard', role: 'note', key: 'keyboard-taken' },
      h('p', 'note-message', 'You have the keyboard: the pair watches, their typing does nothing.'),
      h(
        'p',
        'note-fix',
        'Everyone on the read-write link can type again once you give it back; the links stay the same.',
      ),
      h(
        'div',
        'actions',
        button(
          busy ? 'Giving back…' : 'Give it back',
          {
            'aria-label': `Give the keyboard back in ${item.session}`,
            'data-key': key,
            disabled: busy,
            onclick: () => ctx.actions.keyboard(item, true),
          },
          'primary small',
        ),
      ),
      failed,
    );
  }
  return h(
    'div',
    { class: 'keyboard', key: 'keyboard' },
    h('p', 'hint', 'Pairs on the read-write link can type.'),
    button(
      busy ? 'Taking…' : 'Take the keyboard',
      {
        'aria-label': `Take the keyboard in ${item.session}: the pair keeps watching, their typing does nothing`,
        title: 'The pair keeps watching; nobody is dropped',
        'data-key': key,
        disabled: busy,
        onclick: () => ctx.actions.keyboard(item, false),
      },
      'secondary small',
    ),
    failed,
  );
}
