/**
 * The popover's other states, each against the real core: a self-hosted server, a share starting, a share
 * failing (and Retry, and Dismiss), no tmux server, tmate missing, a bad preferences file.
 */
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { installCommand } from '../../main/core/errors.ts';
import { waitFor } from '../support/sandbox.ts';
import { removeServer } from '../../main/prefs/servers.ts';
import { openPrefsStore } from '../../main/prefs/prefs-store.ts';
import { openPopover } from '../support/ui-harness.ts';
import { textOf, waitForText, waitGone, World } from './helpers.ts';

let world: World | undefined;

afterEach(async () => {
  await world?.dispose();
  world = undefined;
});

/** A world whose session `work` has been shared from the popover and is Live. */
async function shareWorkLive(options?: Parameters<typeof World.create>[0]) {
  world = await World.create(options);
  const popover = await world.openOn('work');
  await popover.page.getByRole('button', { name: 'Share work' }).click();
  const host = await world.server.nextConnection();
  const card = popover.shareCard('work');
  await waitForText(card.locator('.pill'), 'Live');
  return { popover, host, card };
}

test('a self-hosted server (the default): the ssh links only, no web links, and "Nobody is in" with what this server cannot say', async () => {
  const { popover, host, card } = await shareWorkLive();
  assert.deepEqual(await card.locator('.link-label').allTextContents(), ['SSH', 'SSH read-only']);
  assert.deepEqual(await card.locator('.link-value').allTextContents(), [host.links.ssh, host.links.sshReadOnly]);
  assert.equal(await popover.page.getByRole('button', { name: /^Copy Web/ }).count(), 0);
  assert.equal(
    await textOf(card.locator('.presence .count')),
    'Nobody is in',
    'no count where the server gives none: the watcher says whether someone is in',
  );
  assert.equal(
    await textOf(card.locator('.presence .event')),
    "This server doesn't say who joins; Pairbar sees whether someone is in.",
  );
  await popover.screenshot('self-hosted');
});

test('a dropped connection shows Reconnecting… as progress, then Live again with the same links', async () => {
  const { popover, host, card } = await shareWorkLive({ mode: 'tmate.io' });
  const { server } = world!;
  host.drop();
  await waitForText(card.locator('.pill'), 'Reconnecting…');
  assert.equal(await card.getAttribute('aria-busy'), 'true');
  assert.equal(await textOf(card.locator('.progress')), `Connection lost. Reconnecting to 127.0.0.1:${server.port}…`);
  await waitForText(popover.page.locator('#announce'), 'Connection lost for work; reconnecting.');
  await popover.screenshot('reconnecting');
  const again = await server.nextConnection(15_000);
  assert.equal(again.reconnected, true);
  await waitForText(card.locator('.pill'), 'Live', 15_000);
  assert.equal(await card.getAttribute('aria-busy'), 'false');
  assert.equal(await card.locator('.link-value').first().textContent(), host.links.ssh);
});

test('starting shows progress; a server that never gets ready fails; Dismiss removes the failed share', async () => {
  world = await World.create({ sayReady: false, readyTimeoutSeconds: 4 });
  const { server } = world;
  const popover = await world.openOn('work');
  const { page } = popover;
  await page.getByRole('button', { name: 'Share work' }).click();
  const card = popover.shareCard('work');
  await waitForText(card.locator('.pill'), 'Starting…');
  assert.equal(await card.getAttribute('aria-busy'), 'true');
  assert.equal(await textOf(card.locator('.progress')), `Connecting to 127.0.0.1:${server.port}…`);
  assert.equal(await card.getByRole('button').count(), 0, 'nothing to press while it starts');
  await popover.screenshot('starting');

  await waitForText(card.locator('.pill'), 'Failed', 15_000);
  assert.match(
    await textOf(card.locator('.note-message')),
    new RegExp(`127\\.0\\.0\\.1:${server.port} accepted the connection but gave no share links within 4 s`),
  );
  await page.getByRole('button', { name: 'Dismiss work' }).click();
  await popover.sessionRow('work').waitFor();
  await waitGone(card);
  assert.deepEqual(popover.state.snapshot().shares, []);
});

test('a refused connection fails with host:port and the fix; Retry works once the server is back', async () => {
  world = await World.create({ readyTimeoutSeconds: 2 });
  const { sandbox, server } = world;
  sandbox.newSession('work');
  await server.setRefusing(true);
  const popover = (world.popover = await openPopover({ sandbox }));
  const { page } = popover;
  await page.getByRole('button', { name: 'Share work' }).click();
  const card = popover.shareCard('work');
  await waitForText(card.locator('.pill'), 'Failed', 15_000);
  assert.equal(await card.getAttribute('aria-busy'), 'false');
  const message = await textOf(card.locator('.note-message'));
  assert.match(message, new RegExp(`^The tmate server 127\\.0\\.0\\.1:${server.port} refused the connection`));
  assert.match(await textOf(card.locator('.note-fix')), /^Check that tmate-ssh-server is running there/);
  assert.equal(await card.getByRole('alert').count(), 1);
  await waitForText(page.locator('#announce'), /^Could not share work: The tmate server .* refused the connection/);
  // The failure is shown once, on the card, not also under a row.
  assert.equal(await page.locator('.note.error').count(), 1);
  await popover.screenshot('failed');

  await server.setRefusing(false);
  await page.getByRole('button', { name: 'Retry sharing work' }).click();
  const host = await server.nextConnection();
  await waitForText(card.locator('.pill'), 'Live', 15_000);
  assert.equal(await card.locator('.link-value').first().textContent(), host.links.ssh);
  assert.equal(await page.locator('.note.error').count(), 0, 'the error is gone');
  assert.deepEqual(popover.errors, []);
});

test('tmate killed while sharing: the card says the share ended and why, at once; the screen reader hears it; Retry shares again', async () => {
  const { popover, card } = await shareWorkLive();
  const { page } = popover;
  const [pid] = world!.sandbox.tmatePids();
  process.kill(pid!, 'SIGKILL');
  await waitForText(card.locator('.pill'), 'Failed', 5_000);
  assert.match(
    await textOf(card.locator('.note-message')),
    /^tmate stopped unexpectedly: it was killed \(SIGKILL\) while sharing "work"/,
  );
  await waitForText(page.locator('#announce'), /^Sharing work ended: tmate stopped unexpectedly/);
  assert.equal(await card.locator('.link-value').count(), 0, 'the dead links are no longer offered');
  await page.getByRole('button', { name: 'Retry sharing work' }).click();
  const host = await world!.server.nextConnection();
  await waitForText(card.locator('.pill'), 'Live', 15_000);
  assert.equal(await card.locator('.link-value').first().textContent(), host.links.ssh);
  assert.deepEqual(popover.errors, []);
});

test("Cancel while the share is starting (the tray's Cancel Sharing): the card goes, no error is shown, the session can be shared again", async () => {
  world = await World.create({ sayReady: false, readyTimeoutSeconds: 60 });
  const popover = await world.openOn('work');
  const { page } = popover;
  await page.getByRole('button', { name: 'Share work' }).click();
  const card = popover.shareCard('work');
  await waitForText(card.locator('.progress'), /^Connecting to/);
  const [starting] = popover.state.snapshot().shares;
  assert.equal(starting?.state, 'starting');
  // What the tray's "Cancel Sharing" item does.
  assert.ok((await popover.state.stop(starting.id)).ok);
  await waitGone(card);
  await waitForText(page.locator('#announce'), 'Stopped sharing work.');
  assert.equal(await page.locator('.note.error').count(), 0, 'a cancel the user asked for is not an error');
  assert.equal(await page.getByRole('button', { name: 'Share work' }).isEnabled(), true);
  await waitFor('no tmate left', () => world!.sandbox.tmatePids().length === 0);
  assert.deepEqual(popover.errors, []);
});

test('the tmux server killed: the card says the tmux server stopped, with the fix; Dismiss clears it', async () => {
  const { popover, card } = await shareWorkLive();
  const { page } = popover;
  const tmuxPid = Number(world!.sandbox.tmux(['display-message', '-p', '#{pid}']).trim());
  process.kill(tmuxPid, 'SIGKILL');
  await waitForText(card.locator('.pill'), 'Failed', 5_000);
  assert.match(await textOf(card.locator('.note-message')), /^The tmux server holding "work" is no longer running/);
  assert.match(await textOf(card.locator('.note-fix')), /^Start tmux again/);
  await page.getByRole('button', { name: 'Dismiss work' }).click();
  await waitGone(card);
  await waitFor('no tmate left', () => world!.sandbox.tmatePids().length === 0);
  assert.deepEqual(popover.errors, []);
});

test('an action that fails is reported with its fix, even when its row is gone', async () => {
  world = await World.create();
  const { sandbox } = world;
  sandbox.newSession('work');
  sandbox.newSession('gone');
  const popover = (world.popover = await openPopover({ sandbox }));
  const { page } = popover;
  await popover.sessionRow('gone').waitFor();
  sandbox.tmux(['kill-session', '-t', 'gone']); // closed in a terminal while the popover shows it
  await page.getByRole('button', { name: 'Share gone' }).click();
  const note = page.locator('.note.error');
  await waitForText(
    note.locator('.note-message'),
    'There is no tmux session named "gone" (it may have been closed or renamed).',
  );
  assert.match(await textOf(note.locator('.note-fix')), /pairbar sessions/);
  await waitForText(page.locator('#announce'), /^Could not share gone: There is no tmux session named "gone"/);
  await waitGone(popover.sessionRow('gone'));
  await page.getByRole('button', { name: 'Dismiss this error' }).click();
  await waitGone(note);
  await popover.sessionRow('work').waitFor();
  assert.deepEqual(sandbox.tmatePids(), []);
});

test('no tmux server: says how to start one, and sharing a new terminal works', async () => {
  world = await World.create();
  const { sandbox, server } = world;
  const popover = (world.popover = await openPopover({ sandbox }));
  const { page } = popover;
  const empty = page.locator('[data-problem="NO_TMUX_SERVER"]');
  await empty.waitFor();
  assert.equal(
    await textOf(empty.locator('.empty-title')),
    'No tmux server is running, so there is no session to share.',
  );
  assert.deepEqual(await empty.locator('code').allTextContents(), ['tmux new -s work']);
  const blank = page.getByRole('button', { name: 'Share a new terminal' });
  assert.ok(await blank.isVisible());
  assert.equal(await page.locator('.session-row').count(), 0);
  await popover.screenshot('no-server');

  await blank.click();
  const host = await server.nextConnection();
  const card = popover.shareCard('pair');
  await waitForText(card.locator('.pill'), 'Live');
  assert.equal(await textOf(card.locator('.row-meta')), 'New terminal');
  assert.equal(await card.locator('.link-value').first().textContent(), host.links.ssh);
  await page.getByRole('button', { name: 'End pair on pair' }).click();
  await host.closed;
  await popover.sessionRow('pair').waitFor();
  assert.ok(
    sandbox.tmux(['list-sessions', '-F', '#{session_name}']).split('\n').includes('pair'),
    'the new terminal stays for the user',
  );
});

test('tmate missing: the install command is shown, Copy puts it on the clipboard, and Check again recovers once it is fixed', async () => {
  world = await World.create();
  const { sandbox } = world;
  sandbox.newSession('work');
  await sandbox.setPrefs({ 'tmate.path': join(sandbox.root, 'no', 'tmate') });
  const popover = (world.popover = await openPopover({ sandbox }));
  const { page } = popover;
  const empty = page.locator('[data-problem="TMATE_MISSING"]');
  await empty.waitFor();
  assert.equal(
    await textOf(empty.locator('.empty-title')),
    `The configured tmate path "${join(sandbox.root, 'no', 'tmate')}" does not exist.`,
  );
  assert.match(await textOf(empty.locator('.empty-text')), /pairbar config set tmate\.path/);
  const command = installCommand('tmate').split('   ')[0]!;
  assert.equal(await textOf(empty.locator('.command-text')), command);
  assert.equal(
    await page.getByRole('button', { name: 'Share a new terminal' }).count(),
    0,
    'nothing can be shared without tmate',
  );
  const copyButton = page.getByRole('button', { name: `Copy the command ${command}` });
  await copyButton.click();
  await waitFor('the copy', () => popover.clipboardWrites.length === 1);
  assert.deepEqual(popover.clipboardWrites, [command], 'copied through the main process, exactly the command shown');
  await waitForText(copyButton, 'Copied');
  await popover.screenshot('tmate-missing');

  await sandbox.setPrefs({ 'tmate.path': '' });
  await page.getByRole('button', { name: 'Check again' }).click();
  await popover.sessionRow('work').waitFor();
  await waitGone(empty);
});

test('a bad value in the preferences file is reported, and the sessions still work', async () => {
  world = await World.create();
  const { sandbox } = world;
  sandbox.newSession('work');
  const file = join(sandbox.env.PAIRBAR_CONFIG_DIR!, 'preferences.json');
  writeFileSync(
    file,
    JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), 'notifications.pairJoined': 'maybe' }),
  );
  const popover = (world.popover = await openPopover({ sandbox }));
  const { page } = popover;
  const banner = page.locator('[data-problem="INVALID_PREFERENCE"]');
  await banner.waitFor();
  assert.match(
    await textOf(banner.locator('.note-message')),
    /notifications\.pairJoined in .*preferences\.json is invalid \(expected true or false\)/,
  );
  await popover.sessionRow('work').waitFor();
  await popover.screenshot('invalid-preferences');
  await page.getByRole('button', { name: 'Open Preferences' }).click();
  await page.locator('#prefs').waitFor();
});

test('no tmate server chosen: the popover opens on choosing one; behind it a banner says so with the command, and Share says a server is needed', async () => {
  world = await World.create();
  const { sandbox } = world;
  removeServer(openPrefsStore(sandbox.env), 'test');
  const popover = await world.openOn('work');
  const { page } = popover;
  await waitForText(page.locator('#server h2'), 'Choose a tmate server');
  await page.getByRole('button', { name: 'Not now' }).click();
  const banner = page.locator('[data-problem="NO_SERVER_CHOSEN"]');
  await banner.waitFor();
  assert.match(
    await textOf(banner.locator('.note-message')),
    /^No tmate server chosen: tmate\.io's public servers shut down in 2025/,
  );
  assert.match(await textOf(banner.locator('.note-fix')), /pairbar server add NAME HOST\[:PORT\]/);
  await page.getByRole('button', { name: 'Share work: choose a tmate server first' }).click();
  await page.locator('#server').waitFor();
  await page.getByRole('button', { name: 'Not now' }).click();
  await banner.getByRole('button', { name: 'Choose a tmate server' }).click();
  await page.locator('#server').waitFor();
  assert.deepEqual(popover.state.snapshot().shares, []);
  assert.deepEqual(sandbox.tmatePids(), []);
});
