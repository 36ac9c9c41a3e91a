/**
 * One test's world: a sandbox (private tmux, runtime and preferences), a test tmate server the sandbox's
 * preferences point at, and for the ui tests the popover opened over it. `dispose()` ends all of it and
 * checks that no tmate is left. worldPerTest() gives each test of a file a fresh one (node:test hooks).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'node:test';
import { Sandbox, startServer, TMUX } from './sandbox.ts';
import type { TestTmateServer, TestTmateServerOptions } from './tmate-server.ts';
import type { Popover } from './ui-harness.ts';

export type WorldOptions = TestTmateServerOptions & { readyTimeoutSeconds?: number };

export class World {
  popover: Popover | undefined;
  private cleanups: (() => void)[] = [];

  private constructor(
    readonly sandbox: Sandbox,
    /** Replaced by tests that need a server behaving differently (switchServer). */
    public server: TestTmateServer,
  ) {}

  static async create(options?: WorldOptions): Promise<World> {
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
    execFileSync(TMUX, ['-S', socket, 'new-session', '-d', ...size, 'env', '-u', 'TMUX', 'sh', '-c', inner], {
      env: this.sandbox.env,
    });
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
    // Loaded here: the core tests share this World and need neither Chromium nor the renderer.
    const { openPopover } = await import('./ui-harness.ts');
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

/**
 * A fresh World for each test of the calling file, disposed after it. What it returns stands for the
 * current test's World: read its parts inside the tests (`world.sandbox`, `world.server = …`).
 */
export function worldPerTest(options?: WorldOptions): World {
  let current: World | undefined;
  beforeEach(async () => {
    current = await World.create(options);
  });
  afterEach(async () => {
    const ending = current;
    current = undefined;
    await ending?.dispose();
  });
  const now = (): World => {
    if (!current) throw new Error('a test world exists only inside a test (beforeEach to afterEach)');
    return current;
  };
  // Forwards to the current test's World, so a file keeps one handle for all its tests.
  return new Proxy({} as World, {
    get: (_target, key) => {
      const world = now();
      const value: unknown = Reflect.get(world, key, world);
      return typeof value === 'function' ? value.bind(world) : value;
    },
    set: (_target, key, value) => Reflect.set(now(), key, value),
  });
}
