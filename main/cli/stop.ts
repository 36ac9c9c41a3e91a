/**
 * `pairbar stop SESSION [--socket PATH] | --all`: ends a share's tmate side; the user's session stays. A
 * share still starting in another process (the app, another `pairbar share`) is ended too: that process is
 * asked to stop its start, and its Share answers that it was stopped.
 */
import { isPairbarError } from '../core/errors.ts';
import type { CommandContext } from './context.ts';
import { UsageError } from './usage-error.ts';
import { socketOption, withRuntime } from './common.ts';

export function run({ args, values, io }: CommandContext): Promise<number> {
  return withRuntime(io, async (runtime) => {
    await runtime.shares.adopt();
    if (values.all) {
      if (args.length > 0 || values.socket !== undefined)
        throw new UsageError('give a SESSION (and --socket) or --all, not both');
      const count = (await runtime.shares.stopAll()) + (await runtime.shares.stopStarting());
      io.stdout(count === 0 ? 'Nothing was shared.\n' : `Stopped ${count} share${count === 1 ? '' : 's'}.\n`);
      return 0;
    }
    const session = args[0];
    if (session === undefined) throw new UsageError('stop needs a SESSION, or --all');
    const socket = await socketOption(io, values.socket);
    let id: string;
    try {
      id = runtime.shares.resolve(session, socket).id;
    } catch (error) {
      if (
        !isPairbarError(error) ||
        error.code !== 'SHARE_NOT_FOUND' ||
        (await runtime.shares.stopStarting(session, socket)) === 0
      )
        throw error;
      io.stdout(
        `Stopped sharing ${JSON.stringify(session)} before its links were ready. Your session and terminal are untouched.\n`,
      );
      return 0;
    }
    await runtime.shares.stop(id);
    io.stdout(`Stopped sharing ${JSON.stringify(session)}. Your session and terminal are untouched.\n`);
    return 0;
  });
}
