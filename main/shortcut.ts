/**
 * The global shortcut that copies the current share's link (the `shortcut.copyLink` preference: an
 * Electron accelerator, empty = off, the default). Registered with the system through Electron's
 * globalShortcut, which the app passes in: no Electron import, so the tests run this as it is against the
 * main-process stand-in.
 */
import { isLinkKind, linkInfo, type LinkKind } from './core/links.ts';
import type { ErrorInfo } from './core/errors.ts';
import type { ShareView } from './contract.ts';

/** The part of Electron's globalShortcut this needs. */
export interface GlobalShortcutLike {
  /** false when another application (or the system) holds the accelerator. */
  register(accelerator: string, callback: () => void): boolean;
  unregister(accelerator: string): void;
}

const MODIFIERS = new Set(
  ['Command', 'Cmd', 'Control', 'Ctrl', 'CommandOrControl', 'CmdOrCtrl', 'Alt', 'Option', 'AltGr', 'Shift', 'Super', 'Meta'].map((name) => name.toLowerCase()),
);
/** Modifiers that make a key combination nobody types by accident: Shift alone does not. */
const STRONG_MODIFIERS = new Set(['command', 'cmd', 'control', 'ctrl', 'commandorcontrol', 'cmdorctrl', 'alt', 'option', 'altgr', 'super', 'meta']);
const NAMED_KEYS = new Set(
  [
    'Plus', 'Space', 'Tab', 'Capslock', 'Numlock', 'Scrolllock', 'Backspace', 'Delete', 'Insert', 'Return', 'Enter', 'Up', 'Down', 'Left', 'Right',
    'Home', 'End', 'PageUp', 'PageDown', 'Escape', 'Esc', 'PrintScreen',
    'num0', 'num1', 'num2', 'num3', 'num4', 'num5', 'num6', 'num7', 'num8', 'num9', 'numdec', 'numadd', 'numsub', 'nummult', 'numdiv',
  ].map((name) => name.toLowerCase()),
);
const SINGLE_KEY = /^[A-Za-z0-9)!@#$%^&*(:;<=>,_.?/~`{}|[\]\\'"-]$/;

/**
 * Checks an accelerator the way Electron reads one (modifiers joined by `+`, then one key), and asks for at
 * least one modifier other than Shift: a shortcut taken from every application must not be a plain key.
 * Returns why it is not usable, or undefined.
 */
export function acceleratorProblem(value: string): string | undefined {
  const parts = value.split('+');
  // "Ctrl++" names the plus key; Electron spells it Plus.
  if (parts.some((part) => part === '')) return 'write the + key as Plus, and no empty parts (such as CommandOrControl+Shift+L)';
  const key = parts.at(-1) ?? '';
  const modifiers = parts.slice(0, -1).map((part) => part.toLowerCase());
  const unknown = modifiers.find((modifier) => !MODIFIERS.has(modifier));
  if (unknown !== undefined) return `${JSON.stringify(unknown)} is not a modifier (CommandOrControl, Alt, Shift, Super…)`;
  if (new Set(modifiers).size !== modifiers.length) return 'a modifier appears twice';
  if (!modifiers.some((modifier) => STRONG_MODIFIERS.has(modifier))) return 'needs CommandOrControl, Alt or Super: it would take a plain key from every application';
  if (!(SINGLE_KEY.test(key) || NAMED_KEYS.has(key.toLowerCase()) || /^F([1-9]|1\d|2[0-4])$/i.test(key))) {
    return `${JSON.stringify(key)} is not a key Electron knows (a letter, a digit, F1–F24, Space, Up…)`;
  }
  return undefined;
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
export async function copyCurrentLink(deps: Pick<ShortcutDeps, 'shares' | 'linkKind' | 'writeClipboard' | 'notify'>): Promise<void> {
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
    deps.notify(`No ${label} link for “${share.session}”`, `The server ${share.server} gives no ${label} link; copy another from the popover.`);
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
      if (problem) return { code: 'INVALID_PREFERENCE', message: `The shortcut ${accelerator} cannot be used: ${problem}.`, fix: 'Choose another, such as CommandOrControl+Alt+L.' };
      const onPress = () => void copyCurrentLink(this.deps).catch((error: unknown) => this.deps.notify('Copying the link failed', String(error)));
      if (!this.deps.globalShortcut.register(accelerator, onPress)) {
        return {
          code: 'SHORTCUT_TAKEN',
          message: `The shortcut ${accelerator} is already taken by another application or by the system.`,
          fix: this.registered ? `Pairbar keeps ${this.registered}; choose another combination.` : 'Choose another combination in Preferences.',
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
