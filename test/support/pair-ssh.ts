/**
 * A pair joining with the real OpenSSH client: `/usr/bin/ssh` run on a share's link exactly as printed
 * (`ssh -pPORT TOKEN@127.0.0.1`), with one identity and nothing from the machine's own ssh setup (no
 * agent, no ~/.ssh, no config), and the test server's host key pinned.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestTmateServer } from './tmate-server.ts';

const exec = promisify(execFile);

export interface PairKey {
  /** The private key file, for `ssh -i`. */
  identity: string;
  /** The public key line ("ssh-ed25519 AAAA… comment"). */
  publicKey: string;
}

/** A directory of fresh keys made by ssh-keygen, and a known_hosts for the test server. */
export class PairKeys {
  private constructor(readonly dir: string) {}

  static async create(): Promise<PairKeys> {
    return new PairKeys(await mkdtemp(join(tmpdir(), 'pairbar-pair-')));
  }

  async key(name: string, type: 'ed25519' | 'rsa' | 'ecdsa' = 'ed25519'): Promise<PairKey> {
    const identity = join(this.dir, name);
    await exec('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', `${name}@pair`, '-f', identity]);
    return { identity, publicKey: (await readFile(`${identity}.pub`, 'utf8')).trim() };
  }

  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** ssh's options for a pair: this identity only, nothing from the machine's ssh setup, the server's key pinned. */
export function pairSshOptions(knownHosts: string, key: PairKey): string[] {
  return [
    '-F',
    '/dev/null',
    '-o',
    'BatchMode=yes',
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'IdentityAgent=none',
    '-o',
    `UserKnownHostsFile=${knownHosts}`,
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'ConnectTimeout=10',
    '-i',
    key.identity,
  ];
}

export interface PairResult {
  /** The pair saw `expect` in their terminal. */
  joined: boolean;
  /** What the terminal showed (stdout) and what ssh said (stderr). */
  output: string;
  stderr: string;
  /** ssh's exit code when it ended by itself (null: we ended it after it got in, or it was killed). */
  code: number | null;
}

/**
 * Runs the link as a pair would, with a pty (`-tt`, the server wants a shell with a pty). Resolves when
 * the terminal shows `expect` (then ssh is ended), or when ssh ends by itself (refused, or thrown out).
 * `afterConnect` runs once ssh's terminal shows anything, e.g. to type something on the host side.
 */
export async function joinAsPair(
  server: TestTmateServer,
  link: string,
  key: PairKey,
  expect: string | RegExp,
  options: { timeoutMs?: number; afterConnect?: () => Promise<void> } = {},
): Promise<PairResult> {
  const words = link.trim().split(/\s+/);
  if (words[0] !== 'ssh') throw new Error(`not an ssh link: ${link}`);
  const home = await mkdtemp(join(tmpdir(), 'pairbar-pair-home-'));
  const knownHosts = join(home, 'known_hosts');
  await writeFile(knownHosts, `[${server.host}]:${server.port} ${server.publicKey}\n`);
  const args = [...pairSshOptions(knownHosts, key), '-tt', ...words.slice(1)];
  const child = spawn('/usr/bin/ssh', args, {
    env: { PATH: process.env.PATH, HOME: home, TERM: 'xterm' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  let stderr = '';
  try {
    return await new Promise<PairResult>((resolve, reject) => {
      let connected = false;
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(
          new Error(
            `ssh ${words.slice(1).join(' ')} did not show ${String(expect)} nor end within ${options.timeoutMs ?? 20_000} ms; stdout ${JSON.stringify(output.slice(-300))}, stderr ${JSON.stringify(stderr)}`,
          ),
        );
      }, options.timeoutMs ?? 20_000);
      const matches = () => (typeof expect === 'string' ? output.includes(expect) : expect.test(output));
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (!connected && options.afterConnect) {
          connected = true;
          options.afterConnect().catch(reject);
        }
        if (matches()) {
          clearTimeout(timer);
          child.kill('SIGTERM');
          resolve({ joined: true, output, stderr, code: null });
        }
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once('close', (code) => {
        clearTimeout(timer);
        resolve({ joined: matches(), output, stderr, code });
      });
    });
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise((resolve) => {
        child.once('close', resolve);
        child.kill('SIGKILL');
      });
    }
    await rm(home, { recursive: true, force: true });
  }
}
