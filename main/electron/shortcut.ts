/**
 * The global shortcut that copies the current share's link (the `shortcut.copyLink` preference: an
 * Electron accelerator, empty = off, the default). Registered with the system through Electron's
 * globalShortcut, which the app passes in: no Electron import, so the tests run this as it is against the
 * main-process stand-in.
 */
import { isLinkKind, linkInfo, type LinkKind } from '../core/links.ts';
import type { ErrorInfo } from '../core/errors.ts';
import type { ShareView } from '../contract.ts';
import { acceleratorProblem } from '../prefs/accelerator.ts';

/** The part of Electron's globalShortcut this needs. */
export interface GlobalShortcutLike {
  /** false when another application (or the system) holds the accelerator. */
  register(accelerator: string, callback: () => void): boolean;
  unregister(accelerator: string): void;
}

/** The share whose link the shortcut copies: the newest one that is sharing. */
export function currentShare(shares: readonly ShareView[]): ShareView | undefined {
  return shares.filter((share) => share.state === 'sharing').sort((a, b) => b.startedAt - a.startedAt)[0];
}

export interface ShortcutDeps {
  globalShortcut: GlobalShortcutLike;
  shares: () => readonly ShareView[];
  /** Which link to copy: the `share.copyLink` preference where there is one. */
  linkKind: () => unknown;
  writeClipboard: (text: string) => void | Promise<void>;
  notify: (title: string, body: string) => void;
}

/** What pressing the shortcut does: copy, and say what was copied (or why nothing was). */
export async function copyCurrentLink(
  deps: Pick<ShortcutDeps, 'shares' | 'linkKind' | 'writeClipboard' | 'notify'>,
): Promise<void> {
  const share = currentShare(deps.shares());
  if (!share) {
    deps.notify('Nothing is shared', 'Share a session from Pairbar first; the shortcut then copies its link.');
    return;
  }
  const wanted = deps.linkKind();
  const kind: LinkKind = isLinkKind(wanted) ? wanted : 'ssh';
  const link = share.links[kind];
  const label = linkInfo(kind).cliLabel;
  if (!link) {
    deps.notify(
      `No ${label} link for “${share.session}”`,
      `The server ${share.server} gives no ${label} link; copy another from the popover.`,
    );
    return;
  }
  await deps.writeClipboard(link);
  deps.notify('Link copied', `The ${label} link to “${share.session}” is on the clipboard.`);
}

/** The one registered shortcut; apply() follows the preference. */
export class CopyLinkShortcut {
  private registered = '';

  constructor(private readonly deps: ShortcutDeps) {}

  get accelerator(): string {
    return this.registered;
  }

  /**
   * Registers `accelerator` in place of the current one ('' = none). When another application holds it,
   * the previous shortcut stays and the refusal says why.
   */
  apply(accelerator: string): ErrorInfo | null {
    if (accelerator === this.registered) return null;
    if (accelerator !== '') {
      const problem = acceleratorProblem(accelerator);
      if (problem)
        return {
          code: 'INVALID_PREFERENCE',
          message: `The shortcut ${accelerator} cannot be used: ${problem}.`,
          fix: 'Choose another, such as CommandOrControl+Alt+L.',
        };
      const onPress = () =>
        void copyCurrentLink(this.deps).catch((error: unknown) =>
          this.deps.notify('Copying the link failed', String(error)),
        );
      if (!this.deps.globalShortcut.register(accelerator, onPress)) {
        return {
          code: 'SHORTCUT_TAKEN',
          message: `The shortcut ${accelerator} is already taken by another application or by the system.`,
          fix: this.registered
            ? `Pairbar keeps ${this.registered}; choose another combination.`
            : 'Choose another combination in Preferences.',
        };
      }
    }
    if (this.registered !== '') this.deps.globalShortcut.unregister(this.registered);
    this.registered = accelerator;
    return null;
  }

  dispose(): void {
    if (this.registered !== '') this.deps.globalShortcut.unregister(this.registered);
    this.registered = '';
  }
}
