/** What several subcommands share: the runtime's lifetime, and how a share is printed. */
import { errors } from '../core/errors.ts';
import { LINKS, linkInfo, linkKindFor } from '../core/links.ts';
import type { Share } from '../core/shares.ts';
import { createRuntime, type Runtime } from '../runtime.ts';
import type { Io } from './commands.ts';

/** Runs `fn` with a runtime, then stops following the shares' logs: the shares go on, the command exits. */
export async function withRuntime<T>(io: Io, fn: (runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = createRuntime(io.env);
  try {
    return await fn(runtime);
  } finally {
    runtime.shares.close();
  }
}

/** Warns about bad values in the preferences file (their defaults are in use). */
export function warnAboutPrefs(runtime: Runtime, io: Io): void {
  for (const problem of runtime.prefs().problems) io.stderr(`pairbar: warning: ${problem.message}\n`);
}

/** The fields of a share the command's --json output gives (a stable, documented shape). */
const JSON_FIELDS = ['id', 'session', 'socket', 'state', 'links', 'clients', 'server'] as const;
export type ShareJson = Pick<Share, (typeof JSON_FIELDS)[number]> & Partial<Pick<Share, 'error'>>;

export function shareJson(share: Share): ShareJson {
  const json = Object.fromEntries(JSON_FIELDS.map((field) => [field, share[field]])) as ShareJson;
  if (share.error) json.error = share.error;
  return json;
}

export function describeShare(share: Share): string {
  const lines = [`${JSON.stringify(share.session)}: ${share.state} via ${share.server}${share.clients === null ? '' : `, ${share.clients} pair${share.clients === 1 ? '' : 's'} connected`}`];
  for (const { kind, cliLabel } of LINKS) {
    const link = share.links[kind];
    if (link) lines.push(`  ${cliLabel.padEnd(14)} ${link}`);
  }
  if (share.error) lines.push(`  error: ${share.error.message}`, `  fix:   ${share.error.fix}`);
  return lines.join('\n');
}

export function pickLink(share: Share, readOnly: boolean, web: boolean): string {
  const key = linkKindFor(readOnly, web);
  const link = share.links[key];
  if (!link) {
    throw errors.invalidArgument(
      'link',
      web ? `the server ${share.server} gives no web links (a self-hosted tmate server without its web back end); use the ssh link` : `the server gave no ${linkInfo(key).cliLabel} link`,
    );
  }
  return link;
}

/** A session name as the user would type it back into a shell. */
export function shellWord(value: string): string {
  return /^[A-Za-z0-9_./+-]+$/.test(value) && !value.startsWith('-') ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}
