/** Shared pieces of the ui tests: the per-test world, a terminal of the user's own, and text waits. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'node:test';
import type { Locator } from 'playwright-core';
import type { LinkKind } from '../../main/contract.ts';
import { Sandbox, startServer, TMUX, waitFor } from '../support/sandbox.ts';
import type { HostConnection, TestTmateServer, TestTmateServerOptions } from '../support/tmate-server.ts';
import { openPopover, type Popover } from '../support/ui-harness.ts';

export const LINKS: [LinkKind, string][] = [
  ['ssh', 'SSH'],
  ['sshReadOnly', 'SSH read-only'],
  ['web', 'Web'],
  ['webReadOnly', 'Web read-only'],
];

/** One test's sandbox, tmate server and popover; `dispose()` ends all of it and checks nothing is left. */
export class World {
  popover: Popover | undefined;
  private cleanups: (() => void)[] = [];

  private constructor(
    readonly sandbox: Sandbox,
    public server: TestTmateServer,
  ) {}

  static async create(options?: TestTmateServerOptions & { readyTimeoutSeconds?: number }): Promise<World> {
    const sandbox = await Sandbox.create();
    let server: TestTmateServer | undefined;
    try {
      server = await startServer(options);
      await sandbox.useServer(server, options?.readyTimeoutSeconds ?? 10);
      return new World(sandbox, server);
    } catch (error) {
      await server?.close();
      await sandbox.dispose();
      throw error;
    }
  }

  /**
   * The user's own terminal attached to the session: a tmux client running inside a tmux server of its own
   * whose socket lies outside TMUX_TMPDIR, so the popover doesn't list it as a session.
   */
  attachUserTerminal(sessionId: string, terminal: { cols: number; rows: number } = { cols: 120, rows: 40 }): void {
    const socket = join(this.sandbox.root, 'outer.sock');
    const inner = `exec ${TMUX} -S '${this.sandbox.socket()}' attach-session -t '${sessionId}'`;
    const size = ['-x', String(terminal.cols), '-y', String(terminal.rows)];
    execFileSync(TMUX, ['-S', socket, 'new-session', '-d', ...size, 'env', '-u', 'TMUX', 'sh', '-c', inner], { env: this.sandbox.env });
    this.cleanups.push(() => {
      try {
        execFileSync(TMUX, ['-S', socket, 'kill-server'], { env: this.sandbox.env, stdio: 'ignore' });
      } catch {
        // already gone
      }
    });
  }

  /** The user's tmux session `name`, and the popover opened over it: how most ui tests begin. */
  async openOn(name: string): Promise<Popover> {
    this.sandbox.newSession(name);
    this.popover = await openPopover({ sandbox: this.sandbox });
    return this.popover;
  }

  async dispose(): Promise<void> {
    const root = this.sandbox.root;
    try {
      await this.popover?.close();
    } finally {
      for (const cleanup of this.cleanups) cleanup();
      await this.sandbox.dispose();
      await this.server.close();
    }
    assert.deepEqual(this.sandbox.tmatePids(), [], `no tmate left running for ${root}`);
  }
}

/** A fresh World for each test of the file, disposed after it; read `holder.world` inside the tests. */
export function worldPerTest(options?: Parameters<typeof World.create>[0]): { world: World } {
  const holder = {} as { world: World };
  beforeEach(async () => {
    holder.world = await World.create(options);
  });
  afterEach(async () => {
    await holder.world.dispose();
  });
  return holder;
}

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
export async function shareLive(popover: Popover, server: TestTmateServer, name: string): Promise<{ host: HostConnection; card: Locator }> {
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
