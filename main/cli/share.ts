/** `pairbar share [SESSION] [--socket PATH] [--json] [--copy]`: shares a session, or a new blank terminal. */
import { copyToClipboard } from '../core/clipboard.ts';
import { defaultSocket } from '../core/tmux.ts';
import type { CommandContext } from './commands.ts';
import { describeShare, pickLink, shareJson, shellWord, withRuntime } from './common.ts';

export function run({ args, values, io }: CommandContext): Promise<number> {
  return withRuntime(io, async (runtime) => {
    const share = await runtime.shares.share({ session: args[0], socket: values.socket });
    if (values.copy) await copyToClipboard(pickLink(share, false, false), io.env);
    if (values.json) {
      io.stdout(JSON.stringify(shareJson(share), null, 2) + '\n');
      return 0;
    }
    io.stdout(describeShare(share) + '\n');
    if (values.copy) io.stdout('The ssh link is on the clipboard.\n');
    io.stdout(`End it with: pairbar stop ${shellWord(share.session)}${share.socket === defaultSocket(io.env) ? '' : ` --socket ${shellWord(share.socket)}`}\n`);
    return 0;
  });
}
