/** `pairbar __follow SHARE_ID` (internal): the detached process that ends a command's share on time (see followToEnd). */
import type { CommandContext } from './context.ts';
import { UsageError } from './usage-error.ts';
import { withRuntime } from './common.ts';

export function run({ args, io }: CommandContext): Promise<number> {
  return withRuntime(io, async (runtime) => {
    const id = args[0];
    if (id === undefined) throw new UsageError('__follow needs a share id');
    await runtime.shares.adopt();
    await runtime.shares.untilEnded(id);
    return 0;
  });
}
