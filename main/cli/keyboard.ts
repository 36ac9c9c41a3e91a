/**
 * `pairbar keyboard SESSION take|give [--socket PATH] [--json]`: the pair's typing stops reaching the
 * session, or reaches it again; nobody is dropped and the links stay the same.
 */
import type { CommandContext } from './context.ts';
import { UsageError } from './usage-error.ts';
import { shareJson, shellWord, withRuntime } from './common.ts';

const CAN_TYPE = { take: false, give: true } as const;

export function run({ args, values, io }: CommandContext): Promise<number> {
  return withRuntime(io, async (runtime) => {
    const [session, action] = args;
    if (session === undefined || action === undefined)
      throw new UsageError('keyboard needs a SESSION and take or give');
    if (action !== 'take' && action !== 'give')
      throw new UsageError(`keyboard takes take or give, not ${JSON.stringify(action)}`);
    await runtime.shares.adopt();
    const share = await runtime.shares.setPairKeyboard(
      runtime.shares.resolve(session, values.socket).id,
      CAN_TYPE[action],
    );
    if (values.json) io.stdout(JSON.stringify(shareJson(share), null, 2) + '\n');
    else if (action === 'take')
      io.stdout(
        `You have the keyboard of ${JSON.stringify(share.session)}: the pair still sees it, but their typing does nothing. Give it back with: pairbar keyboard ${shellWord(share.session)} give\n`,
      );
    else io.stdout(`The pair can type in ${JSON.stringify(share.session)} again.\n`);
    return 0;
  });
}
