/** `pairbar sessions [--json]`: the user's tmux sessions on every tmux server, and which are shared. */
import { errors } from '../core/errors.ts';
import { targetKey } from '../core/share-rules.ts';
import { listServers } from '../core/tmux.ts';
import type { CommandContext } from './context.ts';
import { withRuntime } from './common.ts';

export function run({ values, io }: CommandContext): Promise<number> {
  return withRuntime(io, async (runtime) => {
    const tmux = await runtime.tmux();
    const servers = await listServers(tmux);
    const shared = new Set((await runtime.shares.adopt()).map((share) => targetKey(share.socket, share.sessionId)));
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
      const flags = [`${row.windows} window${row.windows === 1 ? '' : 's'}`, row.attached ? `${row.attached} attached` : 'detached', ...(row.shared ? ['shared'] : [])];
      io.stdout(`${row.name}  (${flags.join(', ')})${where}\n`);
    }
    return 0;
  });
}
