/**
 * What the popover's controls do: each calls `window.pairbar`, files its progress and its outcome in the
 * store, and says what went wrong to the screen reader. No DOM here; the views wire these to buttons.
 */
import type {
  CommandProblem,
  LinkKind,
  PairbarApi,
  Result,
  ServerDraft,
  ServerInput,
  ShareOptionsArg,
  ShareTargetArg,
  ShareView,
  Snapshot,
} from '../main/contract.ts';
import type { ServerTestResult } from '../main/core/server-test.ts';
import type { ServerProfile } from '../main/core/servers.ts';
import type { PrefKey, Prefs } from '../main/prefs/schema.ts';
import { copyCommandKey, copyKey, keyboardKey, rotateKey, serverKey, shareKey, stopKey } from './action-keys.ts';
import { announcements } from './announcements.ts';
import type { Say } from './live-region.ts';
import type { ScreenName, ShareSubject, Store } from './store.ts';

/** How long a button says "Copied". */
const COPIED_MS = 1500;

export interface Actions {
  /** Applies a pushed or pulled snapshot if it is newer, and says what changed. */
  receive(next: Snapshot): void;
  /** Pulls the snapshot, then has the main process look again (tmux asked afresh). */
  load(): Promise<void>;
  /** `target` as a literal: a ShareView has a `blank` field too, and would read as "a new terminal". */
  share(target: ShareTargetArg, key: string, options?: ShareOptionsArg): void;
  /** New links for a live share. */
  rotate(item: ShareView): void;
  /** Takes the keyboard from the pair (canType false) or gives it back. */
  keyboard(item: ShareView, canType: boolean): void;
  /** Ends a share, or dismisses a failed one. */
  stop(item: ShareView): void;
  copy(item: ShareView, kind: LinkKind, label: string): void;
  copyCommand(code: CommandProblem): void;
  dismiss(key: string): void;
  show(screen: ScreenName, subject?: ShareSubject): void;
  /** The server screen's steps: each resolves with its result (the screen shows it) and says what happened. */
  readServer(input: ServerInput): Promise<Result<ServerDraft>>;
  testServer(server: string | ServerProfile): Promise<Result<ServerTestResult>>;
  saveServer(profile: ServerProfile): Promise<Result<Prefs>>;
  /** Preferences' server list: choose the one new shares use, or remove one. */
  useServer(name: string): void;
  removeServer(name: string): void;
  /** Stores one preference; resolves false (and files the error) when the main process refuses it. */
  savePref<K extends PrefKey>(key: K, value: Prefs[K]): Promise<boolean>;
}

export function createActions(api: PairbarApi, store: Store, say: Say): Actions {
  /** Runs one action: `what` completes "Could not …" when it fails. */
  async function act<T>(
    key: string,
    what: string,
    run: () => Promise<Result<T>>,
    retry: () => void,
    onDone?: (value: T) => void,
  ): Promise<void> {
    if (!store.begin(key)) return;
    const result = await settle(run);
    if (result.ok) {
      onDone?.(result.value);
      store.end(key);
    } else if (result.error.code === 'SHARE_STOPPED') {
      // The user cancelled it (the tray's Cancel Sharing): the card going away says so, not an error.
      store.end(key);
    } else {
      store.end(key, { error: result.error, retry });
      say(`Could not ${what}: ${result.error.message}`);
    }
  }

  /** Shows "Copied" on the button for a moment, and says so to screen readers. */
  function confirmCopied(key: string, what: string): void {
    store.markCopied(key, COPIED_MS);
    say(`${what} copied.`);
  }

  /** Calls the main process, turning a thrown error (the IPC itself failed) into a Result like the others. */
  async function settle<T>(run: () => Promise<Result<T>>): Promise<Result<T>> {
    try {
      return await run();
    } catch (error) {
      return {
        ok: false,
        error: {
          code: 'COMMAND_FAILED',
          message: error instanceof Error ? error.message : String(error),
          fix: 'Try again.',
        },
      };
    }
  }

  const actions: Actions = {
    receive(next) {
      const before = store.state.snapshot;
      if (!store.receive(next) || !before) return;
      for (const sentence of announcements(before, next)) say(sentence);
    },
    async load() {
      try {
        actions.receive(await api.getState());
        actions.receive(await api.refresh());
        // No server chosen yet: the popover opens on choosing one, not on Share buttons that cannot work.
        const { snapshot, screen } = store.state;
        if (snapshot && screen === 'sessions' && !snapshot.servers.some((server) => server.active))
          store.show('server');
      } catch (error) {
        store.failLoad(error instanceof Error ? error.message : String(error));
      }
    },
    share(target, key, choices) {
      const run = () => (choices ? api.share(target, choices) : api.share(target));
      void act(key, 'blank' in target ? 'share a new terminal' : `share ${target.session}`, run, () =>
        actions.share(target, key, choices),
      );
    },
    rotate(item) {
      void act(
        rotateKey(item.id),
        `make new links for ${item.session}`,
        () => api.rotate(item.id),
        () => actions.rotate(item),
        () => say(`New links for ${item.session}: the old ones no longer work.`),
      );
    },
    keyboard(item, canType) {
      const what = canType ? `give the keyboard back in ${item.session}` : `take the keyboard in ${item.session}`;
      const done = canType
        ? `The pair can type in ${item.session} again.`
        : `You have the keyboard of ${item.session}: the pair watches, their typing does nothing.`;
      void act(
        keyboardKey(item.id),
        what,
        () => api.keyboard(item.id, canType),
        () => actions.keyboard(item, canType),
        () => say(done),
      );
    },
    stop(item) {
      store.dismiss(shareKey(item));
      void act(
        stopKey(item),
        item.state === 'failed' ? `dismiss ${item.session}` : `end the pair on ${item.session}`,
        () => api.stop(item.id),
        () => actions.stop(item),
      );
    },
    copy(item, kind, label) {
      const key = copyKey(kind, item.id);
      void act(
        key,
        `copy the ${label} link`,
        () => api.copy(kind, item.id),
        () => actions.copy(item, kind, label),
        () => confirmCopied(key, `${label} link`),
      );
    },
    copyCommand(code) {
      const key = copyCommandKey(code);
      void act(
        key,
        'copy the command',
        () => api.copyCommand(code),
        () => actions.copyCommand(code),
        () => confirmCopied(key, 'Command'),
      );
    },
    dismiss(key) {
      store.dismiss(key);
    },
    show(screen, subject) {
      store.show(screen, subject);
    },
    async readServer(input) {
      const result = await settle(() => api.readServer(input));
      if (!result.ok) say(`Could not read the server: ${result.error.message}`);
      else if (result.value.keys)
        say(
          `${result.value.profile.host} presented ${result.value.keys.length} host key fingerprints; compare them before saving.`,
        );
      return result;
    },
    async testServer(server) {
      const result = await settle(() => api.testServer(server));
      if (!result.ok) say(`Could not test the server: ${result.error.message}`);
      else
        say(
          result.value.ok
            ? `Test passed: links in ${(result.value.msToLinks / 1000).toFixed(1)} s.`
            : `Test failed: ${result.value.error.message}`,
        );
      return result;
    },
    async saveServer(profile) {
      const result = await settle(() => api.saveServer(profile));
      say(result.ok ? `Saved ${profile.name}.` : `Could not save ${profile.name}: ${result.error.message}`);
      return result;
    },
    useServer(name) {
      void act(
        serverKey('use', name),
        `use ${name}`,
        () => api.useServer(name),
        () => actions.useServer(name),
        () => say(`New shares go to ${name}.`),
      );
    },
    removeServer(name) {
      void act(
        serverKey('remove', name),
        `remove ${name}`,
        () => api.removeServer(name),
        () => actions.removeServer(name),
        () => say(`Removed ${name}.`),
      );
    },
    async savePref(key, value) {
      const result = await api.setPref(key, value);
      store.setPrefError(key, result.ok ? null : result.error);
      return result.ok;
    },
  };
  return actions;
}
