/**
 * The popover patches in place (renderer/patch.ts): a pushed snapshot that changes one card changes only
 * that card's nodes. Two real shares on the test tmate server; a pair joins, then leaves, the second one; the
 * first card, its rows and what the person is doing there (focus, hover, a text selection, the scroll
 * position) stay as they were, and the screen reader hears only what changed.
 */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { Page } from 'playwright-core';
import { shareLive, textOf, waitForText, World } from './helpers.ts';

let world: World | undefined;

afterEach(async () => {
  await world?.dispose();
  world = undefined;
});

/**
 * From now on, records every change inside the kept card (nodes added or removed, attributes, text) and
 * every sentence the live region says; `window.__seen()` hands them over.
 */
async function watch(page: Page): Promise<void> {
  // A string, not a function: tsx would wrap the function's inner arrows in a helper the page lacks.
  await page.evaluate(`(() => {
    const changes = [];
    const said = [];
    new MutationObserver((records) => {
      for (const record of records) changes.push(record.type + ' on ' + (record.target.outerHTML?.slice(0, 80) ?? record.target.nodeValue));
    }).observe(window.__kept.card, { subtree: true, childList: true, attributes: true, characterData: true });
    const announce = document.getElementById('announce');
    new MutationObserver(() => {
      if (announce.textContent) said.push(announce.textContent);
    }).observe(announce, { childList: true, characterData: true, subtree: true });
    window.__seen = () => ({ changes, said });
  })()`);
}

const seen = (page: Page) =>
  page.evaluate(() => (window as unknown as { __seen(): { changes: string[]; said: string[] } }).__seen());

test('a snapshot that changes one card leaves the other card as it was: the same elements, focus, hover, selection and scroll, and nothing said again', async () => {
  // tmate.io's behaviour: a bare server never reports a pair joining.
  world = await World.create({ mode: 'tmate.io' });
  const { sandbox, server } = world;
  const popover = await world.openOn('work');
  const { page } = popover;
  const work = await shareLive(popover, server, 'work');
  sandbox.newSession('play');
  await popover.reshow();
  const play = await shareLive(popover, server, 'play');
  await popover.settled();

  // The elements the person is on, kept aside to compare with what is on screen after each push.
  await page.evaluate(() => {
    const card = [...document.querySelectorAll('.card')].find(
      (element) => element.querySelector('.row-title')?.textContent === 'work',
    )!;
    Object.assign(window, {
      __kept: {
        card,
        links: card.querySelector('.links'),
        link: card.querySelector('.link-value'),
        foot: card.querySelector('.card-foot'),
      },
    });
  });
  const sameNodes = () =>
    page.evaluate(() => {
      const kept = (window as unknown as { __kept: Record<string, Element> }).__kept;
      const card = [...document.querySelectorAll('.card')].find(
        (element) => element.querySelector('.row-title')?.textContent === 'work',
      );
      return {
        card: card === kept.card,
        links: card?.querySelector('.links') === kept.links,
        link: card?.querySelector('.link-value') === kept.link,
        foot: card?.querySelector('.card-foot') === kept.foot,
      };
    });
  const copy = page.getByRole('button', { name: 'Copy SSH link for work' });
  await copy.focus();
  const scrolled = await page.evaluate(() => {
    const content = document.getElementById('content')!;
    content.scrollTop = 30;
    return { top: content.scrollTop, room: content.scrollHeight - content.clientHeight };
  });
  assert.ok(scrolled.top > 0, `the sessions screen scrolls with two cards (room: ${scrolled.room}px)`);
  // Hovered after scrolling: a scroll moves the page under a mouse that stays where it is.
  await page.getByRole('button', { name: 'End pair on work' }).hover();
  await watch(page);

  // A pair joins play: play's card says so, the screen reader hears it once, work's card is untouched.
  const version = Number(await page.evaluate(() => document.body.dataset.version));
  play.host.pairJoin('203.0.113.9');
  await waitForText(play.card.locator('.presence .count'), '1 pair connected');
  await waitForText(page.locator('#announce'), 'A pair joined play.');
  await popover.settled();
  assert.ok(Number(await page.evaluate(() => document.body.dataset.version)) > version, 'a newer snapshot was drawn');
  assert.deepEqual(
    await sameNodes(),
    { card: true, links: true, link: true, foot: true },
    "work's card and its parts are the same elements",
  );
  assert.ok(await copy.evaluate((element) => element === document.activeElement), "focus is still on work's Copy");
  assert.ok(
    await page.getByRole('button', { name: 'End pair on work' }).evaluate((element) => element.matches(':hover')),
    "work's End pair is still hovered",
  );
  assert.equal(
    await page.evaluate(() => document.getElementById('content')!.scrollTop),
    scrolled.top,
    'the scroll position held',
  );
  let { changes, said } = await seen(page);
  assert.deepEqual(changes, [], "nothing in work's card changed");
  assert.deepEqual(said, ['A pair joined play.'], 'only the join was said');

  // Text selected in work's SSH link survives the pair leaving play.
  await work.card
    .locator('.link-value')
    .first()
    .evaluate((element) => {
      const range = document.createRange();
      range.selectNodeContents(element);
      getSelection()!.removeAllRanges();
      getSelection()!.addRange(range);
    });
  const selected = await page.evaluate(() => getSelection()!.toString());
  assert.match(selected, /^ssh /, 'the SSH link is selected');
  play.host.pairLeave('203.0.113.9');
  await waitForText(play.card.locator('.presence .count'), 'No pair connected');
  await waitForText(page.locator('#announce'), 'A pair left play.');
  await popover.settled();
  assert.equal(await page.evaluate(() => getSelection()!.toString()), selected, 'the selection is kept');
  assert.ok(await page.evaluate(() => getSelection()!.anchorNode?.isConnected), 'inside the same, still shown, text');
  assert.deepEqual(await sameNodes(), { card: true, links: true, link: true, foot: true });
  ({ changes, said } = await seen(page));
  assert.deepEqual(changes, [], "nothing in work's card changed");
  assert.deepEqual(said, ['A pair joined play.', 'A pair left play.'], 'only the join and the leave were said');
  assert.equal(await textOf(work.card.locator('.presence .count')), 'No one has joined yet');
  assert.deepEqual(popover.errors, []);
});
