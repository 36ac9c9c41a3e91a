/**
 * Shared pieces of the ui tests: text waits, sharing through the popover, the link labels. The per-test
 * world (sandbox, server, popover, the user's own terminal) is test/support/world.ts, shared with the core
 * tests; it is re-exported here for the ui tests.
 */
import assert from 'node:assert/strict';
import type { Locator } from 'playwright-core';
import type { LinkKind } from '../../main/contract.ts';
import { waitFor } from '../support/sandbox.ts';
import type { HostConnection, TestTmateServer } from '../support/tmate-server.ts';
import type { Popover } from '../support/ui-harness.ts';

export const LINKS: [LinkKind, string][] = [
  ['ssh', 'SSH'],
  ['sshReadOnly', 'SSH read-only'],
  ['web', 'Web'],
  ['webReadOnly', 'Web read-only'],
];

export { World, worldPerTest } from '../support/world.ts';
import type { World } from '../support/world.ts';

export async function textOf(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? '').trim();
}

/** Waits until the locator's text equals (string) or matches (RegExp) what is expected. */
export async function waitForText(locator: Locator, expected: string | RegExp, timeoutMs = 10_000): Promise<string> {
  let last = '';
  try {
    return await waitFor(
      `text ${String(expected)}`,
      async () => {
        last = (await locator.count()) > 0 ? await textOf(locator.first()) : '';
        return (typeof expected === 'string' ? last === expected : expected.test(last)) ? last : undefined;
      },
      timeoutMs,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; last text: ${JSON.stringify(last)}`, { cause: error });
  }
}

/** Shares a session with the popover's Share button; resolves with the server's side and the card, once Live. */
/**
 * The user's session `work` in their own terminal of 120x31 (a 120x30 window under tmux's status line), the
 * popover opened over it and the session shared through it, live, with tmate's client attached.
 */
export async function shareWorkFromTerminal(
  world: World,
): Promise<{ popover: Popover; host: HostConnection; card: Locator; work: string }> {
  const { sandbox, server } = world;
  const work = sandbox.newSession('work', 'default', 'sh');
  world.attachUserTerminal(work, { cols: 120, rows: 31 });
  await sandbox.waitForClients(work, 1);
  const { openPopover } = await import('../support/ui-harness.ts');
  const popover = (world.popover = await openPopover({ sandbox }));
  const { host, card } = await shareLive(popover, server, 'work');
  await sandbox.waitForClients(work, 2);
  return { popover, host, card, work };
}

export async function shareLive(
  popover: Popover,
  server: TestTmateServer,
  name: string,
): Promise<{ host: HostConnection; card: Locator }> {
  await popover.page.getByRole('button', { name: `Share ${name}`, exact: true }).click();
  const host = await server.nextConnection();
  const card = popover.shareCard(name);
  await waitForText(card.locator('.pill'), 'Live');
  return { host, card };
}

/** Ends the share with the card's End pair, once the server saw it go; the page logged no error meanwhile. */
export async function endPair(popover: Popover, host: HostConnection, name: string): Promise<void> {
  await popover.page.getByRole('button', { name: `End pair on ${name}` }).click();
  await host.closed;
  assert.deepEqual(popover.errors, []);
}

export async function waitGone(locator: Locator, timeoutMs = 10_000): Promise<void> {
  await waitFor('element gone', async () => (await locator.count()) === 0, timeoutMs);
}
