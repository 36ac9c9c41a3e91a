/**
 * The popover shows every hostile session name (test/support/hostile-names.ts, 300+) as text: each row's
 * title is exactly the name tmux stored, every row has the same elements as a row with a plain name (so no
 * name added markup), nothing ran, and the shared ones' cards show their names as text too. Real renderer,
 * real preload and IPC handlers, real core and tmux, in Chromium.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { hostileNames } from '../support/hostile-names.ts';
import { recordReliability } from '../support/reliability.ts';
import { TMUX, waitFor } from '../support/sandbox.ts';
import { openPopover } from '../support/ui-harness.ts';
import { waitForText, worldPerTest } from './helpers.ts';

const world = worldPerTest();

/** Each element's tag and classes, in document order: what a row is made of, whatever its text. */
const SHAPE = `(root) => Array.from(root.querySelectorAll('*')).map((element) => element.tagName + '.' + element.getAttribute('class'))`;

test(
  '300+ hostile names: every row and card shows the name as text, with no element added, and nothing runs',
  { timeout: 5 * 60_000 },
  async () => {
    const { sandbox } = world;
    const canary = join(sandbox.root, 'canary');
    const stored = new Set<string>();
    for (const { name } of hostileNames(canary)) {
      try {
        const id = sandbox.newSession(name);
        stored.add(
          execFileSync(TMUX, ['-S', sandbox.socket(), 'display-message', '-p', '-t', id, '#{session_name}'], {
            env: sandbox.env,
            encoding: 'utf8',
          }).replace(/\n$/, ''),
        );
      } catch {
        // Two names tmux stores alike: one session (the core test counts them).
      }
    }
    sandbox.newSession('plain');
    assert.ok(stored.size >= 300, `${stored.size} sessions`);

    const popover = (world.popover = await openPopover({ sandbox }));
    const { page } = popover;
    const titles = () => page.locator('.session-row .row-title').allTextContents();
    await waitFor('every session listed', async () => (await titles()).length === stored.size + 1, 30_000);
    assert.deepEqual(new Set(await titles()), new Set([...stored, 'plain']), 'each title is exactly a stored name');

    // Every row is built like the plain one: same elements, same classes, in the same order.
    const plainShape = await popover
      .sessionRow('plain')
      .evaluate(new Function(`return ${SHAPE}`)() as (root: Element) => string[]);
    const shapes = await page
      .locator('.session-row')
      .evaluateAll(new Function(`return (rows) => rows.map(${SHAPE})`)() as (rows: Element[]) => string[][]);
    const odd = shapes
      .map((shape, index) => [index, shape] as const)
      .filter(([, shape]) => JSON.stringify(shape) !== JSON.stringify(plainShape));
    assert.deepEqual(odd, [], 'a row with more or other elements than a plain one');
    const injected = await page.evaluate(
      () =>
        document.querySelectorAll(
          'img, iframe, object, embed, script:not([src]), style, link:not([rel=stylesheet]), a[href], form',
        ).length,
    );
    assert.equal(injected, 0);
    await page.waitForTimeout(300); // time for any injected image to fail and fire its handler
    assert.equal(
      await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned),
      undefined,
      'markup in a name ran',
    );

    // Shared, the card shows the name as text too: a handful of the worst, at once.
    const worst = [...stored]
      .filter((name) => /\$\(|`|#\{|#\(|<|\\033|^-|;/.test(name))
      .filter((_, index) => index % 9 === 0)
      .slice(0, 6);
    const socket = sandbox.socket();
    await Promise.all(worst.map((session) => popover.state.share({ session, socket })));
    for (const name of worst) {
      const card = popover.shareCard(name);
      await waitForText(card.locator('.pill'), 'Live');
      assert.equal(await card.locator('.row-title').textContent(), name);
    }
    assert.deepEqual(popover.dialogs, [], 'no dialog fired');
    assert.deepEqual(popover.errors, [], 'no page error');
    assert.equal(existsSync(canary), false, 'a name was executed');
    await popover.state.runtime.shares.stopAll();

    recordReliability(
      'names-ui',
      `The same generated names, ${stored.size} distinct sessions, listed in the popover in Chromium (real renderer, preload, IPC handlers and core): every row's title is exactly the name tmux stored, every row has the same elements and classes as a row with a plain name, no image, frame, inline script or style, link or form exists in the page, no dialog or page error, and ${worst.length} of the worst, shared at once, show their names as text on their cards. The canary never appeared.`,
    );
  },
);
