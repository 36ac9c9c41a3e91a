/**
 * Preferences: the notification switches, sharing (who may join, which link Copy gives, auto-end) and the
 * tmate servers. Built once per opening and then only updated, so what the person is typing survives the
 * snapshots that arrive; each field is saved when it changes and refused inline when the main process
 * refuses it.
 */
import type { ServerView } from '../../main/contract.ts';
import { LINKS } from '../../main/core/links.ts';
import type { CopyLink, PrefKey, Prefs } from '../../main/prefs/schema.ts';
import { serverKey } from '../action-keys.ts';
import type { Actions } from '../actions.ts';
import { h } from '../dom.ts';
import { FocusKeeper } from '../focus.ts';
import { patch } from '../patch.ts';
import { serverText } from '../format.ts';
import type { PopoverState } from '../store.ts';
import { button, type BuiltView } from './controls.ts';
import { failureNote } from './notes.ts';

type Toggle =
  | 'notifications.pairJoined'
  | 'notifications.pairLeft'
  | 'notifications.shareProblems'
  | 'app.launchAtLogin'
  | 'share.copyOnShare';

const TOGGLES: [Toggle, string][] = [
  ['notifications.pairJoined', 'When a pair joins'],
  ['notifications.pairLeft', 'When a pair leaves'],
  ['notifications.shareProblems', 'When a share fails or drops'],
];

/** The choices, each option with what it does. */
const CHOICES: { key: 'pair.size' | 'pair.view'; label: string; options: [string, string][] }[] = [
  {
    key: 'pair.size',
    label: "The pair's terminal size",
    options: [
      ['mine', 'Never resizes my windows'],
      ['follow', 'Follows whoever typed last (tmux)'],
    ],
  },
  {
    key: 'pair.view',
    label: 'What the pair sees',
    options: [
      ['follow', 'The window I see'],
      ['independent', 'A view of their own'],
    ],
  },
];

/** The text fields, each saved on change (Enter or leaving the field). */
const TEXT_FIELDS: {
  key: 'access.default' | 'share.endAfterMinutes' | 'shortcut.copyLink';
  label: string;
  hint: string;
}[] = [
  {
    key: 'access.default',
    label: 'Who may join',
    hint: 'github:NAME, gitlab:NAME, codeberg:NAME or file:/path, separated by commas. Empty: anyone with a link.',
  },
  {
    key: 'share.endAfterMinutes',
    label: 'End shares by themselves after (minutes)',
    hint: '0: never. A share can choose otherwise before it starts.',
  },
  {
    key: 'shortcut.copyLink',
    label: 'Shortcut that copies the link',
    hint: 'From any application, such as CommandOrControl+Alt+L. Empty: none.',
  },
];

const fieldId = (key: PrefKey) => `pref-${key.replace('.', '-')}`;

export type PreferencesView = BuiltView;

export function preferencesView(prefs: Prefs, actions: Actions): BuiltView {
  const fields: Partial<Record<PrefKey, HTMLInputElement | HTMLSelectElement>> = {};
  const fieldErrors: Partial<Record<PrefKey, HTMLElement>> = {};
  const fieldError = (key: PrefKey) =>
    (fieldErrors[key] = h('p', {
      class: 'field-error',
      id: `error-${key.replace('.', '-')}`,
      role: 'alert',
      hidden: true,
    }));

  const toggle = ([key, label]: [Toggle, string]) => {
    const input = (fields[key] = h('input', {
      type: 'checkbox',
      role: 'switch',
      class: 'switch',
      'data-key': `pref:${key}`,
    }));
    input.checked = prefs[key];
    input.addEventListener('change', () => {
      const wanted = input.checked;
      void actions.savePref(key, wanted).then((ok) => {
        if (!ok) input.checked = !wanted;
      });
    });
    return h('label', 'toggle', h('span', { text: label }), input, fieldError(key));
  };
  const toggles = TOGGLES.map(toggle);

  const texts = TEXT_FIELDS.map(({ key, label, hint }) => {
    const input = (fields[key] = h('input', {
      id: fieldId(key),
      class: 'field',
      type: 'text',
      spellcheck: 'false',
      autocomplete: 'off',
      'data-key': `pref:${key}`,
      'aria-describedby': `${fieldId(key)}-hint error-${key.replace('.', '-')}`,
      value: String(prefs[key]),
    }));
    // The main process validates and says why it refuses; the field keeps what was typed, to be corrected.
    input.addEventListener('change', () => void actions.savePref(key, input.value as never));
    return h(
      'div',
      'pref-field',
      h('label', { class: 'field-label', for: fieldId(key) }, label, input),
      h('p', { class: 'hint', id: `${fieldId(key)}-hint`, text: hint }),
      fieldError(key),
    );
  });

  const copyLink = (fields['share.copyLink'] = h(
    'select',
    { id: fieldId('share.copyLink'), class: 'field', 'data-key': 'pref:share.copyLink' },
    ...LINKS.map((link) => h('option', { value: link.kind, text: `${link.label} (${link.grants})` })),
  ));
  copyLink.value = prefs['share.copyLink'];
  copyLink.addEventListener('change', () => void actions.savePref('share.copyLink', copyLink.value as CopyLink));

  const choices = CHOICES.map(({ key, label, options }) => {
    const select = (fields[key] = h(
      'select',
      { id: fieldId(key), class: 'field', 'data-key': `pref:${key}` },
      ...options.map(([value, text]) => h('option', { value, text })),
    ));
    select.value = prefs[key];
    select.addEventListener('change', () => void actions.savePref(key, select.value as never));
    return h(
      'div',
      'pref-field',
      h('label', { class: 'field-label', for: fieldId(key) }, label, select),
      fieldError(key),
    );
  });

  const serverList = h('div', 'server-list');
  const listFocus = new FocusKeeper();

  return {
    children: [
      h('h2', 'section', 'Notifications'),
      h('div', 'group', ...toggles),
      h('h2', 'section', 'Sharing'),
      h(
        'div',
        'group pad',
        texts[0],
        h(
          'div',
          'pref-field',
          h('label', { class: 'field-label', for: fieldId('share.copyLink') }, 'Copy gives', copyLink),
          h('p', 'hint', 'The link Copy on share and the tray’s first copy item give.'),
          fieldError('share.copyLink'),
        ),
        texts[1],
      ),
      h('div', 'group', toggle(['share.copyOnShare', 'Copy that link as soon as a share is ready'])),
      h('h2', 'section', 'The pair'),
      h('div', 'group pad', ...choices),
      h('h2', 'section', 'App'),
      h('div', 'group', toggle(['app.launchAtLogin', 'Open Pairbar when I log in'])),
      h('div', 'group pad app-shortcut', texts[2]),
      h('h2', 'section', 'tmate servers'),
      serverList,
    ],
    update(state) {
      const current = state.snapshot?.prefs;
      if (!current) return;
      for (const key of [...TOGGLES.map(([key]) => key), 'app.launchAtLogin' as const, 'share.copyOnShare' as const]) {
        const input = fields[key];
        if (input instanceof HTMLInputElement && document.activeElement !== input) input.checked = current[key];
      }
      for (const [key, element] of Object.entries(fieldErrors) as [PrefKey, HTMLElement][]) {
        const error = state.prefErrors.get(key);
        element.hidden = !error;
        element.textContent = error ? error.message : '';
        fields[key]?.setAttribute('aria-invalid', String(Boolean(error)));
      }
      // Patched in place: only what changed in the list is touched, so focus and typing elsewhere hold.
      const kept = listFocus.capture(serverList);
      patch(serverList, serversGroup(state, actions, state.snapshot?.servers ?? []));
      listFocus.restore(serverList, kept);
    },
  };
}

/** The saved servers: which one new shares use, Use for the others, Remove; and Add a server. */
function serversGroup(state: PopoverState, actions: Actions, servers: ServerView[]): Node[] {
  const ctx = { state, actions, place: () => undefined };
  const rows = servers.map((server) => {
    const use = serverKey('use', server.name);
    const remove = serverKey('remove', server.name);
    return h(
      'li',
      { class: 'server-row', 'data-group': `server:${server.name}`, 'data-server': server.name },
      h(
        'div',
        'server-line',
        h(
          'div',
          'row-text',
          h('span', 'row-title', serverText(server)),
          h(
            'span',
            `row-meta${server.shutDown ? ' gone' : ''}`,
            server.active ? 'New shares go here' : server.shutDown ? 'Shares here will fail' : '',
          ),
        ),
        server.active
          ? null
          : button(
              state.pending.has(use) ? 'Using…' : 'Use',
              {
                'aria-label': `Use ${server.name} for new shares`,
                'data-key': use,
                disabled: state.pending.has(use),
                onclick: () => actions.useServer(server.name),
              },
              'secondary small',
            ),
        button(
          state.pending.has(remove) ? 'Removing…' : 'Remove',
          {
            'aria-label': `Remove ${server.name}`,
            'data-key': remove,
            disabled: state.pending.has(remove),
            onclick: () => actions.removeServer(server.name),
          },
          'ghost small',
        ),
      ),
      failureNote(ctx, use, `using ${server.name}`),
      failureNote(ctx, remove, `removing ${server.name}`),
    );
  });
  const empty = servers.length === 0 ? h('p', 'hint', 'No tmate server yet: shares need one.') : null;
  return [
    h(
      'div',
      'group pad',
      rows.length > 0 ? h('ul', { class: 'servers', 'aria-label': 'tmate servers' }, ...rows) : empty,
      h(
        'div',
        'actions',
        button(
          'Add a server…',
          { 'data-key': 'server-add', onclick: () => actions.show('server') },
          'secondary small',
          'plus',
        ),
      ),
    ),
  ];
}
