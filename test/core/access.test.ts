/**
 * Who gets in, for real: real tmux, real tmate 2.4.0, the test tmate server enforcing the keys the host
 * sends, real OpenSSH as the pair, and a forge stand-in (HTTP on 127.0.0.1) serving NAME.keys.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isPairbarError } from '../../main/core/errors.ts';
import { validateShareOptions } from '../../main/core/share-options.ts';
import { AppState } from '../../main/app/app-state.ts';
import type { Share } from '../../main/core/shares.ts';
import { accessCast, keyOnly } from '../support/forge.ts';
import { joinAsPair } from '../support/pair-ssh.ts';
import { switchServer, waitFor } from '../support/sandbox.ts';
import type { HostConnection } from '../support/tmate-server.ts';

const cast = accessCast();

function shareDir(share: Share): string {
  return join(cast.sandbox.env.PAIRBAR_RUNTIME_DIR!, share.id);
}

function shareDirs(): string[] {
  const dir = cast.sandbox.env.PAIRBAR_RUNTIME_DIR!;
  return existsSync(dir) ? readdirSync(dir) : [];
}

/** A session "work" with the user's own terminal attached; returns its id and the user's clients. */
async function userSession(marker?: string): Promise<{ id: string; userClients: string[] }> {
  const id = cast.sandbox.newSession('work', 'default', 'sh');
  if (marker) cast.sandbox.tmux(['send-keys', '-t', `${id}:`, `echo ${marker}`, 'Enter']);
  cast.sandbox.attachUserClient(id);
  await cast.sandbox.waitForClients(id, 1);
  return { id, userClients: cast.sandbox.clientsOf(id) };
}

async function hostWithKeys(count: number): Promise<HostConnection> {
  const host = await cast.server.nextConnection();
  await waitFor('the host to send its authorized keys', () => host.authorizedKeys.length >= count);
  return host;
}

test('a share for github:alice and a keys file: only their keys get in, the file is 0600 in the share dir and goes with the share', async () => {
  const { id, userClients } = await userSession();
  const teamFile = await cast.sandbox.writeFile(
    'team.keys',
    `# the team\n${cast.bob.publicKey}\n${cast.alice.publicKey}\n`,
  );

  const { shares } = cast.sandbox.runtime();
  const share = await shares.share(
    { session: 'work' },
    {
      allowed: [
        { kind: 'github', user: 'alice' },
        { kind: 'file', path: teamFile },
      ],
    },
  );
  assert.equal(share.state, 'sharing');
  assert.deepEqual(share.allowed, [
    { source: 'github:alice', keys: 1 },
    { source: `file:${teamFile}`, keys: 2 },
  ]);

  const keysFile = join(shareDir(share), 'authorized_keys');
  assert.equal(statSync(keysFile).mode & 0o777, 0o600);
  // Merged and de-duplicated: alice's key is in both sources, once in the file.
  assert.deepEqual(readFileSync(keysFile, 'utf8').trim().split('\n'), [
    keyOnly(cast.alice.publicKey),
    keyOnly(cast.bob.publicKey),
  ]);
  assert.match(
    readFileSync(join(shareDir(share), 'tmate.conf'), 'utf8'),
    new RegExp(`set -g tmate-authorized-keys "${keysFile}"`),
  );

  const host = await hostWithKeys(2);
  assert.deepEqual(
    [...host.authorizedKeys].sort(),
    [keyOnly(cast.alice.publicKey), keyOnly(cast.bob.publicKey)].sort(),
  );

  for (const link of [share.links.ssh!, share.links.sshReadOnly!]) {
    const refused = await joinAsPair(cast.server, link, cast.mallory, 'never shown');
    assert.equal(refused.joined, false);
    assert.match(refused.stderr, /Permission denied \(publickey\)/);
  }
  cast.sandbox.tmux(['send-keys', '-t', `${id}:`, 'echo ONLY-LISTED-KEYS-SEE-THIS', 'Enter']);
  for (const pair of [cast.alice, cast.bob]) {
    const joined = await joinAsPair(cast.server, share.links.ssh!, pair, 'ONLY-LISTED-KEYS-SEE-THIS');
    assert.equal(joined.joined, true, `${pair.identity}: ${joined.stderr}`);
  }

  await shares.stop(share.id);
  assert.equal(existsSync(keysFile), false, 'the keys file went with the share');
  assert.deepEqual(shareDirs(), []);
  assert.deepEqual(cast.sandbox.tmatePids(), [], 'no tmate left');
  assert.deepEqual(cast.sandbox.clientsOf(id), userClients, 'the user is still attached');
});

test('the preference access.default restricts a share that names no keys; an explicit null opens it', async () => {
  cast.sandbox.newSession('work', 'default', 'sh');
  cast.sandbox.newSession('open', 'default', 'sh');
  await cast.sandbox.setPrefs({ 'access.default': 'github:alice' });
  const { shares } = cast.sandbox.runtime();
  const restricted = await shares.share({ session: 'work' });
  assert.deepEqual(restricted.allowed, [{ source: 'github:alice', keys: 1 }]);
  const host = await hostWithKeys(1);
  assert.deepEqual(host.authorizedKeys, [keyOnly(cast.alice.publicKey)]);

  const open = await shares.share({ session: 'open' }, { allowed: null });
  assert.equal(open.allowed, null);
  assert.equal(existsSync(join(shareDir(open), 'authorized_keys')), false);
  assert.doesNotMatch(readFileSync(join(shareDir(open), 'tmate.conf'), 'utf8'), /tmate-authorized-keys/);
  const openHost = await cast.server.nextConnection();
  assert.deepEqual(openHost.authorizedKeys, []);
});

test('asking for keys on a session already shared otherwise is refused, not answered with the open share', async () => {
  cast.sandbox.newSession('work', 'default', 'sh');
  cast.sandbox.newSession('locked', 'default', 'sh');
  const { shares } = cast.sandbox.runtime();
  const open = await shares.share({ session: 'work' }, { allowed: null });
  await assert.rejects(
    shares.share({ session: 'work' }, { allowed: [{ kind: 'github', user: 'alice' }] }),
    (error: unknown) => {
      assert.ok(isPairbarError(error));
      assert.match(error.message, /"work" is already shared, and anyone with a link may join it/);
      return true;
    },
  );
  assert.equal((await shares.share({ session: 'work' })).id, open.id, 'naming no keys gives the share there is');
  const locked = await shares.share({ session: 'locked' }, { allowed: [{ kind: 'github', user: 'alice' }] });
  assert.equal(
    (await shares.share({ session: 'locked' }, { allowed: [{ kind: 'github', user: 'alice' }] })).id,
    locked.id,
    'the same keys: the same share',
  );
  await assert.rejects(shares.share({ session: 'locked' }, { allowed: null }), /only github:alice may join it/);
  assert.equal(cast.sandbox.tmatePids().length, 2);
});

test("the app's state takes the options as validateShareOptions gives them, and gives the share back restricted", async () => {
  cast.sandbox.newSession('work', 'default', 'sh');
  const state = new AppState(cast.sandbox.runtime());
  const options = validateShareOptions({ allowed: ['github:alice'], endAfterMs: 600_000 });
  assert.ok(typeof options !== 'string');
  const result = await state.share({ session: 'work', socket: cast.sandbox.socket() }, options);
  assert.ok(result.ok, result.ok ? '' : result.error.message);
  assert.deepEqual(result.value.allowed, [{ source: 'github:alice', keys: 1 }]);
  assert.ok(result.value.endsAt !== null && result.value.endsAt > Date.now() + 590_000);
  const refused = await state.share({ session: 'work', socket: cast.sandbox.socket() }, { allowed: null });
  assert.equal(refused.ok, false);
});

test('a key source that fails starts no share: no tmate, no directory, no connection, and the error names the user and the cause', async () => {
  cast.sandbox.newSession('work', 'default', 'sh');
  const { shares } = cast.sandbox.runtime();
  const cases: Array<[string, string, RegExp]> = [
    ['ghost', 'KEYS_NOT_FOUND', /github:ghost.*404/],
    ['html', 'KEYS_INVALID', /github:html.*web page/],
    ['empty', 'KEYS_EMPTY', /github:empty/],
    ['moved', 'KEYS_FETCH_FAILED', /github:moved.*redirects/],
    ['huge', 'KEYS_FETCH_FAILED', /github:huge.*bytes/],
  ];
  for (const [user, code, message] of cases) {
    await assert.rejects(
      shares.share({ session: 'work' }, { allowed: [{ kind: 'github', user }] }),
      (error: unknown) => {
        assert.ok(isPairbarError(error));
        assert.equal(error.code, code);
        assert.match(error.message, message);
        return true;
      },
    );
    assert.deepEqual(cast.sandbox.tmatePids(), [], `${user}: no tmate`);
    assert.deepEqual(shareDirs(), [], `${user}: no share directory`);
    assert.deepEqual(shares.list(), [], `${user}: no share listed`);
  }
  assert.deepEqual(cast.server.connections(), [], 'tmate never connected');
});

test('new links: the old token is refused, the new one works with the same keys, the user stays attached, no old tmate left', async () => {
  const { id, userClients } = await userSession();
  const { shares } = cast.sandbox.runtime();
  const old = await shares.share(
    { session: 'work' },
    { allowed: [{ kind: 'github', user: 'alice' }], endAfterMs: 3_600_000 },
  );
  const oldHost = await hostWithKeys(1);
  const [oldPid] = cast.sandbox.tmatePids();

  const fresh = await shares.rotate(old.id);
  await oldHost.closed;
  assert.equal(fresh.state, 'sharing');
  assert.equal(fresh.session, 'work');
  assert.notEqual(fresh.links.ssh, old.links.ssh);
  assert.notEqual(fresh.links.sshReadOnly, old.links.sshReadOnly);
  assert.deepEqual(fresh.allowed, old.allowed, 'the same keys');
  assert.equal(fresh.endsAt, old.endsAt, 'the same end time');
  const newHost = await hostWithKeys(1);
  assert.deepEqual(newHost.authorizedKeys, [keyOnly(cast.alice.publicKey)]);

  const pids = cast.sandbox.tmatePids();
  assert.equal(pids.length, 1);
  assert.notEqual(pids[0], oldPid, 'the old tmate is gone');
  assert.deepEqual(shareDirs(), [fresh.id]);
  assert.deepEqual(
    cast.sandbox.clientsOf(id).filter((tty) => userClients.includes(tty)),
    userClients,
    'the user is still attached',
  );

  for (const link of [old.links.ssh!, old.links.sshReadOnly!]) {
    const stale = await joinAsPair(cast.server, link, cast.alice, 'never shown');
    assert.equal(stale.joined, false);
    assert.match(stale.output, /Invalid or expired session token/, 'the old link leads nowhere');
  }
  const refused = await joinAsPair(cast.server, fresh.links.ssh!, cast.mallory, 'never shown');
  assert.match(refused.stderr, /Permission denied \(publickey\)/, 'still only the listed keys');
  cast.sandbox.tmux(['send-keys', '-t', `${id}:`, 'echo AFTER-NEW-LINKS', 'Enter']);
  const joined = await joinAsPair(cast.server, fresh.links.ssh!, cast.alice, 'AFTER-NEW-LINKS');
  assert.equal(joined.joined, true, joined.stderr);

  await assert.rejects(
    shares.rotate(old.id),
    (error: unknown) => isPairbarError(error) && error.code === 'SHARE_NOT_FOUND',
  );
});

test('new links that cannot start: the old links are dead anyway, the new terminal and its user stay, the failure is shown', async () => {
  await cast.sandbox.useServer(cast.server, 3);
  const { shares } = cast.sandbox.runtime();
  const blank = await shares.share({});
  assert.equal(blank.blank, true);
  cast.sandbox.attachUserClient(blank.sessionId);
  await cast.sandbox.waitForClients(blank.sessionId, 2);
  const oldHost = await cast.server.nextConnection();
  await cast.server.setRefusing(true);
  await assert.rejects(
    shares.rotate(blank.id),
    (error: unknown) => isPairbarError(error) && /refused the connection/.test(error.message),
  );
  await oldHost.closed;
  assert.deepEqual(cast.sandbox.tmatePids(), []);
  assert.equal(cast.sandbox.clientsOf(blank.sessionId).length, 1, 'the blank session lives on with the user in it');
  const [failed] = shares.list();
  assert.equal(failed?.state, 'failed');
  assert.equal(failed?.session, blank.session);
});

test('new links for an open share on a tmate.io-style server: new tokens, still open', async () => {
  cast.server = await switchServer(cast.sandbox, cast.server, { mode: 'tmate.io' });
  cast.sandbox.newSession('work', 'default', 'sh');
  const { shares } = cast.sandbox.runtime();
  const old = await shares.share({ session: 'work' });
  const oldHost = await cast.server.nextConnection();
  const fresh = await shares.rotate(old.id);
  await oldHost.closed;
  const newHost = await cast.server.nextConnection();
  assert.equal(fresh.links.ssh, newHost.links.ssh);
  assert.equal(fresh.links.web, newHost.links.web);
  assert.notEqual(fresh.links.web, old.links.web);
  assert.equal(fresh.allowed, null);
  assert.equal(cast.sandbox.tmatePids().length, 1);
});

test('on a tmate.io-style server a restricted share gets no web links (a browser cannot show a key); an open one does', async () => {
  cast.server = await switchServer(cast.sandbox, cast.server, { mode: 'tmate.io' });
  cast.sandbox.newSession('work', 'default', 'sh');
  cast.sandbox.newSession('open', 'default', 'sh');
  const { shares } = cast.sandbox.runtime();
  const restricted = await shares.share({ session: 'work' }, { allowed: [{ kind: 'github', user: 'alice' }] });
  const host = await cast.server.nextConnection();
  // Known at the handshake: the keys come before the client's READY.
  assert.deepEqual(host.authorizedKeys, [keyOnly(cast.alice.publicKey)]);
  assert.equal(restricted.links.web, null);
  assert.equal(restricted.links.webReadOnly, null);
  assert.equal(restricted.links.ssh, host.links.ssh);
  assert.equal(restricted.clients, 0, 'the server still counts pairs');
  const open = await shares.share({ session: 'open' }, { allowed: null });
  assert.match(open.links.web ?? '', /^https:\/\/tmate\.io\/t\//);
});

test('auto-end: the warning comes at once when less than a minute is left, the share ends on time, the session and the user are untouched', async () => {
  const { id, userClients } = await userSession('STILL-HERE');
  const { shares } = cast.sandbox.runtime();
  const warnings: Array<[Share, number]> = [];
  shares.on('ending', (share, msLeft) => warnings.push([share, msLeft]));
  const started = Date.now();
  const share = await shares.share({ session: 'work' }, { endAfterMs: 2_000 });
  const host = await cast.server.nextConnection();
  assert.ok(share.endsAt !== null && share.endsAt >= started + 2_000 && share.endsAt <= Date.now() + 2_000);
  const record = JSON.parse(readFileSync(join(shareDir(share), 'share.json'), 'utf8')) as { endsAt: number };
  assert.equal(record.endsAt, share.endsAt, 'recorded for whoever adopts it');

  // Ended means gone from the list and its directory removed (the list empties first, the files follow).
  await waitFor('the share to end by itself', () => shares.list().length === 0 && shareDirs().length === 0, 15_000);
  assert.ok(Date.now() >= share.endsAt, 'not before its time');
  await host.closed;
  assert.equal(warnings.length, 1);
  assert.equal(warnings[0]?.[0].id, share.id);
  assert.ok((warnings[0]?.[1] ?? -1) > 0 && (warnings[0]?.[1] ?? 0) <= 2_000);
  assert.deepEqual(cast.sandbox.tmatePids(), []);
  assert.deepEqual(shareDirs(), []);
  assert.deepEqual(cast.sandbox.clientsOf(id), userClients, 'the user is still attached');
  assert.ok(cast.sandbox.capture(`${id}:`).includes('STILL-HERE'), 'the session lives on');
});

test('auto-end survives adoption: a process that adopts the share ends it on time', async () => {
  cast.sandbox.newSession('work', 'default', 'sh');
  const first = cast.sandbox.runtime();
  const share = await first.shares.share({ session: 'work' }, { endAfterMs: 3_000 });
  // The first process stops following (as the command does when it exits); its timer goes with it.
  first.shares.close();
  const second = cast.sandbox.runtime();
  const adopted = await second.shares.adopt();
  assert.equal(adopted[0]?.endsAt, share.endsAt);
  // Ended means gone from the list and its directory removed (the list empties first, tmate and the files follow).
  await waitFor(
    'the adopted share to end on time',
    () => second.shares.list().length === 0 && shareDirs().length === 0,
    15_000,
  );
  assert.ok(Date.now() >= share.endsAt!);
  assert.deepEqual(cast.sandbox.tmatePids(), []);
});
