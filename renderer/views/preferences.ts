/**
 * Preferences: the notification switches and the tmate server. Unlike the other views it is built once
 * per opening and then only updated, so what the person is typing survives the snapshots that arrive.
 */
import type { PrefKey, Prefs } from '../../main/prefs.ts';
import type { Actions } from '../actions.ts';
import { h } from '../dom.ts';
import type { PopoverState } from '../store.ts';
import { button } from './controls.ts';

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
  const host = (fields['server.host'] = h('input', { type: 'text', class: 'field', spellcheck: 'false', autocomplete: 'off', placeholder: 'ssh.tmate.io', 'aria-describedby': 'error-server-host', 'data-key': 'pref:server.host' }));
  const port = (fields['server.port'] = h('input', { type: 'text', inputmode: 'numeric', class: 'field port', autocomplete: 'off', 'aria-describedby': 'error-server-port', 'data-key': 'pref:server.port' }));
  host.value = prefs['server.host'];
  port.value = String(prefs['server.port']);
  const saved = h('span', { class: 'saved', 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'server-form', 'aria-label': 'tmate server' },
    h('div', { class: 'field-row' }, h('label', { class: 'field-label grow' }, h('span', { text: 'Host' }), host), h('label', { class: 'field-label' }, h('span', { text: 'Port' }), port)),
    fieldError('server.host'),
    fieldError('server.port'),
    h('div', { class: 'actions' }, button('Save server', { type: 'submit', 'data-key': 'pref:save' }, 'primary small'), saved),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    saved.textContent = '';
    const raw = port.value.trim();
    // A port that is not digits goes to the main process as typed, so its refusal names what was typed.
    const portValue = (/^\d+$/.test(raw) ? Number(raw) : raw) as number;
    void (async () => {
      const hostOk = await actions.savePref('server.host', host.value.trim());
      const portOk = await actions.savePref('server.port', portValue);
      if (hostOk && portOk) saved.textContent = 'Saved. New shares use this server.';
    })();
  });

  return {
    children: [
      h('h2', { class: 'section' }, 'Notifications'),
      h('div', { class: 'group' }, ...toggles),
      h('h2', { class: 'section' }, 'tmate server'),
      h('div', { class: 'group pad' }, form, h('p', { class: 'hint' }, 'Leave the host empty to use tmate.io. Fingerprints and other settings: ', h('code', { text: 'pairbar config' }), '.')),
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
