/**
 * What the popover's controls do: each calls `window.pairbar`, files its progress and its outcome in the
 * store, and says what went wrong to the screen reader. No DOM here; the views wire these to buttons.
 */
import type { CommandProblem, LinkKind, PairbarApi, Result, ShareTargetArg, ShareView, Snapshot } from '../main/contract.ts';
import type { PrefKey, Prefs } from '../main/prefs.ts';
import { copyCommandKey, copyKey, shareKey, stopKey } from './action-keys.ts';
import { announcements } from './announcements.ts';
import type { Say } from './live-region.ts';
import type { ScreenName, Store } from './store.ts';

/** How long a button says "Copied". */
const COPIED_MS = 1500;

export interface Actions {
  /** Applies a pushed or pulled snapshot if it is newer, and says what changed. */
  receive(next: Snapshot): void;
  /** Pulls the snapshot, then has the main process look again (tmux asked afresh). */
  load(): Promise<void>;
  /** `target` as a literal: a ShareView has a `blank` field too, and would read as "a new terminal". */
  share(target: ShareTargetArg, key: string): void;
  /** Ends a share, or dismisses a failed one. */
  stop(item: ShareView): void;
  copy(item: ShareView, kind: LinkKind, label: string): void;
  copyCommand(code: CommandProblem): void;
  dismiss(key: string): void;
  show(screen: ScreenName): void;
  /** Stores one preference; resolves false (and files the error) when the main process refuses it. */
  savePref<K extends PrefKey>(key: K, value: Prefs[K]): Promise<boolean>;
}

export function createActions(api: PairbarApi, store: Store, say: Say): Actions {
  /** Runs one action: `what` completes "Could not …" when it fails. */
  async function act<T>(key: string, what: string, call: () => Promise<Result<T>>, retry: () => void, onDone?: (value: T) => void): Promise<void> {
    if (!store.begin(key)) return;
    let result: Result<T>;
    try {
      result = await call();
    } catch (error) {
      result = { ok: false, error: { code: 'COMMAND_FAILED', message: error instanceof Error ? error.message : String(error), fix: 'Try again.' } };
    }
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
      } catch (error) {
        store.failLoad(error instanceof Error ? error.message : String(error));
      }
    },
    share(target, key) {
      void act(key, 'blank' in target ? 'share a new terminal' : `share ${target.session}`, () => api.share(target), () => actions.share(target, key));
    },
    stop(item) {
      store.dismiss(shareKey(item));
      void act(stopKey(item), item.state === 'failed' ? `dismiss ${item.session}` : `end the pair on ${item.session}`, () => api.stop(item.id), () => actions.stop(item));
    },
    copy(item, kind, label) {
      const key = copyKey(kind, item.id);
      void act(key, `copy the ${label} link`, () => api.copy(kind, item.id), () => actions.copy(item, kind, label), () => confirmCopied(key, `${label} link`));
    },
    copyCommand(code) {
      const key = copyCommandKey(code);
      void act(key, 'copy the command', () => api.copyCommand(code), () => actions.copyCommand(code), () => confirmCopied(key, 'Command'));
    },
    dismiss(key) {
      store.dismiss(key);
    },
    show(screen) {
      store.show(screen);
    },
    async savePref(key, value) {
      const result = await api.setPref(key, value);
      store.setPrefError(key, result.ok ? null : result.error);
      return result.ok;
    },
  };
  return actions;
}
