/**
 * AppState.refresh() against real tmux: a refresh asked while another runs is answered with what tmux says
 * after it was asked, not with the answer of the one already running (which may have listed the sessions
 * before the caller made one: a ui test under load found the popover's Refresh missing a new session).
 */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { AppState } from '../../main/app/app-state.ts';
import { Sandbox } from '../support/sandbox.ts';

let sandbox: Sandbox | undefined;

afterEach(async () => {
  await sandbox?.dispose();
  sandbox = undefined;
});

test('a refresh asked while one runs answers with a listing made after it was asked, which has the session made meanwhile', async () => {
  sandbox = await Sandbox.create();
  const state = new AppState(sandbox.runtime());
  sandbox.newSession('work');
  const running = state.refresh();
  sandbox.newSession('play');
  const asked = state.refresh();
  const [first, second] = await Promise.all([running, asked]);
  assert.ok(second.version > first.version, `a listing of its own (versions ${first.version}, ${second.version})`);
  assert.deepEqual(second.sessions.map((session) => session.name).sort(), ['play', 'work']);
  // All who ask while one runs share one more listing; nothing runs on after it.
  const [, fifth, sixth] = await Promise.all([state.refresh(), state.refresh(), state.refresh()]);
  assert.equal(sixth.version, fifth.version);
  assert.equal(state.snapshot().version, fifth.version);
});
