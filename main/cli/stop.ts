/** `pairbar stop SESSION [--socket PATH] | --all`: ends a share's tmate side; the user's session stays. */
import type { CommandContext } from './context.ts';
import { UsageError } from './usage-error.ts';
import { socketOption, withRuntime } from './common.ts';

export function run({ args, values, io }: CommandContext): Promise<number> {
  return withRuntime(io, async (runtime) => {
    await runtime.shares.adopt();
    if (values.all) {
      if (args.length > 0 || values.socket !== undefined) throw new UsageError('give a SESSION (and --socket) or --all, not both');
      const count = await runtime.shares.stopAll();
      io.stdout(count === 0 ? 'Nothing was shared.\n' : `Stopped ${count} share${count === 1 ? '' : 's'}.\n`);
      return 0;
    }
    const session = args[0];
    if (session === undefined) throw new UsageError('stop needs a SESSION, or --all');
    await runtime.shares.stop(runtime.shares.resolve(session, await socketOption(io, values.socket)).id);
    io.stdout(`Stopped sharing ${JSON.stringify(session)}. Your session and terminal are untouched.\n`);
    return 0;
  });
}
