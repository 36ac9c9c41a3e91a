/** Why there is nothing to share, and what to do: the empty states, with the install command to copy. */
import type { CommandProblem, Problem } from '../../main/contract.ts';
import { copyCommandKey } from '../action-keys.ts';
import { h, icon, withCode, type Child, type IconName } from '../dom.ts';
import { button, spinner, type ViewContext } from './controls.ts';
import { commandBox, failureNote } from './notes.ts';

function emptyState(glyph: IconName, heading: string, text: string, extra: Child[]): HTMLElement {
  return h(
    'section',
    'empty',
    h('span', 'empty-icon', icon(glyph)),
    h('h2', 'empty-title', heading),
    h('p', 'empty-text', ...withCode(text)),
    ...extra,
  );
}

export function loading(): HTMLElement {
  return h('div', { class: 'loading', 'aria-busy': 'true' }, spinner(), 'Looking for tmux sessions…');
}

export function loadFailed(ctx: ViewContext, message: string): HTMLElement {
  return emptyState('alert', 'Pairbar could not load', message, [
    button('Try again', { 'data-key': 'reload', onclick: () => void ctx.actions.load() }, 'primary'),
  ]);
}

/** A problem that leaves nothing to list, in place of the list: big, or compact under the share cards. */
export function problemState(ctx: ViewContext, problem: Problem, big: boolean): HTMLElement {
  const extra: Child[] = [];
  if (problem.command) {
    const code = problem.code as CommandProblem;
    extra.push(commandBox(ctx, code, problem.command), failureNote(ctx, copyCommandKey(code), 'copying the command'));
  }
  extra.push(
    h(
      'div',
      'actions center',
      button(
        'Check again',
        { 'data-key': `check:${problem.code}`, onclick: () => void ctx.actions.load() },
        'secondary small',
        'refresh',
      ),
    ),
  );
  const glyph = problem.code === 'NO_TMUX_SERVER' || problem.code === 'NO_SESSIONS' ? 'terminal' : 'alert';
  const element = emptyState(glyph, problem.message, problem.fix, extra);
  element.dataset.problem = problem.code;
  if (!big) element.classList.add('compact');
  return element;
}
