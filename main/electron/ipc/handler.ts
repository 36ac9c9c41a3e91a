/**
 * What one IPC channel's handler is (see the recipe at the top of main/contract.ts): the check of every
 * argument the page sent, the work, and the answer a sender that is not the popover gets. index.ts runs
 * them in that order for every channel, from one table, so no channel can skip a step.
 */
import type { InvokeChannel, InvokeMap, Result } from '../../contract.ts';
import type { AppState } from '../../app/app-state.ts';

/** What a handler works with: the app's state and the two things the page may make the main process do. */
export interface IpcContext {
  state: AppState;
  /** Electron 45's clipboard.writeText resolves once the text is on the clipboard. */
  writeClipboard(text: string): Promise<void> | void;
  hidePopover(): void;
}

export type Answer<C extends InvokeChannel> = InvokeMap[C][1];

/** What a validator hands on: the arguments checked, in the shape the work wants, or the answer that refuses them. */
export type Checked<C extends InvokeChannel, V> = { args: V } | { refuse: Answer<C> };

export interface Handler<C extends InvokeChannel, V> {
  /** A call with more arguments than this is refused before the validator runs. */
  maxArgs?: number;
  /** Every argument checked before anything is done: its type and length, and that what it names exists. */
  validate(args: readonly unknown[], ctx: IpcContext): Checked<C, V>;
  handle(args: V, ctx: IpcContext): Answer<C> | Promise<Answer<C>>;
  /** The answer to a call that did not come from the popover. */
  refused(): Answer<C>;
}

/** A validator's yes: the arguments, in the shape the work takes. */
export function accept<V>(args: V): { args: V } {
  return { args };
}

/** A validator's no: the answer the page gets instead. */
export function refuse<A>(answer: A): { refuse: A } {
  return { refuse: answer };
}

/** One channel's handler; `C` comes from the table's key and `V` from the validator (accept()). */
export function handler<C extends InvokeChannel, V>(definition: Handler<C, V>): Handler<C, V> {
  return definition;
}

/** Handlers for some channels of the contract, keyed by channel (a domain's file exports one of these). */
export type Handlers<K extends InvokeChannel> = { [C in K]: Handler<C, unknown> };

export const REFUSED_SENDER = 'Refused: the request did not come from the Pairbar popover.';

/** The refusal of a channel that answers with a Result. */
export function refusedResult(): Result<never> {
  return { ok: false, error: { code: 'INVALID_ARGUMENT', message: REFUSED_SENDER, fix: 'Use the popover.' } };
}

/** The refusal of a channel that answers with the snapshot: it rejects, and the page gets no snapshot. */
export function refusedSnapshot(): never {
  throw new Error(REFUSED_SENDER);
}
