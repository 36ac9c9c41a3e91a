/** `pairbar sessions [--json]`: the user's tmux sessions on every tmux server, and which are shared. */
import { errors } from '../core/errors.ts';
import { targetKey } from '../core/share-rules.ts';
import { listServers } from '../core/tmux.ts';
import type { CommandContext } from './context.ts';
import { withRuntime } from './common.ts';

export function run({ values, io }: CommandContext): Promise<number> {
  return withRuntime(io, async (runtime) => {
    // The tmux servers asked while the shares are read, not after: each waits on something else.
    const [listed, adopted] = await Promise.allSettled([runtime.tmux().then(listServers), runtime.shares.adopt()]);
    // What tmux said wrong is the answer to `sessions`; a runtime directory in a bad state comes second.
    if (listed.status === 'rejected') throw listed.reason;
    if (adopted.status === 'rejected') throw adopted.reason;
    const servers = listed.value;
    const shared = new Set(adopted.value.map((share) => targetKey(share.socket, share.sessionId)));
    const rows = servers.flatMap((server) =>
      server.sessions.map((session) => ({
        name: session.name,
        server: server.label,
        socket: server.socket,
        windows: session.windows,
        attached: session.attached,
        created: new Date(session.created).toISOString(),
        shared: shared.has(targetKey(session.socket, session.id)),
      })),
    );
    if (values.json) {
      io.stdout(JSON.stringify(rows, null, 2) + '\n');
      return 0;
    }
    if (servers.length === 0) throw errors.noTmuxServer();
    for (const row of rows) {
      const where = row.server === 'default' ? '' : `  [server ${row.server}]`;
      const flags = [
        `${row.windows} window${row.windows === 1 ? '' : 's'}`,
        row.attached ? `${row.attached} attached` : 'detached',
        ...(row.shared ? ['shared'] : []),
      ];
      io.stdout(`${row.name}  (${flags.join(', ')})${where}\n`);
    }
    return 0;
  });
}
