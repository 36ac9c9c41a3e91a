/**
 * What a read-write pair can do inside a share: type into tmate's one pane, which is the tmux client attached
 * to the user's session, and so run tmux commands of their own (C-b :). Real tmate, through its socket.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { TMATE, waitFor } from './sandbox.ts';

export class PairAtTheKeyboard {
  private readonly socket: string;

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    shareId: string,
  ) {
    this.socket = join(env.PAIRBAR_RUNTIME_DIR!, shareId, 'tmate.sock');
  }

  /** Keys into tmate's pane, as the pair types them. */
  types(...keys: string[]): void {
    execFileSync(TMATE, ['-S', this.socket, 'send-keys', ...keys], { env: this.env });
  }

  /** What the pair sees: tmate's pane (the user's session, its status line last). */
  sees(): string {
    return execFileSync(TMATE, ['-S', this.socket, 'capture-pane', '-p'], { env: this.env, encoding: 'utf8' });
  }

  /**
   * A tmux command: the prefix and `:`, then, once tmux's prompt shows on the status line, the command and
   * Enter. (Typed blind, a command can reach the shell instead, when the prefix lands while the inner client
   * is still talking to its terminal.)
   */
  async runsTmuxCommand(command: string): Promise<void> {
    let typedAt = 0;
    await waitFor(
      "tmux's command prompt in the pair's terminal",
      () => {
        const lastLine = this.sees().trimEnd().split('\n').at(-1) ?? '';
        // An empty prompt only: the last command's line (":switch-client …") can still be on screen before
        // the pair's client redraws, and keys typed then reach the shell, not a prompt.
        if (/^:\s*$/.test(lastLine)) return true;
        // Typed again only well after the last try, so a prompt slow to draw does not get the keys.
        if (Date.now() - typedAt > 1500) {
          this.types('C-b', ':');
          typedAt = Date.now();
        }
        return false;
      },
      10_000,
    );
    this.types('-l', command);
    this.types('Enter');
  }
}
