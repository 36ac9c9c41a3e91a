/**
 * Preferences: the notification switches and the tmate server new shares use. Unlike the other views it is built once
 * per opening and then only updated, so what the person is typing survives the snapshots that arrive.
 */
import type { PrefKey, Prefs } from '../../main/prefs.ts';
import type { Actions } from '../actions.ts';
import { h } from '../dom.ts';
import type { PopoverState } from '../store.ts';

const TOGGLES: [PrefKey & `notifications.${string}`, string][] = [
  ['notifications.pairJoined', 'When a pair joins'],
  ['notifications.pairLeft', 'When a pair leaves'],
  ['notifications.shareProblems', 'When a share fails or drops'],
];

export interface PreferencesView {
  children: Node[];
  /** Brings the switches (unless one has focus) and the error lines up to date with `state`. */
  update(state: PopoverState): void;
}

/** The server new shares go to, as one line, until the server screens are built on the core's profile functions. */
function activeServerText(prefs: Prefs): string {
  const active = prefs.servers.find((profile) => profile.name === prefs['server.active']);
  if (!active) return 'No tmate server chosen.';
  const host = active.host.includes(':') ? `[${active.host}]` : active.host;
  const gone = /(^|\.)tmate\.io\.?$/i.test(active.host) ? ' (shut down since 2025)' : '';
  return `${active.name}: ${host}:${active.port}${gone}`;
}

export function preferencesView(prefs: Prefs, actions: Actions): PreferencesView {
  const fields: Partial<Record<PrefKey, HTMLInputElement>> = {};
  const fieldErrors: Partial<Record<PrefKey, HTMLElement>> = {};
  const fieldError = (key: PrefKey) => (fieldErrors[key] = h('p', { class: 'field-error', id: `error-${key.replace('.', '-')}`, role: 'alert', hidden: true }));

  const toggles = TOGGLES.map(([key, label]) => {
    const input = (fields[key] = h('input', { type: 'checkbox', role: 'switch', class: 'switch', 'data-key': `pref:${key}` }));
    input.checked = prefs[key];
    input.addEventListener('change', () => {
      const wanted = input.checked;
      void actions.savePref(key, wanted).then((ok) => {
        if (!ok) input.checked = !wanted;
      });
    });
    return h('label', { class: 'toggle' }, h('span', { text: label }), input, fieldError(key));
  });
  return {
    children: [
      h('h2', { class: 'section' }, 'Notifications'),
      h('div', { class: 'group' }, ...toggles),
      h('h2', { class: 'section' }, 'tmate server'),
      h(
        'div',
        { class: 'group pad' },
        h('p', { class: 'server-summary', 'data-key': 'pref:server' }, activeServerText(prefs)),
        h('p', { class: 'hint' }, 'Add or choose one with ', h('code', { text: 'pairbar server add NAME HOST[:PORT]' }), ' and ', h('code', { text: 'pairbar server use NAME' }), '.'),
      ),
    ],
    update(state) {
      const current = state.snapshot?.prefs;
      if (!current) return;
      for (const [key] of TOGGLES) {
        const input = fields[key];
        if (input && document.activeElement !== input) input.checked = current[key];
      }
      for (const [key, element] of Object.entries(fieldErrors) as [PrefKey, HTMLElement][]) {
        const error = state.prefErrors.get(key);
        element.hidden = !error;
        element.textContent = error ? error.message : '';
        fields[key]?.setAttribute('aria-invalid', String(Boolean(error)));
      }
    },
  };
}

