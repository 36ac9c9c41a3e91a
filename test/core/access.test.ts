/**
 * Who gets in, for real: real tmux, real tmate 2.4.0, the test tmate server enforcing the keys the host
 * sends, real OpenSSH as the pair, and a forge stand-in (HTTP on 127.0.0.1) serving NAME.keys.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, test } from 'node:test';
import { isPairbarError } from '../../main/core/errors.ts';
import type { Share } from '../../main/core/shares.ts';
import { joinAsPair, PairKeys, type PairKey } from '../support/pair-ssh.ts';
import { Sandbox, startServer, switchServer, waitFor } from '../support/sandbox.ts';
import type { HostConnection, TestTmateServer } from '../support/tmate-server.ts';

let keys: PairKeys;
let alice: PairKey;
let bob: PairKey;
let mallory: PairKey;
let forge: Server;
let forgeBase: string;

function keyOnly(line: string): string {
  return line.split(' ').slice(0, 2).join(' ');
}

before(async () => {
  keys = await PairKeys.create();
  alice = await keys.key('alice');
  bob = await keys.key('bob', 'ecdsa');
  mallory = await keys.key('mallory');
  forge = createServer((req, res) => {
    const plain = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    switch (req.url) {
      case '/alice.keys':
        return plain(200, `${keyOnly(alice.publicKey)}\n`);
      case '/html.keys':
        return plain(200, '<!DOCTYPE html><title>Sign in</title>', 'text/html');
      case '/empty.keys':
        return plain(200, '');
      case '/moved.keys':
        res.writeHead(301, { location: `${forgeBase}/alice.keys` });
        return void res.end();
      case '/huge.keys':
        return plain(200, `${keyOnly(alice.publicKey)}\n`.repeat(3000));
      default:
        return plain(404, 'Not Found');
    }
  });
  await new Promise<void>((resolve) => forge.listen(0, '127.0.0.1', resolve));
  forgeBase = `http://127.0.0.1:${(forge.address() as AddressInfo).port}`;
});

after(async () => {
  forge.closeAllConnections();
  await new Promise<void>((resolve) => forge.close(() => resolve()));
  await keys.dispose();
});

let sandbox: Sandbox;
let server: TestTmateServer;

beforeEach(async () => {
  sandbox = await Sandbox.create();
  // A bare self-hosted server: what users run now that tmate.io is gone.
  server = await startServer({ mode: 'self-hosted' });
  await sandbox.useServer(server);
  await sandbox.setPrefs({ 'access.githubUrl': forgeBase, 'access.gitlabUrl': forgeBase, 'access.codebergUrl': forgeBase });
});

afterEach(async () => {
  await sandbox.dispose();
  await server.close();
});

function shareDir(share: Share): string {
  return join(sandbox.env.PAIRBAR_RUNTIME_DIR!, share.id);
}

function shareDirs(): string[] {
  const dir = sandbox.env.PAIRBAR_RUNTIME_DIR!;
  return existsSync(dir) ? readdirSync(dir) : [];
}

/** A session "work" with the user's own terminal attached; returns its id and the user's clients. */
async function userSession(marker?: string): Promise<{ id: string; userClients: string[] }> {
  const id = sandbox.newSession('work', 'default', 'sh');
  if (marker) sandbox.tmux(['send-keys', '-t', `${id}:`, `echo ${marker}`, 'Enter']);
  sandbox.attachUserClient(id);
  await sandbox.waitForClients(id, 1);
  return { id, userClients: sandbox.clientsOf(id) };
}

async function hostWithKeys(count: number): Promise<HostConnection> {
  const host = await server.nextConnection();
  await waitFor('the host to send its authorized keys', () => host.authorizedKeys.length >= count);
  return host;
}

test('a share for github:alice and a keys file: only their keys get in, the file is 0600 in the share dir and goes with the share', async () => {
  const { id, userClients } = await userSession();
  const teamFile = await sandbox.writeFile('team.keys', `# the team\n${bob.publicKey}\n${alice.publicKey}\n`);

  const { shares } = sandbox.runtime();
  const share = await shares.share({ session: 'work' }, { allowed: [{ kind: 'github', user: 'alice' }, { kind: 'file', path: teamFile }] });
  assert.equal(share.state, 'sharing');
  assert.deepEqual(share.allowed, [
    { source: 'github:alice', keys: 1 },
    { source: `file:${teamFile}`, keys: 2 },
  ]);

  const keysFile = join(shareDir(share), 'authorized_keys');
  assert.equal(statSync(keysFile).mode & 0o777, 0o600);
  // Merged and de-duplicated: alice's key is in both sources, once in the file.
  assert.deepEqual(readFileSync(keysFile, 'utf8').trim().split('\n'), [keyOnly(alice.publicKey), keyOnly(bob.publicKey)]);
  assert.match(readFileSync(join(shareDir(share), 'tmate.conf'), 'utf8'), new RegExp(`set -g tmate-authorized-keys "${keysFile}"`));

  const host = await hostWithKeys(2);
  assert.deepEqual([...host.authorizedKeys].sort(), [keyOnly(alice.publicKey), keyOnly(bob.publicKey)].sort());

  for (const link of [share.links.ssh!, share.links.sshReadOnly!]) {
    const refused = await joinAsPair(server, link, mallory, 'never shown');
    assert.equal(refused.joined, false);
    assert.match(refused.stderr, /Permission denied \(publickey\)/);
  }
  sandbox.tmux(['send-keys', '-t', `${id}:`, 'echo ONLY-LISTED-KEYS-SEE-THIS', 'Enter']);
  for (const pair of [alice, bob]) {
    const joined = await joinAsPair(server, share.links.ssh!, pair, 'ONLY-LISTED-KEYS-SEE-THIS');
    assert.equal(joined.joined, true, `${pair.identity}: ${joined.stderr}`);
  }

  await shares.stop(share.id);
  assert.equal(existsSync(keysFile), false, 'the keys file went with the share');
  assert.deepEqual(shareDirs(), []);
  assert.deepEqual(sandbox.tmatePids(), [], 'no tmate left');
  assert.deepEqual(sandbox.clientsOf(id), userClients, 'the user is still attached');
});

test('the preference access.default restricts a share that names no keys; an explicit null opens it', async () => {
  sandbox.newSession('work', 'default', 'sh');
  sandbox.newSession('open', 'default', 'sh');
  await sandbox.setPrefs({ 'access.default': 'github:alice' });
  const { shares } = sandbox.runtime();
  const restricted = await shares.share({ session: 'work' });
  assert.deepEqual(restricted.allowed, [{ source: 'github:alice', keys: 1 }]);
  const host = await hostWithKeys(1);
  assert.deepEqual(host.authorizedKeys, [keyOnly(alice.publicKey)]);

  const open = await shares.share({ session: 'open' }, { allowed: null });
  assert.equal(open.allowed, null);
  assert.equal(existsSync(join(shareDir(open), 'authorized_keys')), false);
  assert.doesNotMatch(readFileSync(join(shareDir(open), 'tmate.conf'), 'utf8'), /tmate-authorized-keys/);
  const openHost = await server.nextConnection();
  assert.deepEqual(openHost.authorizedKeys, []);
});

test('a key source that fails starts no share: no tmate, no directory, no connection, and the error names the user and the cause', async () => {
  sandbox.newSession('work', 'default', 'sh');
  const { shares } = sandbox.runtime();
  const cases: Array<[string, string, RegExp]> = [
    ['ghost', 'KEYS_NOT_FOUND', /github:ghost.*404/],
    ['html', 'KEYS_INVALID', /github:html.*web page/],
    ['empty', 'KEYS_EMPTY', /github:empty/],
    ['moved', 'KEYS_FETCH_FAILED', /github:moved.*redirects/],
    ['huge', 'KEYS_FETCH_FAILED', /github:huge.*bytes/],
  ];
  for (const [user, code, message] of cases) {
    await assert.rejects(shares.share({ session: 'work' }, { allowed: [{ kind: 'github', user }] }), (error: unknown) => {
      assert.ok(isPairbarError(error));
      assert.equal(error.code, code);
      assert.match(error.message, message);
      return true;
    });
    assert.deepEqual(sandbox.tmatePids(), [], `${user}: no tmate`);
    assert.deepEqual(shareDirs(), [], `${user}: no share directory`);
    assert.deepEqual(shares.list(), [], `${user}: no share listed`);
  }
  assert.deepEqual(server.connections(), [], 'tmate never connected');
});

test('new links: the old token is refused, the new one works with the same keys, the user stays attached, no old tmate left', async () => {
  const { id, userClients } = await userSession();
  const { shares } = sandbox.runtime();
  const old = await shares.share({ session: 'work' }, { allowed: [{ kind: 'github', user: 'alice' }], endAfterMs: 3_600_000 });
  const oldHost = await hostWithKeys(1);
  const [oldPid] = sandbox.tmatePids();

  const fresh = await shares.rotate(old.id);
  await oldHost.closed;
  assert.equal(fresh.state, 'sharing');
  assert.equal(fresh.session, 'work');
  assert.notEqual(fresh.links.ssh, old.links.ssh);
  assert.notEqual(fresh.links.sshReadOnly, old.links.sshReadOnly);
  assert.deepEqual(fresh.allowed, old.allowed, 'the same keys');
  assert.equal(fresh.endsAt, old.endsAt, 'the same end time');
  const newHost = await hostWithKeys(1);
  assert.deepEqual(newHost.authorizedKeys, [keyOnly(alice.publicKey)]);

  const pids = sandbox.tmatePids();
  assert.equal(pids.length, 1);
  assert.notEqual(pids[0], oldPid, 'the old tmate is gone');
  assert.deepEqual(shareDirs(), [fresh.id]);
  assert.deepEqual(sandbox.clientsOf(id).filter((tty) => userClients.includes(tty)), userClients, 'the user is still attached');

  for (const link of [old.links.ssh!, old.links.sshReadOnly!]) {
    const stale = await joinAsPair(server, link, alice, 'never shown');
    assert.equal(stale.joined, false);
    assert.match(stale.output, /Invalid session token/, 'the old link leads nowhere');
  }
  const refused = await joinAsPair(server, fresh.links.ssh!, mallory, 'never shown');
  assert.match(refused.stderr, /Permission denied \(publickey\)/, 'still only the listed keys');
  sandbox.tmux(['send-keys', '-t', `${id}:`, 'echo AFTER-NEW-LINKS', 'Enter']);
  const joined = await joinAsPair(server, fresh.links.ssh!, alice, 'AFTER-NEW-LINKS');
  assert.equal(joined.joined, true, joined.stderr);

  await assert.rejects(shares.rotate(old.id), (error: unknown) => isPairbarError(error) && error.code === 'SHARE_NOT_FOUND');
});

test('new links for an open share on a tmate.io-style server: new tokens, still open', async () => {
  server = await switchServer(sandbox, server, {});
  sandbox.newSession('work', 'default', 'sh');
  const { shares } = sandbox.runtime();
  const old = await shares.share({ session: 'work' });
  const oldHost = await server.nextConnection();
  const fresh = await shares.rotate(old.id);
  await oldHost.closed;
  const newHost = await server.nextConnection();
  assert.equal(fresh.links.ssh, newHost.links.ssh);
  assert.equal(fresh.links.web, newHost.links.web);
  assert.notEqual(fresh.links.web, old.links.web);
  assert.equal(fresh.allowed, null);
  assert.equal(sandbox.tmatePids().length, 1);
});

test('auto-end: the warning comes at once when less than a minute is left, the share ends on time, the session and the user are untouched', async () => {
  const { id, userClients } = await userSession('STILL-HERE');
  const { shares } = sandbox.runtime();
  const warnings: Array<[Share, number]> = [];
  shares.on('ending', (share, msLeft) => warnings.push([share, msLeft]));
  const started = Date.now();
  const share = await shares.share({ session: 'work' }, { endAfterMs: 2_000 });
  const host = await server.nextConnection();
  assert.ok(share.endsAt !== null && share.endsAt >= started + 2_000 && share.endsAt <= Date.now() + 2_000);
  const record = JSON.parse(readFileSync(join(shareDir(share), 'share.json'), 'utf8')) as { endsAt: number };
  assert.equal(record.endsAt, share.endsAt, 'recorded for whoever adopts it');

  await waitFor('the share to end by itself', () => shares.list().length === 0, 15_000);
  assert.ok(Date.now() >= share.endsAt, 'not before its time');
  await host.closed;
  assert.equal(warnings.length, 1);
  assert.equal(warnings[0]?.[0].id, share.id);
  assert.ok((warnings[0]?.[1] ?? -1) > 0 && (warnings[0]?.[1] ?? 0) <= 2_000);
  assert.deepEqual(sandbox.tmatePids(), []);
  assert.deepEqual(shareDirs(), []);
  assert.deepEqual(sandbox.clientsOf(id), userClients, 'the user is still attached');
  assert.ok(sandbox.capture(`${id}:`).includes('STILL-HERE'), 'the session lives on');
});

test('auto-end survives adoption: a process that adopts the share ends it on time', async () => {
  sandbox.newSession('work', 'default', 'sh');
  const first = sandbox.runtime();
  const share = await first.shares.share({ session: 'work' }, { endAfterMs: 3_000 });
  // The first process stops following (as the command does when it exits); its timer goes with it.
  first.shares.close();
  const second = sandbox.runtime();
  const adopted = await second.shares.adopt();
  assert.equal(adopted[0]?.endsAt, share.endsAt);
  await waitFor('the adopted share to end on time', () => second.shares.list().length === 0, 15_000);
  assert.ok(Date.now() >= share.endsAt!);
  assert.deepEqual(sandbox.tmatePids(), []);
});
