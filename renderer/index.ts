/**
 * The popover's entry: it talks only to `window.pairbar` (the preload's typed API). It pulls the snapshot
 * when it opens or becomes visible and applies every newer push; app.ts draws whatever the store holds.
 */
import type { PairbarApi } from '../main/contract.ts';
import { createActions } from './actions.ts';
import { mountApp } from './app.ts';
import { liveRegion } from './live-region.ts';
import { Store } from './store.ts';

declare global {
  interface Window {
    pairbar: PairbarApi;
  }
}

const api = window.pairbar;
const store = new Store();
const announcer = document.getElementById('announce');
if (!announcer) throw new Error('index.html has no #announce');
const actions = createActions(api, store, liveRegion(announcer));

mountApp(store, actions, () => void api.hide());
api.onState(actions.receive);
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') void actions.load();
});
void actions.load();
