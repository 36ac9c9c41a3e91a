/**
 * The share card's words for who gets in, against the real core and the test tmate server: what each link
 * grants and which one Copy gives first (share.copyLink), a share started with its own keys and auto-end
 * (who may join, why there are no web links, the time left), New links, links the server changed after a
 * reconnect; and the sharing preferences, validated inline.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '../support/sandbox.ts';
import { PairKeys } from '../support/pair-ssh.ts';
import { PairAtTheKeyboard } from '../support/pair-tmux.ts';
import { openPopover } from '../support/ui-harness.ts';
import { textOf, waitForText, World } from './helpers.ts';

let world: World | undefined;
let keys: PairKeys | undefined;

afterEach(async () => {
  await world?.dispose();
  await keys?.dispose();
  world = keys = undefined;
});

test('each link says what it grants; share.copyLink puts its link first; a bare server says nobody is in, and that it does not say who joins', async () => {
  world = await World.create();
  const { sandbox, server } = world;
  await sandbox.setPrefs({ 'share.copyLink': 'sshReadOnly' });
  const popover = await world.openOn('work');
  const { page } = popover;
  await page.getByRole('button', { name: 'Share work', exact: true }).click();
  const host = await server.nextConnection();
  const card = popover.shareCard('work');
  await waitForText(card.locator('.pill'), 'Live');
  assert.deepEqual(await card.locator('.link-label').allTextContents(), ['SSH read-only', 'SSH']);
  assert.deepEqual(await card.locator('.grants').allTextContents(), ['can only watch', 'can type in your session']);
  assert.deepEqual(await card.locator('.link-value').allTextContents(), [host.links.sshReadOnly, host.links.ssh]);
  assert.equal(await textOf(card.locator('.presence .count')), 'Nobody is in');
  assert.equal(
    await textOf(card.locator('.presence .event')),
    "This server doesn't say who joins; Pairbar sees whether someone is in.",
  );
  assert.equal(await textOf(card.locator('.allowed')), 'Who may join: Anyone with a link');
  assert.equal(await card.locator('.no-web').count(), 0, 'no reason given where the keys are not why');
  assert.equal(await card.locator('.time-left').count(), 0, 'a share without an end shows no time');
  await popover.screenshot('link-grants');
  await page.getByRole('button', { name: 'End pair on work' }).click();
  await host.closed;
});

test('Options: a share with its own keys and auto-end shows who may join, why web links are missing, and the time left; New links replaces the links', async () => {
  world = await World.create();
  const { sandbox, server } = world;
  keys = await PairKeys.create();
  const pair = await keys.key('alice');
  const keysFile = join(sandbox.root, 'pair.keys');
  await writeFile(keysFile, `${pair.publicKey}\n`);
  await sandbox.setPrefs({ 'access.default': `file:${keysFile}`, 'share.endAfterMinutes': 30 });
  const popover = await world.openOn('work');
  const { page } = popover;

  await page.getByRole('button', { name: 'Options for sharing work' }).click();
  const who = page.getByRole('textbox', { name: 'Who may join' });
  assert.equal(await who.inputValue(), `file:${keysFile}`, "the preference's default is filled in");
  const ends = page.getByRole('combobox', { name: 'Ends by itself' });
  assert.equal(await ends.inputValue(), '30');
  await ends.selectOption({ label: '15 min' });
  await popover.screenshot('share-options');
  await page.getByRole('button', { name: 'Share work with these choices' }).click();

  const host = await server.nextConnection();
  const card = popover.shareCard('work');
  await waitForText(card.locator('.pill'), 'Live');
  assert.equal(await textOf(card.locator('.allowed')), 'Who may join: keys file · 1 key');
  assert.match(await textOf(card.locator('.no-web')), /^No web links: .* only listed keys may join\.$/);
  assert.match(await textOf(card.locator('.time-left')), /^Ends by itself · 1[45] min left$/);
  const share = popover.state.snapshot().shares[0]!;
  assert.deepEqual(share.allowed, [{ source: `file:${keysFile}`, keys: 1 }]);
  assert.ok(
    share.endsAt !== null &&
      share.endsAt - share.startedAt <= 15 * 60_000 + 5_000 &&
      share.endsAt - share.startedAt >= 15 * 60_000 - 5_000,
    'ends 15 min after it started',
  );
  await popover.screenshot('share-restricted');

  const before = host.links.ssh;
  await page.getByRole('button', { name: /^New links for work/ }).click();
  const again = await server.nextConnection();
  await host.closed;
  await waitForText(card.locator('.link-value').first(), again.links.ssh);
  assert.notEqual(again.links.ssh, before, 'the old links are gone');
  await waitForText(page.locator('#announce'), 'New links for work: the old ones no longer work.');
  assert.equal(
    await textOf(card.locator('.allowed')),
    'Who may join: keys file · 1 key',
    'the new links keep the same keys',
  );
  await page.getByRole('button', { name: 'End pair on work' }).click();
  await again.closed;
  assert.deepEqual(popover.errors, []);
});

test('links the server changed after a reconnect are marked "New links since HH:MM"', async () => {
  world = await World.create();
  const { server } = world;
  const popover = await world.openOn('work');
  const { page } = popover;
  await page.getByRole('button', { name: 'Share work', exact: true }).click();
  const host = await server.nextConnection();
  const card = popover.shareCard('work');
  await waitForText(card.locator('.pill'), 'Live');
  assert.equal(await card.locator('.links-changed').count(), 0, 'nothing to say before they change');
  host.drop();
  const again = await server.nextConnection(15_000);
  await waitForText(card.locator('.link-value').first(), again.links.ssh, 15_000);
  await waitForText(
    card.locator('.links-changed'),
    /^New links since \d{1,2}:\d{2}\s?(AM|PM) — the old ones no longer work$/,
  );
  await waitForText(page.locator('#announce'), 'New links for work: the old ones no longer work.');
  await popover.screenshot('links-changed');
  await page.getByRole('button', { name: 'End pair on work' }).click();
  await again.closed;
});

test('sharing preferences: who may join, what Copy gives, auto-end; a bad value is refused inline and not stored', async () => {
  world = await World.create();
  const popover = await world.openOn('work');
  const { page } = popover;
  const prefs = () => popover.runtime.prefs().prefs;
  await page.locator('#prefs-toggle').click();

  const who = page.getByRole('textbox', { name: 'Who may join' });
  await who.fill('github:-bad-');
  await who.press('Enter');
  const whoError = page.locator('#error-access-default');
  await waitForText(whoError, /github:-bad-/);
  assert.equal(await who.getAttribute('aria-invalid'), 'true');
  assert.equal(prefs()['access.default'], '', 'nothing stored');
  await who.fill('github:alice, gitlab:bob');
  await who.press('Enter');
  await waitFor('stored', () => prefs()['access.default'] === 'github:alice, gitlab:bob');
  await waitFor('error gone', async () => await whoError.isHidden());

  const minutes = page.getByRole('textbox', { name: 'End shares by themselves after (minutes)' });
  await minutes.fill('forever');
  await minutes.press('Enter');
  await waitForText(page.locator('#error-share-endAfterMinutes'), /expected a whole number from 0 to 10080/);
  assert.equal(prefs()['share.endAfterMinutes'], 0);
  await minutes.fill('45');
  await minutes.press('Enter');
  await waitFor('stored', () => prefs()['share.endAfterMinutes'] === 45);

  const copy = page.getByRole('combobox', { name: 'Copy gives' });
  assert.equal(await copy.inputValue(), 'ssh');
  await copy.selectOption('webReadOnly');
  await waitFor('stored', () => prefs()['share.copyLink'] === 'webReadOnly');
  await popover.screenshot('preferences-sharing');
  assert.deepEqual(popover.errors, []);
});

test('the time left counts down on the card by itself while it shows, with no new snapshot needed', async () => {
  world = await World.create();
  const { sandbox, server } = world;
  const popover = await world.openOn('work');
  const { page } = popover;
  const socket = sandbox.socket();
  const started = await page.evaluate(
    ({ socket }) => window.pairbar.share({ session: 'work', socket }, { endAfterMs: 40_000 }),
    { socket },
  );
  assert.equal(started.ok, true, JSON.stringify(started));
  const host = await server.nextConnection();
  const card = popover.shareCard('work');
  await waitForText(card.locator('.pill'), 'Live');
  // Two readings of the card under one snapshot version that differ: the card was redrawn by its own timer.
  const reading = () =>
    page.evaluate(() => `${document.body.dataset.version}|${document.querySelector('.time-left')?.textContent ?? ''}`);
  const counted = await waitFor(
    'the time left to change under one snapshot',
    async () => {
      const before = await reading();
      await sleep(1200);
      const after = await reading();
      const [v1, t1] = before.split('|');
      const [v2, t2] = after.split('|');
      return v1 === v2 && t1 !== t2 && /· \d+ s left$/.test(t2 ?? '') ? [t1, t2] : undefined;
    },
    15_000,
  );
  const [earlier, later] = counted.map((text) => Number(/(\d+) s left$/.exec(text ?? '')?.[1]));
  assert.ok(later! < earlier!, `counted down: ${counted.join(' → ')}`);
  await page.getByRole('button', { name: 'End pair on work' }).click();
  await host.closed;
});

test("the pair's terminal moved to a session that was never shared: the card says so when the popover opens, and End pair ends it", async () => {
  world = await World.create();
  const { sandbox, server } = world;
  const work = sandbox.newSession('work', 'default', 'sh');
  const secret = sandbox.newSession('secret', 'default', 'sh');
  const popover = (world.popover = await openPopover({ sandbox }));
  const { page } = popover;
  await page.getByRole('button', { name: 'Share work', exact: true }).click();
  const host = await server.nextConnection();
  const card = popover.shareCard('work');
  await waitForText(card.locator('.pill'), 'Live');
  assert.equal(await card.locator('.pair-away').count(), 0, 'no warning while the pair is on the shared session');
  await sandbox.waitForClients(work, 1);

  const [shared] = JSON.parse((await sandbox.cli(['status', '--json'])).stdout) as { id: string }[];
  await new PairAtTheKeyboard(sandbox.env, shared!.id).runsTmuxCommand('switch-client -t secret');
  await waitFor("the pair's client on secret", () => sandbox.clientsOf(secret).length === 1);

  await popover.reshow();
  await waitForText(
    card.locator('.pair-away .note-message'),
    "The pair's terminal is on another of your sessions, “secret”, which you never shared.",
  );
  assert.equal(await card.locator('.pair-away').getAttribute('role'), 'alert');
  await popover.screenshot('pair-elsewhere');
  await page.getByRole('button', { name: 'End pair on work' }).click();
  await host.closed;
  await waitFor('tmate gone', () => sandbox.tmatePids().length === 0);
  assert.deepEqual(sandbox.clientsOf(secret), [], "the pair's client went with tmate");
});

test('Copy on share: the popover copies the share.copyLink link once the share is ready, and the new one after New links', async () => {
  world = await World.create();
  const { sandbox, server } = world;
  await sandbox.setPrefs({ 'share.copyOnShare': true, 'share.copyLink': 'sshReadOnly' });
  const popover = await world.openOn('work');
  const { page } = popover;
  await page.getByRole('button', { name: 'Share work', exact: true }).click();
  const host = await server.nextConnection();
  await waitForText(popover.shareCard('work').locator('.pill'), 'Live');
  await waitFor('the read-only link copied', () => popover.clipboardWrites.length === 1);
  assert.deepEqual(popover.clipboardWrites, [host.links.sshReadOnly]);
  await page.getByRole('button', { name: /^New links for work/ }).click();
  const fresh = await server.nextConnection();
  await waitFor('the new link copied', () => popover.clipboardWrites.length === 2);
  assert.deepEqual(popover.clipboardWrites, [host.links.sshReadOnly, fresh.links.sshReadOnly]);
  await page.getByRole('button', { name: 'End pair on work' }).click();
  await fresh.closed;
});
