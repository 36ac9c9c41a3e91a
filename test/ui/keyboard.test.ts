/** The popover by keyboard, and its Preferences. */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { waitFor } from '../support/sandbox.ts';
import { openPopover } from '../support/ui-harness.ts';
import { textOf, waitForText, World } from './helpers.ts';

let world: World;

beforeEach(async () => {
  world = await World.create();
});

afterEach(async () => {
  await world.dispose();
});

test('keyboard: Up/Down move focus through the rows, Enter shares, Escape hides; the focus ring shows', async () => {
  const { sandbox, server } = world;
  sandbox.newSession('alpha');
  sandbox.newSession('beta');
  const popover = (world.popover = await openPopover({ sandbox }));
  const { page } = popover;
  await popover.sessionRow('beta').waitFor();
  const focused = () =>
    page.evaluate(
      () => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent?.trim() ?? '',
    );
  const press = async (key: string) => {
    await page.keyboard.press(key);
    return focused();
  };

  assert.equal(await press('ArrowDown'), 'Share alpha', 'the first Down lands on the first session');
  assert.equal(await press('ArrowDown'), 'Options for sharing alpha');
  assert.equal(await press('ArrowDown'), 'Share beta');
  assert.equal(await press('ArrowDown'), 'Options for sharing beta');
  assert.equal(await press('ArrowDown'), 'Share a new terminal');
  assert.equal(await press('ArrowDown'), 'Preferences');
  assert.equal(await press('ArrowUp'), 'Share a new terminal');
  assert.equal(await press('ArrowUp'), 'Options for sharing beta');
  assert.equal(await press('ArrowUp'), 'Share beta');
  const ring = await page.evaluate(() => {
    const style = getComputedStyle(document.activeElement!);
    return `${style.outlineStyle} ${style.outlineWidth}`;
  });
  assert.equal(ring, 'solid 2px', 'a visible focus ring');
  await popover.screenshot('keyboard-focus');

  await page.keyboard.press('Enter');
  const host = await server.nextConnection();
  const card = popover.shareCard('beta');
  await waitForText(card.locator('.pill'), 'Live');
  // Focus follows the session into its card once there is something to press.
  await waitFor('focus in the card', async () => (await focused()) === 'Copy SSH link for beta');
  assert.equal(await press('ArrowDown'), 'Copy SSH read-only link for beta');
  await page.keyboard.press('Enter');
  await waitFor('the copy', () => popover.clipboardWrites.length === 1);
  assert.equal(popover.clipboardWrites[0], host.links.sshReadOnly);

  assert.equal(popover.hideCalls, 0);
  await page.keyboard.press('Escape');
  await waitFor('hide', () => popover.hideCalls === 1);
});

test('preferences: notification switches, and the server new shares use', async () => {
  const popover = await world.openOn('work');
  const { page } = popover;
  const prefs = () => popover.runtime.prefs().prefs;
  const toggle = page.locator('#prefs-toggle');
  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  assert.ok(await page.locator('#prefs').isVisible());
  assert.equal(await page.locator('#content').isVisible(), false);

  for (const name of ['When a pair joins', 'When a pair leaves', 'When a share fails or drops']) {
    assert.equal(await page.getByRole('switch', { name }).isChecked(), true, name);
  }
  await page.getByRole('switch', { name: 'When a pair joins' }).click();
  await waitFor('the preference stored', () => prefs()['notifications.pairJoined'] === false);
  await waitFor('the snapshot', () => popover.state.snapshot().prefs['notifications.pairJoined'] === false);

  const row = page.locator('.server-row[data-server="test"]');
  assert.equal(await textOf(row.locator('.row-title')), `test · 127.0.0.1:${world.server.port}`);
  assert.equal(await textOf(row.locator('.row-meta')), 'New shares go here');
  await popover.screenshot('preferences');

  await toggle.click();
  assert.equal(await textOf(toggle), 'Preferences');
  await popover.sessionRow('work').waitFor();
  assert.deepEqual(popover.errors, []);
});

test('the tray\'s "Preferences…" (the #preferences fragment) opens Preferences, every time it is chosen', async () => {
  const popover = await world.openOn('work');
  const { page } = popover;
  await popover.sessionRow('work').waitFor();
  const toggle = page.locator('#prefs-toggle');
  const chooseInTray = () =>
    page.evaluate(() => {
      location.hash = 'preferences';
    });

  await chooseInTray();
  await waitFor('Preferences open', () => page.locator('#prefs').isVisible());
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  assert.equal(await page.evaluate(() => location.hash), '', 'the fragment is cleared once obeyed');

  await toggle.click();
  await popover.sessionRow('work').waitFor();
  await chooseInTray();
  await waitFor('Preferences open again', () => page.locator('#prefs').isVisible());
  assert.deepEqual(popover.errors, []);
});
