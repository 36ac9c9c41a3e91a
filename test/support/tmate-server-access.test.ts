/**
 * The test server's pair side, with the real tmate 2.4.0 as the host and the real OpenSSH client as the
 * pair: the host's `tmate-authorized-keys` reaches the server, and only those keys get in.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { TestTmateServer, type HostConnection, type TestTmateServerOptions } from './tmate-server.ts';
import { joinAsPair, PairKeys, type PairKey } from './pair-ssh.ts';

const exec = promisify(execFile);

let keys: PairKeys;
let alice: PairKey;
let mallory: PairKey;

before(async () => {
  keys = await PairKeys.create();
  alice = await keys.key('alice');
  mallory = await keys.key('mallory');
});
after(() => keys.dispose());

/** A bare tmate host (no Pairbar) on its own socket, with extra config lines; ended by `end()`. */
async function tmateHost(
  server: TestTmateServer,
  extraConfig: string,
): Promise<{ host: HostConnection; type: (text: string) => Promise<void>; end: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'pairbar-host-'));
  const sock = join(dir, 'sock');
  const conf = join(dir, 'conf');
  writeFileSync(conf, `${server.tmateConfig()}set -g tmate-foreground-restart 0\n${extraConfig}`);
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: dir, SHELL: '/bin/sh', TERM: 'xterm' };
  const log = openSync(join(dir, 'log'), 'a');
  const child = spawn('tmate', ['-F', '-S', sock, '-f', conf], { detached: true, stdio: ['ignore', log, log], env });
  closeSync(log);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const end = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      process.kill(-child.pid, 'SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const host = await server.nextConnection();
    const type = async (text: string): Promise<void> => {
      await exec('tmate', ['-S', sock, 'send-keys', text, 'Enter'], { env });
    };
    return { host, type, end };
  } catch (error) {
    const text = await readFile(join(dir, 'log'), 'utf8').catch(() => '');
    await end();
    throw new Error(`${String(error)}; tmate log:\n${text}`, { cause: error });
  }
}

type TmateHost = Awaited<ReturnType<typeof tmateHost>>;

/** A server and a bare tmate host on it for the length of `run`, both ended afterwards. */
async function withTmateHost(
  options: TestTmateServerOptions,
  extraConfig: string,
  run: (server: TestTmateServer, tmate: TmateHost) => Promise<void>,
): Promise<void> {
  const server = await TestTmateServer.start(options);
  try {
    const tmate = await tmateHost(server, extraConfig);
    try {
      await run(server, tmate);
    } finally {
      await tmate.end();
    }
  } finally {
    await server.close();
  }
}

/** Joins and waits to see a line typed on the host after ssh showed its first output. */
function joinAndSee(server: TestTmateServer, tmate: TmateHost, link: string, key: PairKey, onConnect?: () => void) {
  const marker = `pair-sees-${Date.now()}`;
  return joinAsPair(server, link, key, marker, {
    afterConnect: async () => {
      onConnect?.();
      await tmate.type(`echo ${marker}`);
    },
  });
}

test(
  'tmate sends each line of tmate-authorized-keys; a listed key gets in, an unlisted one is refused',
  { timeout: 60_000 },
  async () => {
    const file = join(keys.dir, 'allowed');
    writeFileSync(file, `${alice.publicKey}\n`);
    await withTmateHost({ mode: 'self-hosted' }, `set -g tmate-authorized-keys "${file}"\n`, async (server, tmate) => {
      const { host } = tmate;
      // Known when the handshake completes: the keys come before the client's READY.
      assert.deepEqual(host.authorizedKeys, [alice.publicKey], 'the server learnt the keys from the host');

      for (const link of [host.links.ssh, host.links.sshReadOnly]) {
        const refused = await joinAsPair(server, link, mallory, 'never shown');
        assert.equal(refused.joined, false);
        assert.match(refused.stderr, /Permission denied \(publickey\)/);
        assert.equal(refused.code, 255);
      }

      const joined = await joinAndSee(server, tmate, host.links.ssh, alice);
      assert.equal(joined.joined, true, `stderr: ${joined.stderr}`);
      assert.doesNotMatch(joined.stderr, /Permission denied/);
    });
  },
);

test(
  'without tmate-authorized-keys any key gets in; a token nobody holds is told so',
  { timeout: 60_000 },
  async () => {
    await withTmateHost({}, '', async (server, tmate) => {
      assert.deepEqual(tmate.host.authorizedKeys, []);
      const joined = await joinAndSee(server, tmate, tmate.host.links.sshReadOnly, mallory);
      assert.equal(joined.joined, true, `stderr: ${joined.stderr}`);

      const unknown = await joinAsPair(
        server,
        `ssh -p${server.port} ${'x'.repeat(25)}@${server.host}`,
        alice,
        'never shown',
      );
      assert.equal(unknown.joined, false);
      assert.match(unknown.output, /Invalid or expired session token/);
      assert.notEqual(unknown.code, 0);
    });
  },
);

test('a real pair joining counts as a join on a tmate.io-style server', { timeout: 60_000 }, async () => {
  await withTmateHost({ mode: 'tmate.io' }, '', async (server, tmate) => {
    const { host } = tmate;
    let during = -1;
    await joinAndSee(server, tmate, host.links.ssh, alice, () => {
      during = host.sshPairs;
    });
    assert.equal(during, 1);
    const deadline = Date.now() + 5_000;
    while (host.sshPairs !== 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(host.sshPairs, 0, 'the pair left when ssh ended');
    assert.equal(host.clients, 0);
  });
});
