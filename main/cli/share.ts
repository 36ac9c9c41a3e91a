/** `pairbar share [SESSION] [--socket PATH] [--json] [--copy] [--read-only] [WHO] [--for DURATION] [--server NAME] [--view V] [--size S]`: shares a session, or a new blank terminal. */
import { resolve } from 'node:path';
import { parseDuration } from '../core/duration.ts';
import { parseKeySource, type KeySource } from '../core/keys.ts';
import type { LinkKind } from '../core/links.ts';
import type { ShareOptions } from '../core/shares.ts';
import { fallbackProblems } from '../prefs/guards.ts';
import { parsePref } from '../prefs/schema.ts';
import { warnAboutProblems } from './prefs-warnings.ts';
import type { CommandContext, OptionValues } from './context.ts';
import { UsageError } from './usage-error.ts';
import { followToEnd, reportShare, sessionArgs, withRuntime } from './common.ts';

/** The share's options from the flags; what no flag names is left to the preferences' defaults. */
function shareOptions(values: OptionValues): ShareOptions {
  const options: ShareOptions = {};
  const allowed: KeySource[] = [
    ...(['github', 'gitlab', 'codeberg'] as const).flatMap((forge) =>
      (values[forge] ?? []).map((name) => parseKeySource(`${forge}:${name}`)),
    ),
    ...(values['authorized-keys'] ?? []).map((file) => parseKeySource(`file:${resolve(file)}`)),
  ];
  if (values.anyone && allowed.length > 0)
    throw new UsageError('--anyone cannot be combined with --github, --gitlab, --codeberg or --authorized-keys');
  if (values.anyone) options.allowed = null;
  else if (allowed.length > 0) options.allowed = allowed;
  if (values.for !== undefined) options.endAfterMs = parseDuration(values.for);
  if (values['end-when-empty'] !== undefined) options.endWhenEmptyMs = parseDuration(values['end-when-empty']);
  if (values.server !== undefined) options.server = values.server;
  if (values.view !== undefined) options.view = parsePref('pair.view', values.view);
  if (values.size !== undefined) options.size = parsePref('pair.size', values.size);
  return options;
}

export function run({ args, values, io }: CommandContext): Promise<number> {
  return withRuntime(io, async (runtime) => {
    const options = shareOptions(values);
    // A setting that guards access and cannot be read refuses the share (with its own message); any other is
    // said here, as `status` says it, since its default is what this share gets.
    warnAboutProblems(fallbackProblems(runtime.prefs()), io);
    const share = await runtime.shares.share({ session: args[0], socket: values.socket }, options);
    await followToEnd(runtime, io, share);
    const kind: LinkKind = values['read-only'] ? 'sshReadOnly' : runtime.prefs().prefs['share.copyLink'];
    await reportShare(io, share, kind, Boolean(values.copy), Boolean(values.json));
    if (!values.json) io.stdout(`End it with: pairbar stop ${sessionArgs(io, share)}\n`);
    return 0;
  });
}
