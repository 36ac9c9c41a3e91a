/**
 * Who is in, on the share card, on a bare server, against the real core: the presence watcher's "Nobody is
 * in" and "Someone is in since … (their terminal …)" with a real ssh pair, and the pair's-size note coming
 * and going while the popover stays open (pushed snapshots, no reopening). Screenshots of both states.
 */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { PairKeys } from '../support/pair-ssh.ts';
import { PairTerminal } from '../support/pair-terminal.ts';
import { endPair, shareWorkFromTerminal, textOf, waitForText, waitGone, World } from './helpers.ts';

let world: World | undefined;

afterEach(async () => {
  await world?.dispose();
  world = undefined;
});

test(
  'bare server: the card says nobody is in, then someone since when with their size, the size note live, then nobody again',
  { timeout: 120_000 },
  async (t) => {
    world = await World.create();
    const { server } = world;
    const { popover, host, card } = await shareWorkFromTerminal(world);
    const presence = card.locator('.presence');
    await waitForText(presence.locator('.count'), 'Nobody is in');
    assert.equal(
      await textOf(presence.locator('.event')),
      "This server doesn't say who joins; Pairbar sees whether someone is in.",
    );
    assert.equal(await card.locator('.pair-size').count(), 0);
    await popover.screenshot('presence-nobody');

    const keys = await PairKeys.create();
    t.after(() => keys.dispose());
    const pair = await PairTerminal.join(server, host, host.links.ssh, await keys.key('pair'), { cols: 90, rows: 25 });
    t.after(() => pair.leave());
    // No reshow: the snapshot the watcher's event caused is pushed to the open popover.
    await waitForText(presence.locator('.count'), /^Someone is in since \S+.* \(their terminal 90×24\)$/);
    assert.equal(await textOf(presence.locator('.event')), "This server doesn't say who or how many.");
    assert.match((await presence.getAttribute('class')) ?? '', /\bjoined\b/);
    const note = card.locator('.pair-size');
    await waitForText(
      note.locator('.note-message'),
      "Your pair's terminal has room for 90×23 of your 120×30 window: they see only part of it.",
    );
    await note.scrollIntoViewIfNeeded();
    await popover.screenshot('presence-someone');

    await pair.leave(host);
    await waitForText(presence.locator('.count'), 'Nobody is in');
    await waitGone(note);
    await endPair(popover, host, 'work');
  },
);
