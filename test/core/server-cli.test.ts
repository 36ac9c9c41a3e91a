/**
 * `pairbar server …` and `share --server` as a user runs them: the built command, a real preferences file,
 * real tmate and the test tmate server on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { Sandbox, startServer, waitFor } from '../support/sandbox.ts';
import type { TestTmateServer } from '../support/tmate-server.ts';

let sandbox: Sandbox;
let server: TestTmateServer;
let others: TestTmateServer[] = [];

beforeEach(async () => {
  sandbox = await Sandbox.create();
  server = await startServer();
});

afterEach(async () => {
  await sandbox.dispose();
  await server.close();
  for (const other of others) await other.close();
  others = [];
});

const prefsFile = () => join(sandbox.env.PAIRBAR_CONFIG_DIR!, 'preferences.json');
const stored = async () => JSON.parse(await readFile(prefsFile(), 'utf8')) as Record<string, unknown>;

test('add with trust on first use: shows the keys the server presents, saves only once confirmed, and makes it the one in use', async () => {
  const address = `127.0.0.1:${server.port}`;
  assert.equal(
    (await sandbox.cli(['server', 'list'])).stdout,
    'No tmate server yet. Add yours: pairbar server add NAME HOST[:PORT]\n',
  );

  const unanswered = await sandbox.cli(['server', 'add', 'ours', address]);
  assert.equal(unanswered.code, 1);
  assert.match(
    unanswered.stdout,
    new RegExp(`presents these host keys:\\n  ed25519  ${server.fingerprint.replace(/[+/]/g, '\\$&')}\\n`),
  );
  assert.match(unanswered.stdout, /Compare them with what your server's operator gave you/);
  assert.match(unanswered.stderr, /not saved: the keys were not confirmed/);
  assert.match((await sandbox.cli(['server', 'list'])).stdout, /No tmate server yet/, 'nothing unconfirmed is saved');

  const declined = await sandbox.cli(['server', 'add', 'ours', address], {}, 'n\n');
  assert.equal(declined.code, 1);

  const confirmed = await sandbox.cli(['server', 'add', 'ours', address], {}, 'y\n');
  assert.equal(confirmed.code, 0, confirmed.stderr);
  assert.match(confirmed.stdout, /Trust them and save ours\? \[y\/N\] Saved ours/);
  assert.match(confirmed.stdout, /New shares go to ours\./);
  assert.equal((await sandbox.cli(['server', 'list'])).stdout, `* ours  ${address}  (keys: ed25519)\n`);
  const [listed] = JSON.parse((await sandbox.cli(['server', 'list', '--json'])).stdout);
  assert.deepEqual(listed, {
    name: 'ours',
    host: '127.0.0.1',
    port: server.port,
    rsaFingerprint: '',
    ed25519Fingerprint: server.fingerprint,
    ecdsaFingerprint: '',
    active: true,
    shutDown: false,
  });

  sandbox.newSession('work');
  const shared = await sandbox.cli(['share', 'work', '--json']);
  assert.equal(shared.code, 0, shared.stderr);
  const json = JSON.parse(shared.stdout);
  assert.equal(json.serverName, 'ours');
  assert.equal(json.reportsPairs, false);
  assert.equal(json.links.ssh, (await server.nextConnection()).links.ssh);
});

test('add --trust for scripts prints what it trusted; --paste reads tmate.conf lines from stdin', async () => {
  const trusted = await sandbox.cli(['server', 'add', 'scripted', `127.0.0.1:${server.port}`, '--trust']);
  assert.equal(trusted.code, 0, trusted.stderr);
  assert.match(
    trusted.stdout,
    /Trusted without asking \(--trust\)\.\nSaved scripted \(127\.0\.0\.1:\d+\), pinning ed25519 SHA256:/,
  );

  const conf = `# from our server's operator\r\nset -g tmate-server-host "127.0.0.1"\r\nset -g tmate-server-port ${server.port}\r\nset -g tmate-server-ed25519-fingerprint '${server.fingerprint}'\r\n`;
  const pasted = await sandbox.cli(['server', 'add', 'team', '--paste'], {}, conf);
  assert.equal(pasted.code, 0, pasted.stderr);
  assert.doesNotMatch(pasted.stdout, /presents these host keys/, 'fingerprints given: nothing to confirm');
  assert.match(pasted.stdout, /Saved team .*pinning ed25519/);
  assert.match(pasted.stdout, /New shares still go to scripted; to use this one: pairbar server use team/);
  assert.match(
    (await sandbox.cli(['server', 'test', 'team'])).stdout,
    /^team \(127\.0\.0\.1:\d+\): OK, links in \d+\.\d s\n {2}ssh link: {13}yes\n {2}read-only ssh link: {3}yes\n {2}web links: {12}no\n {2}reports who joins: {4}no\n$/,
  );

  const before = await readFile(prefsFile(), 'utf8');
  const bad = await sandbox.cli(
    ['server', 'add', 'typo', '--paste'],
    {},
    'set -g tmate-server-host tmate.example.com\nset -g tmate-server-prot 22\n',
  );
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /line 2 \("set -g tmate-server-prot 22"\): the option tmate-server-prot is not/);
  assert.equal(await readFile(prefsFile(), 'utf8'), before, 'nothing saved');
});

test('use, remove, and share --server: a share goes only where the user said', async () => {
  const second = await startServer();
  others.push(second);
  for (const [name, target] of [
    ['first', server],
    ['second', second],
  ] as const) {
    assert.equal((await sandbox.cli(['server', 'add', name, `127.0.0.1:${target.port}`, '--trust'])).code, 0);
  }
  sandbox.newSession('work');
  sandbox.newSession('api');
  const viaFlag = await sandbox.cli(['share', 'work', '--server', 'second', '--json']);
  assert.equal(viaFlag.code, 0, viaFlag.stderr);
  assert.equal(JSON.parse(viaFlag.stdout).server, `127.0.0.1:${second.port}`);
  assert.ok(await second.nextConnection());
  assert.deepEqual(server.connections(), [], 'nothing went to the one in use');

  const unknown = await sandbox.cli(['share', 'api', '--server', 'third']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /There is no tmate server named "third"/);

  const used = await sandbox.cli(['server', 'use', 'second']);
  assert.equal(used.stdout, `New shares go to second (127.0.0.1:${second.port}).\n`);
  assert.equal((await stored())['server.active'], 'second');

  const removed = await sandbox.cli(['server', 'remove', 'second']);
  assert.equal(removed.stdout, 'Removed second.\nNo server is in use now; choose one with: pairbar server use NAME\n');
  const refused = await sandbox.cli(['share', 'api']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /No tmate server chosen.*\nChoose one of yours: pairbar server use first\n$/);
  assert.equal(sandbox.tmatePids().length, 1, 'only the share of work runs');
});

test('status says when a bare server handed out new links, and who is in, saying the server tells neither who nor how many', async () => {
  assert.equal((await sandbox.cli(['server', 'add', 'ours', `127.0.0.1:${server.port}`, '--trust'])).code, 0);
  sandbox.newSession('work');
  assert.equal((await sandbox.cli(['share', 'work'])).code, 0);
  const status = await sandbox.cli(['status']);
  assert.match(status.stdout, /^ {2}who is in {6}Nobody is in \(this server doesn't say who or how many\)$/m);
  assert.doesNotMatch(status.stdout, /new links/);
  const first = await server.nextConnection();
  first.drop();
  const again = await server.nextConnection(15_000);
  await waitFor(
    'the new links in status',
    async () => (await sandbox.cli(['url'])).stdout.trim() === again.links.ssh,
    15_000,
  );
  const after = await sandbox.cli(['status', '--json']);
  const [json] = JSON.parse(after.stdout);
  assert.equal(typeof json.linksChangedAt, 'number');
  assert.match(
    (await sandbox.cli(['status'])).stdout,
    /^ {2}new links {6}since .*: the server handed out new ones, the old ones no longer work$/m,
  );
});

test('server test: --json, a failure exits 1 with the reason, and nothing is left running', async () => {
  assert.equal((await sandbox.cli(['server', 'add', 'ours', `127.0.0.1:${server.port}`, '--trust'])).code, 0);
  const ok = JSON.parse((await sandbox.cli(['server', 'test', '--json'])).stdout);
  assert.equal(ok.ok, true);
  assert.deepEqual(ok.offers, { ssh: true, sshReadOnly: true, web: false, webReadOnly: false, reportsPairs: false });
  await server.setRefusing(true);
  const failed = await sandbox.cli(['server', 'test', 'ours']);
  assert.equal(failed.code, 1);
  assert.match(
    failed.stdout,
    /^ours \(127\.0\.0\.1:\d+\): FAILED after \d+\.\d s\n {2}The tmate server 127\.0\.0\.1:\d+ refused the connection/,
  );
  assert.deepEqual(sandbox.tmatePids(), []);
  const none = await sandbox.cli(['server', 'test', 'nope']);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /no tmate server named "nope"/);
});

test('tmate.io only by its name, labelled as shut down; a file of the old shape is shown migrated', async () => {
  const added = await sandbox.cli(['server', 'add', 'tmate.io']);
  assert.equal(added.code, 0, added.stderr);
  assert.match(added.stderr, /ssh\.tmate\.io:22 is tmate\.io, shut down since 2025/);
  assert.equal(
    (await sandbox.cli(['server', 'list'])).stdout,
    "* tmate.io  ssh.tmate.io:22  (tmate's built-in keys)  [shut down since 2025]\n",
  );

  await writeFile(
    prefsFile(),
    JSON.stringify({
      'server.host': 'tmate.example.com',
      'server.port': 2222,
      'server.ed25519Fingerprint': server.fingerprint,
    }),
  );
  assert.equal(
    (await sandbox.cli(['server', 'list'])).stdout,
    '* tmate.example.com  tmate.example.com:2222  (keys: ed25519)\n',
  );
  assert.deepEqual((await stored()).servers, [
    {
      name: 'tmate.example.com',
      host: 'tmate.example.com',
      port: 2222,
      rsaFingerprint: '',
      ed25519Fingerprint: server.fingerprint,
      ecdsaFingerprint: '',
    },
  ]);
});

test('usage errors exit 2', async () => {
  for (const args of [
    ['server'],
    ['server', 'frobnicate'],
    ['server', 'add'],
    ['server', 'add', 'x'],
    ['server', 'use'],
    ['server', 'add', 'x', 'h', '--paste'],
    ['server', 'remove', 'a', 'b'],
  ]) {
    const result = await sandbox.cli(args);
    assert.equal(result.code, 2, `${args.join(' ')} → ${result.code} ${result.stderr}`);
    assert.match(result.stderr, /Usage: pairbar/);
  }
});
