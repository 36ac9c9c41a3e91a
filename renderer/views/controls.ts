/**
 * What every view is given, and the pieces several views draw: buttons, a session's title, a spinner.
 * A view is a function of the state to elements; it never keeps state of its own between renders.
 */
import type { Actions } from '../actions.ts';
import { h, icon, type IconName } from '../dom.ts';
import type { PopoverState } from '../store.ts';

export interface ViewContext {
  readonly state: PopoverState;
  readonly actions: Actions;
  /**
   * Records that the failure filed under `key` is drawn by the thing that failed, in this render; the
   * sessions screen shows the others on top rather than lose them.
   */
  place(key: string): void;
}

/**
 * A screen built once per opening (what is typed survives the snapshots that arrive), then only updated:
 * `update` brings it up to date with the state.
 */
export interface BuiltView {
  children: Node[];
  update(state: PopoverState): void;
}

/**
 * Whether new shares have a server to go to (one chosen, and the main process found nothing wrong with it);
 * until they do, Share buttons lead to choosing one.
 */
export function hasActiveServer(state: PopoverState): boolean {
  const snapshot = state.snapshot;
  if (!snapshot?.servers.some((server) => server.active)) return false;
  return !snapshot.problems.some((problem) => SERVER_PROBLEMS.has(problem.code));
}

/** No server new shares can go to: none chosen, the chosen one gone, or its keys never confirmed. */
export const SERVER_PROBLEMS: ReadonlySet<string> = new Set(['NO_SERVER_CHOSEN', 'UNKNOWN_SERVER', 'SERVER_UNTRUSTED']);

type ButtonAttrs = Record<string, string | boolean | ((event: Event) => void) | undefined>;

export function button(label: string, attrs: ButtonAttrs, kind = 'secondary', glyph?: IconName): HTMLButtonElement {
  return h(
    'button',
    { type: 'button', class: `btn ${kind}`, ...attrs },
    glyph ? icon(glyph) : null,
    h('span', { text: label }),
  );
}

/** A Copy button that says "Copied" for a moment after it worked. */
export function copyButton(ctx: ViewContext, key: string, ariaLabel: string, onclick: () => void): HTMLButtonElement {
  const done = ctx.state.copied.has(key);
  return button(
    done ? 'Copied' : 'Copy',
    { 'aria-label': ariaLabel, 'data-key': key, onclick },
    `copy small${done ? ' done' : ''}`,
    done ? 'check' : 'copy',
  );
}

/** The session's name, and its tmux server's label where it is not the default server. */
export function title(name: string, server: string): HTMLElement {
  return h(
    'div',
    'row-name',
    h('span', 'row-title', name),
    server === 'default' ? null : h('span', { class: 'tag', text: server, title: `tmux -L ${server}` }),
  );
}

export function spinner(): HTMLElement {
  return h('span', { class: 'spinner', 'aria-hidden': 'true' });
}
