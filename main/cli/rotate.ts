/** `pairbar rotate SESSION [--socket PATH] [--json] [--copy]`: new links for a share; whoever was connected is dropped. */
import type { CommandContext } from './context.ts';
import { UsageError } from './usage-error.ts';
import { followToEnd, reportShare, socketOption, withRuntime } from './common.ts';

export function run({ args, values, io }: CommandContext): Promise<number> {
  return withRuntime(io, async (runtime) => {
    const session = args[0];
    if (session === undefined) throw new UsageError('rotate needs a SESSION');
    await runtime.shares.adopt();
    const share = await runtime.shares.rotate(
      runtime.shares.resolve(session, await socketOption(io, values.socket)).id,
    );
    await followToEnd(runtime, io, share);
    await reportShare(io, share, runtime.prefs().prefs['share.copyLink'], Boolean(values.copy), Boolean(values.json));
    if (!values.json)
      io.stdout('New links: the old ones no longer work, and whoever was connected has been dropped.\n');
    return 0;
  });
}
