/** `pairbar url [SESSION] [--socket PATH] [--read-only] [--web] [--copy]`: one link of a share. */
import { copyToClipboard } from '../core/clipboard.ts';
import { errors } from '../core/errors.ts';
import { linkKindFor } from '../core/links.ts';
import type { Share } from '../core/shares.ts';
import type { Runtime } from '../runtime.ts';
import type { CommandContext } from './context.ts';
import { UsageError } from './usage-error.ts';
import { pickLink, socketOption, withRuntime } from './common.ts';

/** The share SESSION names (on the server at `socket`, where given); with no SESSION, the only share there is. */
function chooseShare(runtime: Runtime, shares: Share[], session: string | undefined, socket: string | undefined): Share {
  if (session !== undefined) return runtime.shares.resolve(session, socket);
  const live = shares.filter((share) => share.state !== 'failed' && (socket === undefined || share.socket === socket));
  if (live.length === 1 && live[0]) return live[0];
  if (live.length === 0) throw errors.invalidArgument('command', 'nothing is shared; share a session first with `pairbar share SESSION`');
  throw new UsageError(`Several sessions are shared; name one: ${live.map((share) => JSON.stringify(share.session)).join(', ')}`);
}

export function run({ args, values, io }: CommandContext): Promise<number> {
  return withRuntime(io, async (runtime) => {
    const share = chooseShare(runtime, await runtime.shares.adopt(), args[0], await socketOption(io, values.socket));
    const flagged = values['read-only'] || values.web;
    const link = pickLink(share, flagged ? linkKindFor(Boolean(values['read-only']), Boolean(values.web)) : runtime.prefs().prefs['share.copyLink']);
    if (values.copy) await copyToClipboard(link, io.env);
    io.stdout(link + '\n');
    return 0;
  });
}
