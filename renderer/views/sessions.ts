/** The main screen: share cards, then the sessions that could be shared, then "Share a new terminal". */
import { BLANK_KEY } from '../action-keys.ts';
import { h, type Child } from '../dom.ts';
import { layout } from '../layout.ts';
import type { PopoverState } from '../store.ts';
import type { Actions } from '../actions.ts';
import { button, hasActiveServer, type ViewContext } from './controls.ts';
import { banner, failureNote, orphanNote } from './notes.ts';
import { loadFailed, loading, problemState } from './problems.ts';
import { sessionRow } from './session-row.ts';
import { shareCard } from './share-card.ts';

export function sessionsView(state: PopoverState, actions: Actions): Node[] {
  const placed = new Set<string>();
  const ctx: ViewContext = { state, actions, place: (key) => placed.add(key) };
  if (state.loadError) return [loadFailed(ctx, state.loadError)];
  if (!state.snapshot || state.snapshot.version === 0) return [loading()];

  const { banners, cards, blocking, rows, newTerminal } = layout(state.snapshot);
  const out: Child[] = banners.map((problem) => banner(ctx, problem));
  // Keyed (patch.ts), so the list of sessions stays itself when the list of cards appears above it.
  if (cards.length > 0)
    out.push(
      h('h2', { class: 'section', key: 'cards' }, 'Sharing'),
      h(
        'ul',
        { class: 'list', key: 'card-list', 'aria-label': 'Shared sessions' },
        ...cards.map(({ share, session }) => shareCard(ctx, share, session)),
      ),
    );
  for (const { problem, big } of blocking) out.push(problemState(ctx, problem, big));
  if (rows.length > 0)
    out.push(
      h('h2', { class: 'section', key: 'rows' }, 'tmux sessions'),
      h(
        'ul',
        { class: 'list', key: 'row-list', 'aria-label': 'tmux sessions' },
        ...rows.map((session) => sessionRow(ctx, session)),
      ),
    );
  if (newTerminal) out.push(newTerminalButton(ctx, newTerminal.primary));
  // Drawn last, so `placed` is complete: a failure nothing above showed goes on top.
  const unplaced = [...state.failures].filter(([key]) => !placed.has(key));
  return [...unplaced.map(([key, { error }]) => orphanNote(ctx, key, error)), ...out].filter(
    (child): child is Node => child instanceof Node,
  );
}

function newTerminalButton(ctx: ViewContext, primary: boolean): HTMLElement {
  const busy = ctx.state.pending.has(BLANK_KEY);
  if (!hasActiveServer(ctx.state)) {
    return h(
      'div',
      { class: 'new-terminal', 'data-group': BLANK_KEY },
      button(
        'Share a new terminal: server needed',
        {
          'data-key': BLANK_KEY,
          'aria-label': 'Share a new terminal: choose a tmate server first',
          onclick: () => ctx.actions.show('server'),
        },
        'ghost wide',
        'plus',
      ),
    );
  }
  return h(
    'div',
    { class: 'new-terminal', 'data-group': BLANK_KEY },
    button(
      busy ? 'Starting a new terminal…' : 'Share a new terminal',
      {
        'data-key': BLANK_KEY,
        disabled: busy,
        onclick: () => ctx.actions.share({ blank: true }, BLANK_KEY),
        'aria-label': 'Share a new terminal',
      },
      primary ? 'primary wide' : 'ghost wide',
      'plus',
    ),
    failureNote(ctx, BLANK_KEY, 'sharing a new terminal'),
  );
}
