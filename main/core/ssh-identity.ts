/**
 * Whether this computer has an SSH identity tmate can use. tmate (through libssh) signs in to its server
 * with a key from the agent or with one of the default key files, and without either it cannot share at
 * all; tmate.io refuses the connection with "SSH keys not found". Checked up front so a first run says
 * what to do before anything is tried. No process is spawned: the files are looked at and the agent is
 * asked over its socket.
 */
import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The private key files libssh tries, in its order. */
export const DEFAULT_KEY_FILES = ['id_ed25519', 'id_ecdsa', 'id_rsa', 'id_dsa'] as const;

export type SshIdentity = { kind: 'file'; path: string } | { kind: 'agent'; socket: string; keys: number };

const AGENT_TIMEOUT_MS = 1_000;
/** ssh-agent protocol (draft-miller-ssh-agent): request and answer listing the agent's keys. */
const REQUEST_IDENTITIES = 11;
const IDENTITIES_ANSWER = 12;

/** The first identity found: a default key file, else an agent holding at least one key; undefined if none. */
export async function findSshIdentity(env: NodeJS.ProcessEnv): Promise<SshIdentity | undefined> {
  const home = env.HOME || homedir();
  for (const name of DEFAULT_KEY_FILES) {
    const path = join(home, '.ssh', name);
    try {
      if ((await stat(path)).isFile()) return { kind: 'file', path };
    } catch {
      // Not there: try the next.
    }
  }
  const socket = env.SSH_AUTH_SOCK;
  if (!socket) return undefined;
  const keys = await agentKeyCount(socket);
  return keys !== undefined && keys > 0 ? { kind: 'agent', socket, keys } : undefined;
}

/** How many keys the agent at `socket` holds; undefined when it does not answer like an agent. */
export async function agentKeyCount(socket: string, timeoutMs = AGENT_TIMEOUT_MS): Promise<number | undefined> {
  const { connect } = await import('node:net');
  return new Promise((resolve) => {
    const connection = connect(socket);
    let answer = Buffer.alloc(0);
    const finish = (value: number | undefined) => {
      clearTimeout(timer);
      connection.destroy();
      resolve(value);
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    connection.once('error', () => finish(undefined));
    connection.once('connect', () => connection.write(Buffer.from([0, 0, 0, 1, REQUEST_IDENTITIES])));
    connection.on('data', (chunk: Buffer) => {
      answer = Buffer.concat([answer, chunk]);
      // length (4), type (1), number of keys (4) is all that is needed.
      if (answer.length < 5) return;
      if (answer[4] !== IDENTITIES_ANSWER) return finish(undefined);
      if (answer.length >= 9) finish(answer.readUInt32BE(5));
    });
    connection.once('end', () => finish(undefined));
  });
}
