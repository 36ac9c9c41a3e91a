/**
 * The user's whole flow in the popover, with everything behind it real (see test/support/ui-harness.ts):
 * open → sessions → Share → links → Copy → a pair joins → End pair.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { benchPopoverOpen, openPopover } from '../support/ui-harness.ts';
import { LINKS, textOf, waitForText, waitGone, World } from './helpers.ts';

let world: World;

beforeEach(async () => {
  // tmate.io's behaviour: the flow shows four links and a pair joining, which a bare server never reports.
  world = await World.create({ mode: 'tmate.io' });
});

afterEach(async () => {
  await world.dispose();
});

test("open → sessions → Share → links → Copy → a pair joins → End pair, and the user's session lives on", async () => {
  const { sandbox, server } = world;
  const id = sandbox.newSession('work', 'default', 'sh');
  sandbox.tmux(['new-window', '-d', '-t', `${id}:`]);
  sandbox.tmux(['send-keys', '-t', `${id}:0`, 'echo USER-SESSION-MARKER', 'Enter']);
  sandbox.newSession('notes');
  sandbox.newSession('api', 'second');
  world.attachUserTerminal(id);
  await sandbox.waitForClients(id, 1);
  const userClients = sandbox.clientsOf(id);

  // The popover opens and pulls the state, then refreshes it.
  const popover = (world.popover = await openPopover({ sandbox }));
  const { page } = popover;
  assert.deepEqual(
    popover.invocations.slice(0, 2).map((call) => call.channel),
    ['pairbar:get-state', 'pairbar:refresh'],
  );

  // Sessions visible: name, windows, attached/detached, the server label when not the default.
  await popover.sessionRow('work').waitFor();
  assert.equal(await textOf(popover.sessionRow('work').locator('.row-meta')), '2 windows · attached');
  assert.equal(await textOf(popover.sessionRow('notes').locator('.row-meta')), '1 window · detached');
  assert.equal(await textOf(popover.sessionRow('api').locator('.row-meta')), '1 window · detached');
  assert.equal(
    await textOf(popover.sessionRow('api').locator('.tag')),
    'second',
    'the server label, not the default server',
  );
  assert.equal(await popover.sessionRow('work').locator('.tag').count(), 0);
  assert.ok(await page.getByRole('button', { name: 'Share a new terminal' }).isVisible());
  await popover.screenshot('sessions');

  // Shown again (hidden and re-shown, no reload): it pulls again and sees a session made meanwhile.
  sandbox.newSession('later');
  await popover.reshow();
  await popover.sessionRow('later').waitFor();
  sandbox.tmux(['kill-session', '-t', 'later']);
  await popover.reshow();
  await waitGone(popover.sessionRow('later'));

  // Share.
  await page.getByRole('button', { name: 'Share work' }).click();
  const host = await server.nextConnection();
  const card = popover.shareCard('work');
  await waitForText(card.locator('.pill'), 'Live');
  assert.equal(await card.getAttribute('aria-busy'), 'false');
  assert.equal(await popover.sessionRow('work').count(), 0, 'the shared session shows its share instead of its row');

  // The links are the server's, each labelled, each with a Copy button.
  const expected = {
    ssh: host.links.ssh,
    sshReadOnly: host.links.sshReadOnly,
    web: host.links.web,
    webReadOnly: host.links.webReadOnly,
  };
  assert.deepEqual(
    await card.locator('.link-label').allTextContents(),
    LINKS.map(([, label]) => label),
  );
  assert.deepEqual(
    await card.locator('.link-value').allTextContents(),
    LINKS.map(([kind]) => expected[kind]),
  );
  assert.equal(await textOf(card.locator('.presence .count')), 'No one has joined yet');
  await waitForText(page.locator('#announce'), 'Sharing work: the links are ready.');
  await popover.screenshot('sharing');

  // Copy: the text that reached (the stand-in for) Electron's clipboard is the link, and "Copied" shows.
  for (const [kind, label] of LINKS) {
    const copy = page.getByRole('button', { name: `Copy ${label} link for work` });
    await copy.click();
    await waitForText(copy, 'Copied');
    assert.equal(popover.clipboardWrites.at(-1), expected[kind], `${label} copied`);
    await waitForText(page.locator('#announce'), `${label} link copied.`);
  }
  assert.equal(popover.clipboardWrites.length, 4);
  // The confirmation reverts after about 1.5 s.
  const ssh = page.getByRole('button', { name: 'Copy SSH link for work' });
  const copiedAt = Date.now();
  await ssh.click();
  await waitForText(ssh, 'Copied');
  await waitForText(ssh, 'Copy', 5000);
  const shown = Date.now() - copiedAt;
  assert.ok(shown >= 1200 && shown < 4000, `"Copied" was shown for ${shown} ms`);

  // A pair joins: the count and the join appear.
  host.pairJoin('203.0.113.7');
  await waitForText(card.locator('.presence .count'), '1 pair connected');
  assert.match(await textOf(card.locator('.presence .event')), /^Joined \d{1,2}:\d{2}\s?[AP]M from 203\.0\.113\.7$/);
  await waitForText(page.locator('#announce'), 'A pair joined work.');
  assert.match(await textOf(page.locator('#status')), /Sharing 1 session · 1 pair/);
  await popover.screenshot('pair-joined');

  host.pairLeave('203.0.113.7');
  await waitForText(card.locator('.presence .count'), 'No pair connected');
  assert.match(await textOf(card.locator('.presence .event')), /^Left .+ from 203\.0\.113\.7$/);

  // End pair: the share is gone, the session and the user's own client stay.
  await page.getByRole('button', { name: 'End pair on work' }).click();
  await host.closed;
  await popover.sessionRow('work').waitFor();
  await waitGone(popover.shareCard('work'));
  assert.deepEqual(popover.state.snapshot().shares, []);
  assert.deepEqual(sandbox.clientsOf(id), userClients, "the user's own client is still attached");
  assert.ok(sandbox.tmux(['list-sessions', '-F', '#{session_name}']).split('\n').includes('work'));
  assert.ok(sandbox.capture(`${id}:0`).includes('USER-SESSION-MARKER'), 'the session lives on');
  assert.deepEqual(sandbox.tmatePids(), [], 'no tmate left');
  await waitForText(page.locator('#status'), 'Not sharing');

  assert.deepEqual(popover.errors, [], 'no page errors or CSP violations');
  assert.deepEqual(popover.dialogs, []);
  assert.ok(
    popover.invocations.every((call) => call.trusted),
    'every call came from the popover',
  );
});

test('a pushed snapshot older than the one shown is ignored', async () => {
  const popover = await world.openOn('work');
  await popover.sessionRow('work').waitFor();
  const stale = { ...popover.state.snapshot(), sessions: [], version: 1 };
  await popover.page.evaluate(
    (payload) => window.__pairbarDeliver?.('pairbar:state', payload),
    JSON.stringify([stale]),
  );
  // A newer push for comparison is applied.
  const current = popover.state.snapshot();
  const newer = {
    ...current,
    sessions: [...current.sessions, { ...current.sessions[0]!, name: 'pushed', windows: 3 }],
    version: current.version + 1,
  };
  await popover.page.evaluate(
    (payload) => window.__pairbarDeliver?.('pairbar:state', payload),
    JSON.stringify([newer]),
  );
  await popover.sessionRow('pushed').waitFor();
  assert.equal(await popover.sessionRow('work').count(), 1, 'the stale push did not empty the list');
});

test('the warm-open benchmark helper runs and reports both paths', async () => {
  const result = await benchPopoverOpen({ runs: 3, warmup: 1 });
  for (const path of ['reshow', 'reload'] as const) {
    assert.equal(result[path].samples.length, 3, path);
    assert.ok(result[path].median > 0 && result[path].median < 5000, `${path}: ${result[path].median} ms`);
  }
});
