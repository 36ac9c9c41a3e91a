/**
 * A pair who stays: the real OpenSSH client on a share's link, running in a terminal of a size the test
 * chooses, until the test makes it leave. The terminal is a pane of a private tmux server (its own socket in
 * a temp dir, status line off, so the pane is exactly the size asked for): ssh asks the server for a pty of
 * that size, and resizing the pane makes ssh send a window-change, as a pair resizing their window does.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pairSshOptions, type PairKey } from './pair-ssh.ts';
import { TMUX, waitFor } from './sandbox.ts';
import type { HostConnection, TestTmateServer } from './tmate-server.ts';

const exec = promisify(execFile);

export interface TerminalSize {
  cols: number;
  rows: number;
}

export class PairTerminal {
  private left = false;

  private constructor(
    private readonly dir: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  private get socket(): string {
    return join(this.dir, 'tmux.sock');
  }

  private tmux(args: string[]): Promise<{ stdout: string }> {
    return exec(TMUX, ['-S', this.socket, ...args], { env: this.env });
  }

  /**
   * Opens the terminal and runs ssh on `link` in it; resolves once the server counts the pair in
   * (`host.sshPairs` went up), so the RESIZE for this pair has been sent.
   */
  static async join(
    server: TestTmateServer,
    host: HostConnection,
    link: string,
    key: PairKey,
    size: TerminalSize,
  ): Promise<PairTerminal> {
    const words = link.trim().split(/\s+/);
    if (words[0] !== 'ssh') throw new Error(`not an ssh link: ${link}`);
    const dir = await mkdtemp(join(tmpdir(), 'pb-pair-'));
    const knownHosts = join(dir, 'known_hosts');
    await writeFile(knownHosts, `[${server.host}]:${server.port} ${server.publicKey}\n`);
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: dir, TERM: 'xterm', LANG: 'C.UTF-8' };
    const terminal = new PairTerminal(dir, env);
    const before = host.sshPairs;
    // -t: ssh's stdin is the pane, a terminal, so one is enough.
    const ssh = ['/usr/bin/ssh', ...pairSshOptions(knownHosts, key), '-t', ...words.slice(1)];
    // -f /dev/null: none of the machine's tmux config; status off so the pane is the whole terminal. The
    // command is given as words (tmux runs it without a shell).
    await exec(
      TMUX,
      [
        '-S',
        terminal.socket,
        '-f',
        '/dev/null',
        'new-session',
        '-d',
        '-x',
        String(size.cols),
        '-y',
        String(size.rows),
        ';',
        'set-option',
        '-g',
        'status',
        'off',
      ],
      { env },
    );
    await terminal.tmux(['respawn-pane', '-k', '-t', '0:0.0', ...ssh]);
    await waitFor(
      `the pair's ssh counted in by the server (pane: ${JSON.stringify(await terminal.sees().catch(() => ''))})`,
      () => host.sshPairs > before,
      15_000,
    );
    return terminal;
  }

  /** What the pair's terminal shows. */
  async sees(): Promise<string> {
    return (await this.tmux(['capture-pane', '-p', '-t', '0:0.0'])).stdout;
  }

  /** The pair resizes their terminal (ssh tells the server with a window-change). */
  async resize(size: TerminalSize): Promise<void> {
    await this.tmux(['resize-window', '-t', '0:0', '-x', String(size.cols), '-y', String(size.rows)]);
  }

  /** The pair closes their terminal: ssh hangs up. Resolves once the server no longer counts them. */
  async leave(host?: HostConnection): Promise<void> {
    if (this.left) return;
    this.left = true;
    const before = host?.sshPairs;
    await this.tmux(['kill-server']).catch(() => undefined);
    if (host && before !== undefined)
      await waitFor('the pair counted out by the server', () => host.isClosed || host.sshPairs < before, 15_000);
    await rm(this.dir, { recursive: true, force: true });
  }
}
