/**
 * "Choose a tmate server": paste what the server's operator handed out (tmate.conf lines, or HOST[:PORT]),
 * or type a host and port; Read; compare the host keys the server presented (trust on first use); Test
 * connection; Save. Built once per opening, like Preferences, so what is typed survives the snapshots; the
 * part below the fields is drawn again after each step. Nothing is saved before Save is pressed, and Save
 * only ever sends the fingerprints shown above it.
 */
import type { Result, ServerDraft, ServerInput } from '../../main/contract.ts';
import type { ErrorInfo } from '../../main/core/errors.ts';
import type { ServerTestResult } from '../../main/core/server-test.ts';
import type { Actions } from '../actions.ts';
import { h, type Child } from '../dom.ts';
import { FocusKeeper } from '../focus.ts';
import { patch } from '../patch.ts';
import { offersText, SHUT_DOWN, testHeadline } from '../format.ts';
import type { PopoverState } from '../store.ts';
import { button, spinner, type BuiltView } from './controls.ts';
import { errorNote } from './notes.ts';

/** Where the README tells how to run a server (its heading, as a person would look for it). */
export const README_SECTION = 'Run your own tmate server';

type Step = 'read' | 'test' | 'save';

export function serverView(state: PopoverState, actions: Actions): BuiltView {
  const first = !state.snapshot?.servers.some((server) => server.active);
  let draft: ServerDraft | undefined;
  let tested: Result<ServerTestResult> | undefined;
  let failed: ErrorInfo | undefined;
  let busy: Step | undefined;

  const paste = h('textarea', {
    id: 'server-paste',
    class: 'field paste',
    rows: 4,
    spellcheck: 'false',
    'aria-describedby': 'server-paste-hint',
    placeholder: 'set -g tmate-server-host tmate.example.com\nset -g tmate-server-port 22\n…or tmate.example.com:2222',
  });
  const host = h('input', {
    id: 'server-host',
    class: 'field',
    type: 'text',
    spellcheck: 'false',
    autocomplete: 'off',
    placeholder: 'tmate.example.com',
  });
  const port = h('input', { id: 'server-port', class: 'field port', type: 'text', inputmode: 'numeric', value: '22' });
  const result = h('div', 'server-result');
  // Made once and passed to every redraw as it is (patch.ts keeps it), so the name being typed stays put.
  const nameField = h('input', {
    id: 'server-name',
    class: 'field',
    type: 'text',
    spellcheck: 'false',
    autocomplete: 'off',
    'data-key': 'server-name',
  });
  const nameLabel = h('label', { class: 'field-label', for: 'server-name', key: 'server-name' }, 'Name', nameField);
  const readButton = button('Read server', { 'data-key': 'server-read', onclick: () => void read() }, 'primary small');
  const focus = new FocusKeeper();

  /** The input changed: what was read from it no longer holds. */
  const stale = () => {
    if (!draft && !failed) return;
    draft = undefined;
    tested = undefined;
    failed = undefined;
    redraw();
  };
  for (const field of [paste, host, port]) field.addEventListener('input', stale);

  function input(): ServerInput | ErrorInfo {
    if (paste.value.trim() !== '') return { paste: paste.value };
    if (host.value.trim() === '')
      return {
        code: 'INVALID_ARGUMENT',
        message: 'Nothing to read yet.',
        fix: "Paste the lines your server's operator gave you, or type its host and port.",
      };
    const portText = port.value.trim() || '22';
    // A port that is not a number goes through as NaN: the main process refuses it and says why.
    return { host: host.value.trim(), port: /^\d+$/.test(portText) ? Number(portText) : Number.NaN };
  }

  async function step(which: Step, run: () => Promise<void>): Promise<void> {
    if (busy) return;
    busy = which;
    redraw();
    try {
      await run();
    } finally {
      busy = undefined;
      redraw();
    }
  }

  const read = () =>
    step('read', async () => {
      const wanted = input();
      draft = undefined;
      tested = undefined;
      failed = undefined;
      if ('code' in wanted) {
        failed = wanted;
        return;
      }
      const answer = await actions.readServer(wanted);
      if (answer.ok) {
        draft = answer.value;
        nameField.value = draft.profile.name;
      } else failed = answer.error;
    });

  const profile = () => (draft ? { ...draft.profile, name: nameField.value.trim() } : undefined);

  const test = () =>
    step('test', async () => {
      const wanted = profile();
      if (wanted) tested = await actions.testServer(wanted);
    });

  const save = () =>
    step('save', async () => {
      const wanted = profile();
      if (!wanted) return;
      const answer = await actions.saveServer(wanted);
      if (answer.ok) actions.show('sessions');
      else failed = answer.error;
    });

  function redraw(): void {
    readButton.disabled = Boolean(busy);
    readButton.lastChild!.textContent = busy === 'read' ? 'Reading…' : 'Read server';
    const kept = focus.capture(result);
    patch(
      result,
      draw().filter((child): child is Node => child instanceof Node),
    );
    focus.restore(result, kept);
  }

  function draw(): Child[] {
    const out: Child[] = [];
    if (failed) out.push(errorNote(failed, [], { 'data-group': 'server-error' }));
    if (!draft) return out;
    const { profile: found, keys, shutDown, address: where } = draft;
    if (shutDown) {
      out.push(
        h(
          'div',
          { class: 'note warning', role: 'status' },
          h('p', 'note-message', `${where}: tmate.io's public servers, ${SHUT_DOWN}.`),
          h('p', 'note-fix', "Shares there will fail. Use your own or your team's tmate-ssh-server instead."),
        ),
      );
    } else {
      const rows = (['ed25519', 'ecdsa', 'rsa'] as const)
        .filter((type) => found[`${type}Fingerprint`] !== '')
        .map((type) =>
          h(
            'li',
            'fingerprint',
            h('span', 'fp-type', type.toUpperCase()),
            h('code', { class: 'fp-value', text: found[`${type}Fingerprint`] }),
          ),
        );
      out.push(
        h(
          'section',
          { class: `trust${keys ? ' confirm' : ''}`, 'aria-label': 'Host key fingerprints' },
          h('p', {
            class: 'trust-title',
            text: keys ? `${where} presented these host keys:` : `Fingerprints from the paste for ${where}:`,
          }),
          h('ul', 'fingerprints', ...rows),
          keys
            ? h(
                'p',
                'trust-ask',
                "Compare with what your server's operator gave you. Save only if they match: Pairbar will trust exactly these keys.",
              )
            : null,
        ),
      );
    }
    out.push(nameLabel);
    const actionsRow = h(
      'div',
      'actions',
      button(
        busy === 'test' ? 'Testing…' : 'Test connection',
        { 'data-key': 'server-test', disabled: Boolean(busy), onclick: () => void test() },
        'secondary small',
      ),
      button(
        busy === 'save' ? 'Saving…' : keys ? 'Trust and save' : 'Save',
        { 'data-key': 'server-save', disabled: Boolean(busy), onclick: () => void save() },
        'primary small',
      ),
    );
    out.push(actionsRow);
    if (busy === 'test') out.push(h('p', 'progress', spinner(), 'Starting a throwaway tmate session…'));
    if (tested) out.push(testNote(tested));
    // No SSH key here: the command that makes one, copied by the main process (it is among the snapshot's problems).
    if (tested?.ok && !tested.value.ok && tested.value.error.code === 'SSH_KEYS_MISSING') {
      out.push(
        h(
          'div',
          'actions',
          button(
            'Copy ssh-keygen -t ed25519',
            {
              'aria-label': 'Copy the command ssh-keygen -t ed25519',
              'data-key': 'server-copy-keygen',
              onclick: () => actions.copyCommand('SSH_KEYS_MISSING'),
            },
            'secondary small',
            'copy',
          ),
        ),
      );
    }
    return out;
  }

  const children: Node[] = [
    h('h2', 'section', first ? 'Choose a tmate server' : 'Add a tmate server'),
    h(
      'div',
      'group pad server-form',
      h(
        'p',
        'intro',
        "tmate.io's public servers shut down in 2025: shares go to your own or your team's tmate-ssh-server.",
      ),
      h('label', { class: 'field-label', for: 'server-paste' }, "Paste what the server's operator gave you", paste),
      h('p', {
        class: 'hint',
        id: 'server-paste-hint',
        text: 'The set -g tmate-server-… lines of a tmate.conf, or HOST[:PORT].',
      }),
      h('p', 'or', 'or type its address'),
      h(
        'div',
        'field-row',
        h('label', { class: 'field-label grow', for: 'server-host' }, 'Host', host),
        h('label', { class: 'field-label', for: 'server-port' }, 'Port', port),
      ),
      h('div', 'actions', readButton),
      result,
      h('p', 'hint readme', 'No server yet? See ', h('strong', { text: `“${README_SECTION}”` }), ' in the README.'),
    ),
    h(
      'div',
      'actions center',
      button(
        first ? 'Not now' : 'Cancel',
        { 'data-key': 'server-cancel', onclick: () => actions.show('sessions') },
        'ghost small',
      ),
    ),
  ];
  // Everything here follows the screen's own steps, not the snapshot.
  return { children, update: () => undefined };
}

/** A test's outcome: what the server offers, or the exact failure with its fix. */
function testNote(tested: Result<ServerTestResult>): HTMLElement {
  if (!tested.ok) return errorNote(tested.error, []);
  const value = tested.value;
  if (!value.ok)
    return errorNote({ ...value.error, message: `${testHeadline(value)}: ${value.error.message}` }, [], {
      'data-test': 'failed',
    });
  return h(
    'div',
    { class: 'note success', role: 'status', 'data-test': 'ok' },
    h('p', 'note-message', testHeadline(value)),
    h('p', { class: 'note-fix', text: `It offers ${offersText(value.offers)}.` }),
  );
}
