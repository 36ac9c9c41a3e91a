/**
 * Everything the popover holds: the newest snapshot, and what the snapshot cannot know (which action is in
 * flight, which failed, what was just copied, which preference was refused, which screen shows). One object,
 * changed only through its methods; every change tells the subscribers, and the app redraws from `state`.
 * No DOM here, so it runs in Node too.
 */
import type { ShareTargetArg, Snapshot } from '../main/contract.ts';
import type { ErrorInfo } from '../main/core/errors.ts';
import type { PrefKey } from '../main/prefs/schema.ts';

/** The popover's screens; the current one is shown, the others hidden (see app.ts to add one). */
export type ScreenName = 'sessions' | 'preferences' | 'server' | 'share-options';

/** What the share-options screen is about: the session (or new terminal) to share, and its action key. */
export interface ShareSubject {
  target: ShareTargetArg;
  key: string;
  /** "work", or "a new terminal". */
  name: string;
}

export interface Failure {
  error: ErrorInfo;
  retry: () => void;
}

export interface PopoverState {
  readonly snapshot: Snapshot | undefined;
  readonly loadError: string | undefined;
  readonly screen: ScreenName;
  /** Counts the screens opened, so opening one that already shows (the tray's Preferences… again) draws it afresh. */
  readonly opened: number;
  /** Actions in flight, by key: their buttons show progress and cannot be pressed twice. */
  readonly pending: ReadonlySet<string>;
  /** Failed actions, by key, shown next to the thing that failed. */
  readonly failures: ReadonlyMap<string, Failure>;
  /** Links and commands just copied, by key: their buttons say "Copied" for a moment. */
  readonly copied: ReadonlySet<string>;
  /** Preference errors, by key, shown under the field. */
  readonly prefErrors: ReadonlyMap<PrefKey, ErrorInfo>;
  /** The share the share-options screen is about, while it shows. */
  readonly subject: ShareSubject | undefined;
}

/**
 * Whether `next` replaces `current`. A push can overtake the answer to a pull, or the other way round: the
 * newer one wins. Version 0 is the app's "nothing loaded yet", which anything replaces.
 */
export function isNewer(current: Snapshot | undefined, next: Snapshot): boolean {
  return current === undefined || current.version === 0 || next.version > current.version;
}

export class Store {
  private snapshot: Snapshot | undefined;
  private loadError: string | undefined;
  private screen: ScreenName = 'sessions';
  private opened = 0;
  private readonly pending = new Set<string>();
  private readonly failures = new Map<string, Failure>();
  /** Key → the timer that puts the button back. */
  private readonly copied = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly prefErrors = new Map<PrefKey, ErrorInfo>();
  private subject: ShareSubject | undefined;
  private readonly listeners = new Set<() => void>();

  get state(): PopoverState {
    return {
      snapshot: this.snapshot,
      loadError: this.loadError,
      screen: this.screen,
      opened: this.opened,
      pending: this.pending,
      failures: this.failures,
      copied: new Set(this.copied.keys()),
      prefErrors: this.prefErrors,
      subject: this.subject,
    };
  }

  /** Calls `listener` after every change; returns the unsubscribe. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Takes a snapshot if it is newer than the one held (see isNewer); says whether it did. */
  receive(next: Snapshot): boolean {
    if (!isNewer(this.snapshot, next)) return false;
    this.snapshot = next;
    this.loadError = undefined;
    this.changed();
    return true;
  }

  failLoad(message: string): void {
    this.loadError = message;
    this.changed();
  }

  /** Marks an action in flight and clears its last failure; false if it is in flight already. */
  begin(key: string): boolean {
    if (this.pending.has(key)) return false;
    this.pending.add(key);
    this.failures.delete(key);
    this.changed();
    return true;
  }

  /** Ends an action in flight, with its failure if it failed. */
  end(key: string, failure?: Failure): void {
    this.pending.delete(key);
    if (failure) this.failures.set(key, failure);
    this.changed();
  }

  dismiss(key: string): void {
    if (this.failures.delete(key)) this.changed();
  }

  /** "Copied" on `key`'s button for `ms`; copying again restarts the time. */
  markCopied(key: string, ms: number): void {
    clearTimeout(this.copied.get(key));
    this.copied.set(
      key,
      setTimeout(() => {
        this.copied.delete(key);
        this.changed();
      }, ms),
    );
    this.changed();
  }

  show(screen: ScreenName, subject?: ShareSubject): void {
    this.screen = screen;
    this.subject = screen === 'share-options' ? subject : undefined;
    if (screen !== 'sessions') this.opened++;
    this.changed();
  }

  setPrefError(key: PrefKey, error: ErrorInfo | null): void {
    if (error) this.prefErrors.set(key, error);
    else this.prefErrors.delete(key);
    this.changed();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
