/**
 * Notes: what went wrong and what to do about it, drawn by the thing that failed (or on top when that thing
 * is gone), the banners of problems that leave the sessions usable, and the box with a command to copy that
 * both a banner and an empty state (problems.ts) show.
 */
import type { CommandProblem, Problem } from '../../main/contract.ts';
import { copyCommandKey } from '../action-keys.ts';
import type { ErrorInfo } from '../../main/core/errors.ts';
import { h, withCode } from '../dom.ts';
import { button, copyButton, SERVER_PROBLEMS, type ViewContext } from './controls.ts';

/** What went wrong and what to do about it, with the buttons that act on it. */
export function errorNote(error: ErrorInfo, actions: HTMLElement[], attrs: Record<string, string> = {}): HTMLElement {
  return h(
    'div',
    { class: 'note error', role: 'alert', ...attrs },
    h('p', 'note-message', error.message),
    h('p', 'note-fix', ...withCode(error.fix)),
    h('div', 'actions', ...actions),
  );
}

/** The failure of the action filed under `key`, with Retry, if it failed; `subject` completes "Retry …". */
export function failureNote(ctx: ViewContext, key: string, subject: string): HTMLElement | null {
  const failure = ctx.state.failures.get(key);
  if (!failure) return null;
  ctx.place(key);
  return errorNote(failure.error, [
    button(
      'Retry',
      { 'aria-label': `Retry ${subject}`, 'data-key': `retry:${key}`, onclick: failure.retry },
      'primary small',
    ),
  ]);
}

/**
 * A problem that leaves the sessions usable, above them; one that comes with a command (the ssh-keygen
 * command for a machine without an SSH key, say) shows it to copy, with Check again.
 */
export function banner(ctx: ViewContext, problem: Problem): HTMLElement {
  const code = problem.code as CommandProblem;
  return h(
    'div',
    { class: 'note warning', role: 'status', 'data-problem': problem.code },
    h('p', 'note-message', problem.message),
    h('p', 'note-fix', ...withCode(problem.fix)),
    problem.command ? commandBox(ctx, code, problem.command) : null,
    problem.command ? failureNote(ctx, copyCommandKey(code), 'copying the command') : null,
    problem.command
      ? h(
          'div',
          'actions',
          button(
            'Check again',
            { 'data-key': `check:${problem.code}`, onclick: () => void ctx.actions.load() },
            'secondary small',
            'refresh',
          ),
        )
      : null,
    problem.code === 'INVALID_PREFERENCE'
      ? h(
          'div',
          'actions',
          button(
            'Open Preferences',
            { 'data-key': `open-prefs:${problem.message}`, onclick: () => ctx.actions.show('preferences') },
            'secondary small',
          ),
        )
      : SERVER_PROBLEMS.has(problem.code)
        ? h(
            'div',
            'actions',
            button(
              'Choose a tmate server',
              { 'data-key': `choose-server:${problem.code}`, onclick: () => ctx.actions.show('server') },
              'primary small',
            ),
          )
        : null,
  );
}

/** A failure whose row is gone (the session closed meanwhile), shown on top rather than lost. */
export function orphanNote(ctx: ViewContext, key: string, error: ErrorInfo): HTMLElement {
  return errorNote(
    error,
    [
      button(
        'OK',
        { 'aria-label': 'Dismiss this error', 'data-key': `orphan:${key}`, onclick: () => ctx.actions.dismiss(key) },
        'secondary small',
      ),
    ],
    { class: 'note error top', 'data-group': `orphan:${key}` },
  );
}

/** The install command: selectable text, and a Copy button (the main process copies it; the page can't). */
export function commandBox(ctx: ViewContext, code: CommandProblem, command: string): HTMLElement {
  return h(
    'div',
    'command',
    h('code', 'command-text', command),
    copyButton(ctx, copyCommandKey(code), `Copy the command ${command}`, () => ctx.actions.copyCommand(code)),
  );
}
