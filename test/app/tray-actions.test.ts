/**
 * The tray's actions (main/app/tray-actions.ts) run against the real AppState over the real core: real tmux, real
 * tmate, the test tmate server. Electron's clipboard and dialog are the smallest stand-ins that record what
 * the action did with them, since Electron cannot run here.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { createTrayActions, type RunAction } from '../../main/app/tray-actions.ts';
import { AppState } from '../../main/app/app-state.ts';
import { Sandbox, startServer, waitFor } from '../support/sandbox.ts';
import type { TestTmateServer } from '../support/tmate-server.ts';

let sandbox: Sandbox;
let server: TestTmateServer;
let state: AppState;
let run: RunAction;
let clipboard: string[];
let dialogs: { type?: string; message: string; detail?: string }[];
let shown: (string | undefined)[];
let quits: number;

beforeEach(async () => {
  sandbox = await Sandbox.create();
  server = await startServer();
  await sandbox.useServer(server);
  const runtime = sandbox.runtime();
  clipboard = [];
  // The app hands AppState and the tray the same clipboard: Copy on share writes through AppState.
  state = new AppState(runtime, { writeClipboard: async (text: string) => void clipboard.push(text) });
  dialogs = [];
  shown = [];
  quits = 0;
  run = createTrayActions({
    state,
    popover: { show: (view) => void shown.push(view) },
    clipboard: { writeText: async (text: string) => void clipboard.push(text) },
    dialog: {
      showMessageBox: async (options: { type?: string; message: string; detail?: string }) => (
        dialogs.push(options),
        { response: 0, checkboxChecked: false }
      ),
    } as never,
    quit: () => void quits++,
  });
});

afterEach(async () => {
  await state.runtime.shares.stopAll();
  state.runtime.shares.close();
  await sandbox.dispose();
  await server.close();
});

describe("the tray's actions", () => {
  test('Copy on share: off by default, nothing is copied; on, the share.copyLink link is copied when the share is ready, and again after New links', async () => {
    sandbox.newSession('work');
    sandbox.newSession('docs');
    await state.refresh();
    const [work, docs] = ['work', 'docs'].map((name) => state.snapshot().sessions.find((item) => item.name === name)!);
    await run({ kind: 'share', session: work!.name, socket: work!.socket });
    await server.nextConnection();
    assert.deepEqual(clipboard, [], "off by default: the clipboard is the user's");

    await sandbox.setPrefs({ 'share.copyOnShare': true, 'share.copyLink': 'sshReadOnly' });
    await run({ kind: 'share', session: docs!.name, socket: docs!.socket });
    const host = await server.nextConnection();
    assert.deepEqual(clipboard, [host.links.sshReadOnly], 'the read-only link, as share.copyLink says');

    const shared = state.snapshot().shares.find((item) => item.session === 'docs')!;
    await run({ kind: 'rotate', shareId: shared.id });
    const fresh = await server.nextConnection();
    assert.deepEqual(clipboard, [host.links.sshReadOnly, fresh.links.sshReadOnly], 'New links copies the new one');

    // A kind this server does not give (web, on a bare server) copies nothing rather than another link.
    await sandbox.setPrefs({ 'share.copyLink': 'web' });
    const again = state.snapshot().shares.find((item) => item.session === 'docs')!;
    await run({ kind: 'rotate', shareId: again.id });
    await server.nextConnection();
    assert.equal(clipboard.length, 2);
    assert.deepEqual(dialogs, []);
  });

  test("share, copy the snapshot's own link, stop: the share ends and no tmate is left; no dialog", async () => {
    sandbox.newSession('work');
    await state.refresh();
    const session = state.snapshot().sessions.find((item) => item.name === 'work');
    assert.ok(session);
    await run({ kind: 'share', session: session.name, socket: session.socket });
    await server.nextConnection();
    const share = await waitFor('sharing', () =>
      state.snapshot().shares.find((item) => item.session === 'work' && item.state === 'sharing'),
    );

    await run({ kind: 'copy', shareId: share.id, link: 'ssh' });
    assert.deepEqual(clipboard, [share.links.ssh]);
    await run({ kind: 'copy', shareId: 'ffffffff', link: 'ssh' });
    assert.equal(clipboard.length, 1, 'a share id not in the snapshot copies nothing');

    await run({ kind: 'stop', shareId: share.id });
    assert.deepEqual(state.snapshot().shares, []);
    assert.deepEqual(sandbox.tmatePids(), []);
    assert.deepEqual(dialogs, []);
  });

  test('a session that is gone by the time it is chosen: an error dialog with what happened and the fix', async () => {
    sandbox.newSession('work');
    // Another session keeps the tmux server running once work is gone.
    sandbox.newSession('other');
    await state.refresh();
    const session = state.snapshot().sessions.find((item) => item.name === 'work');
    assert.ok(session);
    sandbox.tmux(['kill-session', '-t', 'work']);
    await run({ kind: 'share', session: session.name, socket: session.socket });
    assert.equal(dialogs.length, 1);
    assert.equal(dialogs[0]?.type, 'error');
    assert.match(dialogs[0]?.message ?? '', /work/);
    assert.ok((dialogs[0]?.detail ?? '').length > 0, 'the dialog says what to do');
    assert.deepEqual(sandbox.tmatePids(), []);
  });

  test('a share that fails to start is shown by the snapshot (menu, popover, notification), not by a dialog too', async () => {
    await sandbox.useServer(server, 10, 'test', 'SHA256:' + 'A'.repeat(43));
    sandbox.newSession('work');
    await state.refresh();
    const session = state.snapshot().sessions.find((item) => item.name === 'work');
    assert.ok(session);
    await run({ kind: 'share', session: session.name, socket: session.socket });
    const failed = state.snapshot().shares.find((item) => item.session === 'work');
    assert.equal(failed?.state, 'failed');
    assert.equal(failed?.error?.code, 'FINGERPRINT_MISMATCH');
    assert.deepEqual(dialogs, []);
  });

  test('stopping a share that has already ended: an error dialog', async () => {
    await run({ kind: 'stop', shareId: 'ffffffff' });
    assert.equal(dialogs.length, 1);
    assert.equal(dialogs[0]?.type, 'error');
  });

  test('open, preferences and quit go to the popover and the app', async () => {
    await run({ kind: 'open' });
    await run({ kind: 'preferences' });
    await run({ kind: 'quit' });
    assert.deepEqual(shown, [undefined, 'preferences']);
    assert.equal(quits, 1);
  });
});
