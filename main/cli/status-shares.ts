/**
 * `pairbar status` once a share is recorded (status.ts looks first): adopts the shares, asks each tmate
 * socket whether it answers and the tmux servers where each pair's client is.
 */
import type { CommandContext } from './context.ts';
import { describeShare, shareJson, withRuntime } from './common.ts';
import { warnAboutProblems } from './prefs-warnings.ts';

export function run({ values, io }: CommandContext): Promise<number> {
  return withRuntime(io, async (runtime) => {
    // tmux is looked up while the shares are read (both wait on the disk), not after: the check needs it.
    void runtime.binaries().catch(() => undefined);
    await runtime.shares.adopt();
    // Where each pair's terminal is now: asked of tmux only when something is shared.
    const shares = await runtime.shares.checkPairClients();
    if (values.json) io.stdout(JSON.stringify(shares.map(shareJson), null, 2) + '\n');
    else
      io.stdout(
        shares.length === 0 ? 'Nothing is shared.\n' : shares.map((share) => describeShare(share)).join('\n') + '\n',
      );
    warnAboutProblems(runtime.prefs().problems, io);
    return 0;
  });
}
