/**
 * Sharing with choices: before a share starts, who may join (the `access.default` preference pre-filled)
 * and when it ends by itself (`share.endAfterMinutes` pre-selected). Built once per opening. The choices go
 * with this one share only; a choice the main process refuses comes back as the row's failure, with Retry.
 */
import type { Prefs } from '../../main/prefs/schema.ts';
import type { Actions } from '../actions.ts';
import { h } from '../dom.ts';
import { endChoiceLabel, endChoices } from '../format.ts';
import type { ShareSubject } from '../store.ts';
import { button, type BuiltView } from './controls.ts';

export function shareOptionsView(subject: ShareSubject, prefs: Prefs, actions: Actions): BuiltView {
  const allowed = h('input', {
    id: 'share-allowed',
    class: 'field',
    type: 'text',
    spellcheck: 'false',
    autocomplete: 'off',
    'aria-describedby': 'share-allowed-hint',
    value: prefs['access.default'],
    placeholder: 'github:alice, file:/home/me/pair.keys',
  });
  const ends = h(
    'select',
    { id: 'share-ends', class: 'field' },
    ...endChoices(prefs['share.endAfterMinutes']).map((minutes) =>
      h('option', { value: String(minutes), text: endChoiceLabel(minutes) }),
    ),
  );
  ends.value = String(prefs['share.endAfterMinutes']);
  const share = () => {
    actions.show('sessions');
    const minutes = Number(ends.value);
    // Split only: each source is parsed (and a bad one refused, naming it) by the main process.
    const sources = allowed.value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
    actions.share(subject.target, subject.key, { allowed: sources, endAfterMs: minutes > 0 ? minutes * 60_000 : null });
  };
  allowed.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') share();
  });
  return {
    children: [
      h('h2', { class: 'section', text: `Share ${subject.name}` }),
      h(
        'div',
        'group pad',
        h('label', { class: 'field-label', for: 'share-allowed' }, 'Who may join', allowed),
        h('p', {
          class: 'hint',
          id: 'share-allowed-hint',
          text: 'github:NAME, gitlab:NAME, codeberg:NAME or file:/path, separated by commas: only their keys get in, and there are no web links. Empty: anyone with a link.',
        }),
        h('label', { class: 'field-label', for: 'share-ends' }, 'Ends by itself', ends),
        h(
          'div',
          'actions',
          button(
            'Share',
            {
              'aria-label': `Share ${subject.name} with these choices`,
              'data-key': 'share-options-go',
              onclick: share,
            },
            'primary small',
          ),
          button(
            'Cancel',
            { 'data-key': 'share-options-cancel', onclick: () => actions.show('sessions') },
            'ghost small',
          ),
        ),
      ),
    ],
    update: () => undefined,
  };
}
