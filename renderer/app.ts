/**
 * The popover's render loop: on every store change the current screen draws the state, the others are
 * hidden, and the header follows. A new screen (server setup, first run…) is a name in store.ts's
 * ScreenName, an element in index.html, and an entry in `screens` below whose `draw` renders a view from
 * views/; `actions.show(name)` opens it, and its first field takes focus. A new part of the session list
 * (time left on a card, say) is a view function in views/ called from views/sessions.ts or share-card.ts.
 */
import type { Actions } from './actions.ts';
import { FocusKeeper, focusFirstField, installKeys } from './focus.ts';
import { nextTimeLeftChange, statusLine } from './format.ts';
import { patch } from './patch.ts';
import type { PopoverState, ScreenName, Store } from './store.ts';
import type { BuiltView } from './views/controls.ts';
import { preferencesView } from './views/preferences.ts';
import { serverView } from './views/server.ts';
import { sessionsView } from './views/sessions.ts';
import { shareOptionsView } from './views/share-options.ts';

interface Screen {
  /** The element it draws into; shown only while it is the current screen. */
  readonly element: HTMLElement;
  /** Draws `state` into `element`; called on every change while the screen shows. */
  draw(state: PopoverState, actions: Actions): void;
}

/**
 * Drawn afresh on every change and patched in place (patch.ts): only what changed is touched. Focus on a
 * control that went away (Share, once its row became a card) is carried over by FocusKeeper.
 */
function sessionsScreen(element: HTMLElement): Screen {
  const focus = new FocusKeeper();
  return {
    element,
    draw(state, actions) {
      const kept = focus.capture(element);
      patch(element, sessionsView(state, actions));
      focus.restore(element, kept);
    },
  };
}

/**
 * Built once per opening (what is typed survives), then updated. `build` returns undefined while the
 * screen has nothing to be built from yet (no snapshot).
 */
function builtScreen(
  element: HTMLElement,
  build: (state: PopoverState, actions: Actions) => BuiltView | undefined,
): Screen {
  let built: { opened: number; view: BuiltView } | undefined;
  return {
    element,
    draw(state, actions) {
      if (built?.opened !== state.opened) {
        const view = build(state, actions);
        if (view) {
          built = { opened: state.opened, view };
          element.replaceChildren(...view.children);
        }
      }
      built?.view.update(state);
    },
  };
}

/**
 * Redraws the cards when a time left next reads differently, only while such a card shows and the popover
 * is visible: a hidden popover, or one without an ending share, runs no timer at all.
 */
function timeLeftTicker(redraw: () => void): (state: PopoverState) => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (state) => {
    clearTimeout(timer);
    timer = undefined;
    if (state.screen !== 'sessions' || document.visibilityState !== 'visible') return;
    const now = Date.now();
    const ends = (state.snapshot?.shares ?? [])
      .filter((share) => share.endsAt !== null && (share.state === 'sharing' || share.state === 'reconnecting'))
      .map((share) => nextTimeLeftChange(share.endsAt!, now));
    if (ends.length > 0) timer = setTimeout(redraw, Math.min(...ends));
  };
}

function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`index.html has no #${id}`);
  return element as T;
}

export function mountApp(store: Store, actions: Actions, hide: () => void): void {
  const screens: Record<ScreenName, Screen> = {
    sessions: sessionsScreen(byId('content')),
    preferences: builtScreen(
      byId('prefs'),
      (state, actions) => state.snapshot && preferencesView(state.snapshot.prefs, actions),
    ),
    server: builtScreen(byId('server'), (state, actions) => serverView(state, actions)),
    'share-options': builtScreen(byId('share-options'), (state, actions) =>
      state.snapshot && state.subject ? shareOptionsView(state.subject, state.snapshot.prefs, actions) : undefined,
    ),
  };
  const tick = timeLeftTicker(() => render());
  const prefsButton = byId<HTMLButtonElement>('prefs-toggle');
  const refreshButton = byId<HTMLButtonElement>('refresh');
  const status = byId('status');
  let seenOpened = store.state.opened;

  function render(): void {
    const { state } = store;
    const current = screens[state.screen];
    for (const screen of Object.values(screens)) screen.element.hidden = screen !== current;
    current.draw(state, actions);

    const prefsOpen = state.screen === 'preferences';
    prefsButton.setAttribute('aria-expanded', String(prefsOpen));
    prefsButton.lastChild!.textContent = prefsOpen ? 'Done' : 'Preferences';
    const line = statusLine(state.snapshot?.shares ?? []);
    status.textContent = line.text;
    status.className = line.tone ? `status ${line.tone}` : 'status';
    // Which snapshot is on screen (for tests and for anyone inspecting the popover).
    document.body.dataset.version = String(state.snapshot?.version ?? 0);

    if (state.opened !== seenOpened) focusFirstField(current.element);
    seenOpened = state.opened;
    tick(state);
  }

  store.subscribe(render);
  installKeys({ hide, screen: () => screens[store.state.screen].element });
  refreshButton.addEventListener('click', () => {
    refreshButton.classList.add('spinning');
    void actions.load().finally(() => refreshButton.classList.remove('spinning'));
  });
  prefsButton.addEventListener('click', () =>
    actions.show(store.state.screen === 'preferences' ? 'sessions' : 'preferences'),
  );

  /**
   * The tray's "Preferences…" opens the popover with `#preferences` in its fragment. The fragment is cleared
   * once obeyed, so choosing it again after closing Preferences changes the hash again and is heard again.
   */
  const obeyFragment = () => {
    if (location.hash !== '#preferences') return;
    history.replaceState(null, '', location.pathname + location.search);
    actions.show('preferences');
  };
  window.addEventListener('hashchange', obeyFragment);
  document.addEventListener('visibilitychange', render);
  obeyFragment();
}
