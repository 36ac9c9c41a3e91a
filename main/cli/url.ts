/** `pairbar url [SESSION] [--socket PATH] [--read-only] [--web] [--copy]`: one link of a share. */
import { copyToClipboard } from '../core/clipboard.ts';
import { linkKindFor } from '../core/links.ts';
import type { CommandContext } from './context.ts';
import { chooseShare, pickLink, socketOption, withRuntime } from './common.ts';

export function run({ args, values, io }: CommandContext): Promise<number> {
  return withRuntime(io, async (runtime) => {
    const share = chooseShare(runtime, await runtime.shares.adopt(), args[0], await socketOption(io, values.socket));
    const flagged = values['read-only'] || values.web;
    const link = pickLink(
      share,
      flagged
        ? linkKindFor(Boolean(values['read-only']), Boolean(values.web))
        : runtime.prefs().prefs['share.copyLink'],
    );
    if (values.copy) await copyToClipboard(link, io.env);
    io.stdout(link + '\n');
    return 0;
  });
}
