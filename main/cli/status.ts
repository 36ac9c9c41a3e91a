/**
 * `pairbar status [--json]`: what is shared. Reads the share records and asks each tmate socket whether it
 * answers; with nothing shared it spawns nothing, so it loads neither execa nor conf.
 */
import type { CommandContext } from './commands.ts';
import { describeShare, shareJson, warnAboutPrefs, withRuntime } from './common.ts';

export function run({ values, io }: CommandContext): Promise<number> {
  return withRuntime(io, async (runtime) => {
    await runtime.shares.adopt();
    // Where each pair's terminal is now: asked of tmux only when something is shared.
    const shares = await runtime.shares.checkPairClients();
    if (values.json) io.stdout(JSON.stringify(shares.map(shareJson), null, 2) + '\n');
    else io.stdout(shares.length === 0 ? 'Nothing is shared.\n' : shares.map((share) => describeShare(share)).join('\n') + '\n');
    warnAboutPrefs(runtime, io);
    return 0;
  });
}
