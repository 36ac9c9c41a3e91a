/**
 * The popover. It talks only to `window.pairbar` (the preload's typed API): it pulls the snapshot when it
 * opens or becomes visible, applies every newer pushed snapshot, and re-renders from it. The only state kept
 * here is what the snapshot cannot know: which action is in flight, which action failed, what was just
 * copied, and whether Preferences is open.
 */
import type { CommandProblem, LinkKind, PairbarApi, Problem, Result, SessionView, ShareTargetArg, ShareView, Snapshot } from '../main/contract.ts';
import type { ErrorInfo } from '../main/core/errors.ts';
import type { PrefKey, Prefs } from '../main/prefs.ts';
import { h, icon, withCode, type Child } from './dom.ts';
import { LINKS } from '../main/core/links.ts';
import { pairsConnected, targetKey, totalPairsConnected } from '../main/core/share-rules.ts';
import { clientsText, pairEventText, sessionMeta, STATE_LABELS } from './format.ts';

declare global {
  interface Window {
    pairbar: PairbarApi;
  }
}

const api = window.pairbar;
const COPIED_MS = 1500;

let snapshot: Snapshot | undefined;
let loadError: string | undefined;
let prefsOpen = false;
/** Actions in flight, by key: their buttons show progress and cannot be pressed twice. */
const pending = new Set<string>();
/** Failed actions, by key, shown next to the thing that failed. */
const failures = new Map<string, { error: ErrorInfo; retry: () => void }>();
/** Links just copied: key → timer that puts the button back. */
const copied = new Map<string, number>();
/** Preference errors, by key, shown under the field. */
const prefErrors = new Map<PrefKey, ErrorInfo>();

const main = document.getElementById('content') as HTMLElement;
const prefsPanel = document.getElementById('prefs') as HTMLElement;
const prefsButton = document.getElementById('prefs-toggle') as HTMLButtonElement;
const refreshButton = document.getElementById('refresh') as HTMLButtonElement;
const statusLine = document.getElementById('status') as HTMLElement;
const live = document.getElementById('announce') as HTMLElement;

// ------------------------------------------------------------------------------------------ keys

/** A session and the share of it have the same key, so a Share's pending state and errors follow it onto the card. */
const sessionKey = (session: SessionView) => `share:${targetKey(session.socket, session.id)}`;
const shareKey = (item: ShareView) => `share:${targetKey(item.socket, item.sessionId)}`;

// ------------------------------------------------------------------------------------- snapshot

function apply(next: Snapshot): void {
  // A push can overtake the answer to a pull, or the other way round: the newer one wins.
  if (snapshot && next.version <= snapshot.version && snapshot.version !== 0) return;
  if (snapshot) announceChanges(snapshot, next);
  snapshot = next;
  loadError = undefined;
  render();
}

async function load(): Promise<void> {
  try {
    apply(await api.getState());
    apply(await api.refresh());
  } catch (error) {
    loadError = error instanceof Error ? error.message : String(error);
    render();
  }
}

api.onState(apply);
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') void load();
});
void load();

// ---------------------------------------------------------------------------------- announcements

let lastAnnounced = { text: '', at: 0 };

function announce(text: string): void {
  // The same news can come twice (the push of a failed share, then the answer to the share call).
  if (text === lastAnnounced.text && performance.now() - lastAnnounced.at < 2000) return;
  lastAnnounced = { text, at: performance.now() };
  // Clearing first makes a screen reader read the same sentence again.
  live.textContent = '';
  setTimeout(() => {
    live.textContent = text;
  }, 30);
}

function announceChanges(before: Snapshot, after: Snapshot): void {
  const old = new Map(before.shares.map((share) => [share.id, share]));
  for (const share of after.shares) {
    const was = old.get(share.id);
    old.delete(share.id);
    if (share.state !== was?.state) {
      if (share.state === 'sharing' && was?.state !== 'reconnecting') announce(`Sharing ${share.session}: the links are ready.`);
      else if (share.state === 'sharing') announce(`Sharing ${share.session} again.`);
      else if (share.state === 'reconnecting') announce(`Connection lost for ${share.session}; reconnecting.`);
      else if (share.state === 'failed' && share.error && was && was.state !== 'starting') announce(`Sharing ${share.session} ended: ${share.error.message}`);
      else if (share.state === 'failed' && share.error) announce(`Could not share ${share.session}: ${share.error.message}`);
    } else if (share.lastPairEvent && share.lastPairEvent.at !== was?.lastPairEvent?.at) {
      announce(`A pair ${share.lastPairEvent.kind} ${share.session}.`);
    }
  }
  for (const share of old.values()) if (share.state !== 'failed') announce(`Stopped sharing ${share.session}.`);
}

// ---------------------------------------------------------------------------------------- actions

/** Runs one action: `what` completes "Could not …" when it fails. */
async function act<T>(key: string, what: string, call: () => Promise<Result<T>>, retry: () => void, onDone?: (value: T) => void): Promise<void> {
  if (pending.has(key)) return;
  pending.add(key);
  failures.delete(key);
  render();
  let result: Result<T>;
  try {
    result = await call();
  } catch (error) {
    result = { ok: false, error: { code: 'COMMAND_FAILED', message: error instanceof Error ? error.message : String(error), fix: 'Try again.' } };
  }
  pending.delete(key);
  if (result.ok) onDone?.(result.value);
  else {
    failures.set(key, { error: result.error, retry });
    announce(`Could not ${what}: ${result.error.message}`);
  }
  render();
}

function share(target: ShareTargetArg, key: string): void {
  void act(key, 'blank' in target ? 'share a new terminal' : `share ${target.session}`, () => api.share(target), () => share(target, key));
}

function shareSession(session: { session: string; socket: string }, key: string): void {
  share({ session: session.session, socket: session.socket }, key);
}

function stop(item: ShareView): void {
  const key = `stop:${shareKey(item)}`;
  failures.delete(shareKey(item));
  void act(key, item.state === 'failed' ? `dismiss ${item.session}` : `end the pair on ${item.session}`, () => api.stop(item.id), () => stop(item));
}

/** Shows "Copied" on the button for a moment, and says so to screen readers. */
function confirmCopied(key: string, what: string): void {
  clearTimeout(copied.get(key));
  copied.set(
    key,
    window.setTimeout(() => {
      copied.delete(key);
      render();
    }, COPIED_MS),
  );
  announce(`${what} copied.`);
}

function copy(item: ShareView, kind: LinkKind, label: string): void {
  const key = `copy:${kind}:${item.id}`;
  void act(key, `copy the ${label} link`, () => api.copy(kind, item.id), () => copy(item, kind, label), () => confirmCopied(key, `${label} link`));
}

function copyCommand(code: CommandProblem, key: string): void {
  void act(key, 'copy the command', () => api.copyCommand(code), () => copyCommand(code, key), () => confirmCopied(key, 'Command'));
}

// ------------------------------------------------------------------------------------------ render

/** A session group whose control had focus and vanished (e.g. Share → the card while it starts). */
let wantFocusGroup: string | undefined;

function render(): void {
  // Every render rebuilds the list; focus is carried over by data-key, else to the same session's group,
  // also across renders in which that group has nothing to focus yet.
  const active = document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : null;
  const inMain = active !== null && main.contains(active);
  const focusKey = inMain ? active.dataset.key : undefined;
  const focusGroup = inMain ? active.closest<HTMLElement>('[data-group]')?.dataset.group : active ? undefined : wantFocusGroup;

  main.replaceChildren(...content().filter((child): child is Node | string => Boolean(child)));
  main.hidden = prefsOpen;
  prefsPanel.hidden = !prefsOpen;
  prefsButton.setAttribute('aria-expanded', String(prefsOpen));
  prefsButton.lastChild!.textContent = prefsOpen ? 'Done' : 'Preferences';
  if (prefsOpen) renderPrefs();
  renderStatus();
  // Which snapshot is on screen (for tests and for anyone inspecting the popover).
  document.body.dataset.version = String(snapshot?.version ?? 0);

  wantFocusGroup = undefined;
  if (focusKey === undefined && focusGroup === undefined) return;
  const same = [...main.querySelectorAll<HTMLElement>('[data-key]')].find((element) => element.dataset.key === focusKey && !element.hasAttribute('disabled'));
  const group = [...main.querySelectorAll<HTMLElement>('[data-group]')].find((element) => element.dataset.group === focusGroup);
  const target = same ?? group?.querySelector<HTMLElement>('button:not([disabled])');
  if (target) target.focus();
  else wantFocusGroup = focusGroup;
}

function renderStatus(): void {
  const shares = snapshot?.shares ?? [];
  const count = (state: ShareView['state']) => shares.filter((item) => item.state === state).length;
  const live = count('sharing') + count('reconnecting');
  const pairs = totalPairsConnected(shares) ?? 0;
  let text = 'Not sharing';
  if (live) text = `Sharing ${live === 1 ? '1 session' : `${live} sessions`}${pairs ? ` · ${pairs} ${pairs === 1 ? 'pair' : 'pairs'}` : ''}`;
  else if (count('starting')) text = 'Starting a share…';
  else if (count('failed')) text = 'A share failed';
  statusLine.textContent = text;
  statusLine.className = live ? 'status on' : count('failed') ? 'status bad' : 'status';
}

const BLOCKING = new Set<Problem['code']>(['TMUX_MISSING', 'TMATE_MISSING', 'NO_TMUX_SERVER', 'NO_SESSIONS']);

function content(): Child[] {
  if (loadError) {
    return [emptyState('alert', 'Pairbar could not load', loadError, [button('Try again', { 'data-key': 'reload', onclick: () => void load() }, 'primary')])];
  }
  if (!snapshot || snapshot.version === 0) {
    return [h('div', { class: 'loading', 'aria-busy': 'true' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), 'Looking for tmux sessions…')];
  }
  const out: Child[] = [];
  const { sessions, shares, problems } = snapshot;
  placed.clear();
  const missing = problems.some((problem) => problem.code === 'TMUX_MISSING' || problem.code === 'TMATE_MISSING');

  for (const problem of problems) if (!BLOCKING.has(problem.code)) out.push(banner(problem));

  const byTarget = new Map(sessions.map((session) => [sessionKey(session), session]));
  const shared = new Set(shares.map(shareKey));
  // Shares first (what the person is doing now), then the sessions they could share.
  const cards = shares.map((item) => shareCard(item, byTarget.get(shareKey(item))));
  const rows = sessions.filter((session) => !shared.has(sessionKey(session))).map(sessionRow);

  if (cards.length > 0) out.push(h('h2', { class: 'section' }, 'Sharing'), h('ul', { class: 'list', 'aria-label': 'Shared sessions' }, ...cards));
  if (sessions.length === 0) {
    const blocking = problems.filter((problem) => BLOCKING.has(problem.code));
    if (blocking.length === 0) blocking.push({ code: 'NO_SESSIONS', message: 'tmux is running but has no sessions.', fix: 'Create one with `tmux new -s work`, or share a new blank terminal instead.' });
    for (const problem of blocking) out.push(problemState(problem, cards.length === 0));
  }
  if (rows.length > 0) out.push(h('h2', { class: 'section' }, 'tmux sessions'), h('ul', { class: 'list', 'aria-label': 'tmux sessions' }, ...rows));
  if (!missing) out.push(newTerminal(sessions.length === 0));
  // A failure whose row is gone (the session closed meanwhile) is shown on top rather than lost.
  const unplaced = [...failures].filter(([key]) => !placed.has(key));
  return [...unplaced.map(([key, { error }]) => orphanNote(key, error)), ...out];
}

function orphanNote(key: string, error: ErrorInfo): HTMLElement {
  return h(
    'div',
    { class: 'note error top', role: 'alert', 'data-group': `orphan:${key}` },
    h('p', { class: 'note-message' }, error.message),
    h('p', { class: 'note-fix' }, ...withCode(error.fix)),
    h(
      'div',
      { class: 'actions' },
      button('OK', {
        'aria-label': 'Dismiss this error',
        'data-key': `orphan:${key}`,
        onclick: () => {
          failures.delete(key);
          render();
        },
      }, 'secondary small'),
    ),
  );
}

function button(label: string, attrs: Record<string, string | boolean | ((event: Event) => void) | undefined>, kind = 'secondary', glyph?: Parameters<typeof icon>[0]): HTMLButtonElement {
  return h('button', { type: 'button', class: `btn ${kind}`, ...attrs }, glyph ? icon(glyph) : null, h('span', { text: label }));
}

/** Failures drawn by the thing that failed, during the current render. */
const placed = new Set<string>();

function failureNote(key: string, subject: string): HTMLElement | null {
  const failure = failures.get(key);
  if (!failure) return null;
  placed.add(key);
  return h(
    'div',
    { class: 'note error', role: 'alert' },
    h('p', { class: 'note-message' }, failure.error.message),
    h('p', { class: 'note-fix' }, ...withCode(failure.error.fix)),
    h('div', { class: 'actions' }, button('Retry', { 'aria-label': `Retry ${subject}`, 'data-key': `retry:${key}`, onclick: failure.retry }, 'primary small')),
  );
}

/** The session's name, and its tmux server's label where it is not the default server. */
function title(name: string, server: string): HTMLElement {
  return h(
    'div',
    { class: 'row-name' },
    h('span', { class: 'row-title', text: name }),
    server === 'default' ? null : h('span', { class: 'tag', text: server, title: `tmux -L ${server}` }),
  );
}

function sessionRow(session: SessionView): HTMLElement {
  const target = { session: session.name, socket: session.socket };
  const key = sessionKey(session);
  const busy = pending.has(key);
  return h(
    'li',
    { class: 'row session-row', 'data-group': key },
    h(
      'div',
      { class: 'row-main' },
      h('span', { class: 'row-icon' }, icon('terminal')),
      h('div', { class: 'row-text' }, title(session.name, session.server), h('div', { class: 'row-meta', text: sessionMeta(session) })),
      button(busy ? 'Sharing…' : 'Share', { 'aria-label': `Share ${session.name}`, 'data-key': key, disabled: busy, onclick: () => shareSession(target, key) }, 'primary small'),
    ),
    failureNote(key, `sharing ${session.name}`),
  );
}

function shareCard(item: ShareView, session: SessionView | undefined): HTMLElement {
  const key = shareKey(item);
  const busy = item.state === 'starting' || item.state === 'reconnecting';
  const name = item.session;
  const meta = item.blank ? 'New terminal' : session ? sessionMeta(session) : 'tmux session';
  const body: Child[] = [];

  if (item.state === 'starting') {
    body.push(h('p', { class: 'progress' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), `Connecting to ${item.server}…`));
  } else if (item.state === 'failed') {
    placed.add(key); // The card shows the share's failure; the share call's own error is the same one.
    const error = item.error ?? { code: 'TMATE_FAILED', message: 'The share failed.', fix: 'Try again.' };
    body.push(
      h(
        'div',
        { class: 'note error', role: 'alert' },
        h('p', { class: 'note-message' }, error.message),
        h('p', { class: 'note-fix' }, ...withCode(error.fix)),
        h(
          'div',
          { class: 'actions' },
          button(pending.has(key) ? 'Retrying…' : 'Retry', { 'aria-label': `Retry sharing ${name}`, 'data-key': `retry:${key}`, disabled: pending.has(key), onclick: () => shareSession(item, key) }, 'primary small'),
          button('Dismiss', { 'aria-label': `Dismiss ${name}`, 'data-key': `dismiss:${key}`, onclick: () => stop(item) }, 'secondary small'),
        ),
      ),
    );
  } else {
    if (item.state === 'reconnecting') {
      body.push(h('p', { class: 'progress' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), `Connection lost. Reconnecting to ${item.server}…`));
    }
    const links = LINKS.filter(({ kind }) => item.links[kind]).map(({ kind, label }) => linkRow(item, kind, label));
    body.push(h('ul', { class: 'links', 'aria-label': `Links for ${name}` }, ...links));
    const people = [clientsText(item), pairEventText(item.lastPairEvent)].filter((text): text is string => text !== null);
    if (people.length) {
      body.push(h('div', { class: `presence${pairsConnected(item) ? ' joined' : ''}` }, icon('users'), h('div', null, h('p', { class: 'count', text: people[0] }), people[1] ? h('p', { class: 'event', text: people[1] }) : null)));
    }
    const stopping = pending.has(`stop:${key}`);
    body.push(
      h(
        'div',
        { class: 'card-foot' },
        h('span', { class: 'via', text: `via ${item.server}` }),
        button(stopping ? 'Ending…' : 'End pair', { 'aria-label': `End pair on ${name}`, 'data-key': `stop:${key}`, disabled: stopping, onclick: () => stop(item) }, 'danger small'),
      ),
    );
  }
  body.push(failureNote(`stop:${key}`, `ending the pair on ${name}`));

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

function linkRow(item: ShareView, kind: LinkKind, label: string): HTMLElement {
  const key = `copy:${kind}:${item.id}`;
  const done = copied.has(key);
  const link = item.links[kind] ?? '';
  return h(
    'li',
    { class: 'link' },
    h('div', { class: 'link-text' }, h('span', { class: 'link-label', text: label }), h('code', { class: 'link-value', text: link, title: link })),
    button(done ? 'Copied' : 'Copy', { 'aria-label': `Copy ${label} link for ${item.session}`, 'data-key': key, onclick: () => copy(item, kind, label) }, `copy small${done ? ' done' : ''}`, done ? 'check' : 'copy'),
    failureNote(key, `copying the ${label} link`),
  );
}

function newTerminal(primary: boolean): HTMLElement {
  const key = 'share:blank';
  const busy = pending.has(key);
  return h(
    'div',
    { class: 'new-terminal', 'data-group': key },
    button(busy ? 'Starting a new terminal…' : 'Share a new terminal', { 'data-key': key, disabled: busy, onclick: () => share({ blank: true }, key), 'aria-label': 'Share a new terminal' }, primary ? 'primary wide' : 'ghost wide', 'plus'),
    failureNote(key, 'sharing a new terminal'),
  );
}

function emptyState(glyph: Parameters<typeof icon>[0], title: string, text: string, extra: Child[]): HTMLElement {
  return h('section', { class: 'empty' }, h('span', { class: 'empty-icon' }, icon(glyph)), h('h2', { class: 'empty-title', text: title }), h('p', { class: 'empty-text' }, ...withCode(text)), ...extra);
}

function problemState(problem: Problem, big: boolean): HTMLElement {
  const extra: Child[] = [];
  if (problem.command) extra.push(commandBox({ ...problem, command: problem.command }), failureNote(`copy-command:${problem.code}`, 'copying the command'));
  extra.push(h('div', { class: 'actions center' }, button('Check again', { 'data-key': `check:${problem.code}`, onclick: () => void load() }, 'secondary small', 'refresh')));
  const glyph = problem.code === 'NO_TMUX_SERVER' || problem.code === 'NO_SESSIONS' ? 'terminal' : 'alert';
  const element = emptyState(glyph, problem.message, problem.fix, extra);
  element.dataset.problem = problem.code;
  if (!big) element.classList.add('compact');
  return element;
}

/** The install command: selectable text, and a Copy button (the main process copies it; the page can't). */
function commandBox(problem: Problem & { command: string }): HTMLElement {
  const code = problem.code as CommandProblem;
  const key = `copy-command:${code}`;
  const done = copied.has(key);
  return h(
    'div',
    { class: 'command' },
    h('code', { class: 'command-text', text: problem.command }),
    button(done ? 'Copied' : 'Copy', {
      'aria-label': `Copy the command ${problem.command}`,
      'data-key': key,
      onclick: () => copyCommand(code, key),
    }, `copy small${done ? ' done' : ''}`, done ? 'check' : 'copy'),
  );
}

function banner(problem: Problem): HTMLElement {
  return h(
    'div',
    { class: 'note warning', role: 'status', 'data-problem': problem.code },
    h('p', { class: 'note-message' }, problem.message),
    h('p', { class: 'note-fix' }, ...withCode(problem.fix)),
    problem.code === 'INVALID_PREFERENCE'
      ? h('div', { class: 'actions' }, button('Open Preferences', { 'data-key': `open-prefs:${problem.message}`, onclick: () => togglePrefs(true) }, 'secondary small'))
      : null,
  );
}

// ------------------------------------------------------------------------------------- preferences

const TOGGLES: [PrefKey & `notifications.${string}`, string][] = [
  ['notifications.pairJoined', 'When a pair joins'],
  ['notifications.pairLeft', 'When a pair leaves'],
  ['notifications.shareProblems', 'When a share fails or drops'],
];

let prefsBuilt = false;
const fields = {} as Record<PrefKey, HTMLInputElement>;
const fieldErrors = {} as Record<PrefKey, HTMLElement>;

function togglePrefs(open = !prefsOpen): void {
  prefsOpen = open;
  if (open) prefsBuilt = false;
  render();
  if (open) prefsPanel.querySelector<HTMLElement>('input')?.focus();
}

async function savePref<K extends PrefKey>(key: K, value: Prefs[K]): Promise<boolean> {
  const result = await api.setPref(key, value);
  if (result.ok) prefErrors.delete(key);
  else prefErrors.set(key, result.error);
  renderPrefs();
  return result.ok;
}

function fieldError(key: PrefKey): HTMLElement {
  return (fieldErrors[key] = h('p', { class: 'field-error', id: `error-${key.replace('.', '-')}`, role: 'alert', hidden: true }));
}

function buildPrefs(): void {
  const prefs = snapshot?.prefs;
  if (!prefs) return;
  const toggles = TOGGLES.map(([key, label]) => {
    const input = (fields[key] = h('input', { type: 'checkbox', role: 'switch', class: 'switch', 'data-key': `pref:${key}` }));
    input.checked = prefs[key];
    input.addEventListener('change', () => {
      const wanted = input.checked;
      void savePref(key, wanted).then((ok) => {
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
    const portValue = (/^\d+$/.test(raw) ? Number(raw) : raw) as number;
    void (async () => {
      const hostOk = await savePref('server.host', host.value.trim());
      const portOk = await savePref('server.port', portValue);
      if (hostOk && portOk) saved.textContent = 'Saved. New shares use this server.';
    })();
  });
  prefsPanel.replaceChildren(
    h('h2', { class: 'section' }, 'Notifications'),
    h('div', { class: 'group' }, ...toggles),
    h('h2', { class: 'section' }, 'tmate server'),
    h('div', { class: 'group pad' }, form, h('p', { class: 'hint' }, 'Leave the host empty to use tmate.io. Fingerprints and other settings: ', h('code', { text: 'pairbar config' }), '.')),
  );
  prefsBuilt = true;
}

function renderPrefs(): void {
  if (!prefsBuilt) buildPrefs();
  const prefs = snapshot?.prefs;
  if (!prefs) return;
  for (const [key] of TOGGLES) if (fields[key] && document.activeElement !== fields[key]) fields[key].checked = prefs[key];
  for (const [key, element] of Object.entries(fieldErrors) as [PrefKey, HTMLElement][]) {
    const error = prefErrors.get(key);
    element.hidden = !error;
    element.textContent = error ? error.message : '';
    fields[key]?.setAttribute('aria-invalid', String(Boolean(error)));
  }
}

// ---------------------------------------------------------------------------------------- keyboard

/** Every control that can take focus now, in reading order. */
function focusables(): HTMLElement[] {
  return [...document.querySelectorAll<HTMLElement>('button, input')].filter((element) => !element.hasAttribute('disabled') && element.getClientRects().length > 0);
}

document.addEventListener('keydown', (event) => {
  if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
  if (event.key === 'Escape') {
    event.preventDefault();
    void api.hide();
    return;
  }
  if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
  const items = focusables();
  if (items.length === 0) return;
  event.preventDefault();
  const down = event.key === 'ArrowDown';
  const index = items.indexOf(document.activeElement as HTMLElement);
  if (index === -1) {
    // Nothing focused yet: start in the list (or Preferences), not on the header's buttons.
    const scope = prefsOpen ? prefsPanel : main;
    const inside = items.filter((element) => scope.contains(element));
    (down ? (inside[0] ?? items[0]) : (inside.at(-1) ?? items.at(-1)))?.focus();
    return;
  }
  items[(index + (down ? 1 : -1) + items.length) % items.length]?.focus();
});

/**
 * The tray's "Preferences…" opens the popover with `#preferences` in its fragment. The fragment is cleared
 * once obeyed, so choosing it again after closing Preferences changes the hash again and is heard again.
 */
function obeyFragment(): void {
  if (location.hash !== '#preferences') return;
  history.replaceState(null, '', location.pathname + location.search);
  togglePrefs(true);
}
window.addEventListener('hashchange', obeyFragment);
obeyFragment();

refreshButton.addEventListener('click', () => {
  refreshButton.classList.add('spinning');
  void load().finally(() => refreshButton.classList.remove('spinning'));
});
prefsButton.addEventListener('click', () => togglePrefs());
