/**
 * Take the keyboard on the share card (issue 19 item 2), against the real core, real tmux and tmate and the
 * test tmate server: the card offers Take the keyboard, then says the pair watches only, with Give it back;
 * tmux's own client list shows the pair's client read-only and writable again. Screenshot: keyboard-taken.
 */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { waitFor } from '../support/sandbox.ts';
import { textOf, waitForText, World } from './helpers.ts';

let world: World | undefined;

afterEach(async () => {
  await world?.dispose();
  world = undefined;
});

test('Take the keyboard: the card says the pair watches only and tmux ignores their keys; Give it back undoes it', async () => {
  world = await World.create();
  const { sandbox, server } = world;
  const popover = await world.openOn('work');
  const { page } = popover;
  await page.getByRole('button', { name: 'Share work', exact: true }).click();
  const host = await server.nextConnection();
  const card = popover.shareCard('work');
  await waitForText(card.locator('.pill'), 'Live');
  const readOnlyFlags = () =>
    sandbox.tmux(['list-clients', '-t', 'work', '-F', '#{client_readonly}']).split('\n').filter(Boolean).sort();
  await waitFor("tmate's client on work", () => readOnlyFlags().length > 0);
  const clients = readOnlyFlags().length;
  assert.ok(
    readOnlyFlags().every((flag) => flag === '0'),
    'every client of work can type',
  );
  const linksBefore = await card.locator('.link-value').allTextContents();
  assert.ok(linksBefore.includes(host.links.ssh));

  // A page that sends something other than true or false is refused in the main process, nothing changed.
  const shareId = popover.state.snapshot().shares[0]!.id;
  const refused = await page.evaluate(
    (id) =>
      (window.pairbar.keyboard as (id: string, canType: unknown) => Promise<{ ok: boolean; error?: { code: string } }>)(
        id,
        'false',
      ),
    shareId,
  );
  assert.deepEqual([refused.ok, refused.error?.code], [false, 'INVALID_ARGUMENT']);
  assert.ok(readOnlyFlags().every((flag) => flag === '0'));

  await page.getByRole('button', { name: /^Take the keyboard in work/ }).click();
  await waitForText(
    card.locator('.keyboard .note-message'),
    'You have the keyboard: the pair watches, their typing does nothing.',
  );
  assert.equal(readOnlyFlags().filter((flag) => flag === '1').length, 1, "the pair's client alone is read-only");
  assert.equal(readOnlyFlags().length, clients, 'nobody was dropped');
  assert.deepEqual(await card.locator('.link-value').allTextContents(), linksBefore, 'the same links: nobody dropped');
  await popover.screenshot('keyboard-taken');

  await page.getByRole('button', { name: 'Give the keyboard back in work' }).click();
  await waitForText(card.locator('.keyboard .hint'), 'Pairs on the read-write link can type.');
  assert.ok(
    readOnlyFlags().every((flag) => flag === '0'),
    'every client can type again',
  );
  assert.equal(await textOf(card.locator('.keyboard button')), 'Take the keyboard');
  await page.getByRole('button', { name: 'End pair on work' }).click();
  await host.closed;
});
