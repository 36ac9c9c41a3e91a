/**
 * Focus and keys. Patching (patch.ts) keeps the focused control where it stays; when it goes (Share, once
 * the row became a card), FocusKeeper carries focus over by data-key, else to the same group (data-group,
 * e.g. a session's row and then its card), also across renders in which that group has nothing to focus yet. The keys: Up/Down move through
 * every control, Escape hides the popover.
 */

export class FocusKeeper {
  /** A group whose control had focus and vanished (e.g. Share → the card while it starts). */
  private wantGroup: string | undefined;

  /** What to put focus back on after `scope` is rebuilt; call before rebuilding it. */
  capture(scope: HTMLElement): { key: string | undefined; group: string | undefined } {
    const active =
      document.activeElement instanceof HTMLElement && document.activeElement !== document.body
        ? document.activeElement
        : null;
    const inside = active !== null && scope.contains(active);
    return {
      key: inside ? active.dataset.key : undefined,
      group: inside ? active.closest<HTMLElement>('[data-group]')?.dataset.group : active ? undefined : this.wantGroup,
    };
  }

  restore(scope: HTMLElement, { key, group }: { key: string | undefined; group: string | undefined }): void {
    this.wantGroup = undefined;
    if (key === undefined && group === undefined) return;
    // Still on a control that stayed (patched in place) and can be pressed: nothing to carry over. A control
    // just disabled (Share, while it starts) is about to lose focus, so its group is looked for as if it had.
    const active = document.activeElement;
    if (active !== document.body && scope.contains(active) && !active?.hasAttribute('disabled')) return;
    const same = [...scope.querySelectorAll<HTMLElement>('[data-key]')].find(
      (element) => element.dataset.key === key && !element.hasAttribute('disabled'),
    );
    const home = [...scope.querySelectorAll<HTMLElement>('[data-group]')].find(
      (element) => element.dataset.group === group,
    );
    const target = same ?? home?.querySelector<HTMLElement>('button:not([disabled])');
    if (target) target.focus();
    else this.wantGroup = group;
  }
}

/** Every control that can take focus now, in reading order. */
function focusables(): HTMLElement[] {
  return [...document.querySelectorAll<HTMLElement>('button, input, select, textarea')].filter(
    (element) => !element.hasAttribute('disabled') && element.getClientRects().length > 0,
  );
}

/** Focuses the first field of a screen just opened. */
export function focusFirstField(scope: HTMLElement): void {
  scope.querySelector<HTMLElement>('input, textarea, select')?.focus();
}

/**
 * Up/Down through the controls (wrapping), Escape → `hide`. With nothing focused yet, the first Down lands
 * in `screen()` (the screen showing), not on the header's buttons.
 */
export function installKeys(options: { hide: () => void; screen: () => HTMLElement }): void {
  document.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === 'Escape') {
      event.preventDefault();
      options.hide();
      return;
    }
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    // Where the arrows already mean something (moving in a text, choosing an option), they keep that meaning.
    if (event.target instanceof HTMLTextAreaElement || event.target instanceof HTMLSelectElement) return;
    const items = focusables();
    if (items.length === 0) return;
    event.preventDefault();
    const down = event.key === 'ArrowDown';
    const index = items.indexOf(document.activeElement as HTMLElement);
    if (index === -1) {
      const scope = options.screen();
      const inside = items.filter((element) => scope.contains(element));
      (down ? (inside[0] ?? items[0]) : (inside.at(-1) ?? items.at(-1)))?.focus();
      return;
    }
    items[(index + (down ? 1 : -1) + items.length) % items.length]?.focus();
  });
}
