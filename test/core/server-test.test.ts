/**
 * "Test connection" for real: a throwaway tmate 2.4.0 session against the test tmate server, each outcome
 * within its time limit, and no tmate process or directory left behind.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { afterEach, beforeEach, test } from 'node:test';
import type { ServerTestResult } from '../../main/core/server-test.ts';
import type { ServerProfile } from '../../main/core/servers.ts';
import { Sandbox, startServer, waitFor } from '../support/sandbox.ts';
import type { TestTmateServer, TestTmateServerOptions } from '../support/tmate-server.ts';

let sandbox: Sandbox;
let server: TestTmateServer | undefined;

beforeEach(async () => {
  sandbox = await Sandbox.create();
});

afterEach(async () => {
  await sandbox.dispose();
  await server?.close();
  server = undefined;
});

async function withServer(options: TestTmateServerOptions = {}, readyTimeoutSeconds = 10): Promise<TestTmateServer> {
  server = await startServer(options);
  await sandbox.useServer(server, readyTimeoutSeconds);
  return server;
}

/** Runs the test, checks it ended within `limitSeconds` and left nothing running or on disk. */
async function timedTest(limitSeconds: number, target?: ServerProfile | string): Promise<ServerTestResult> {
  const runtime = sandbox.runtime();
  const started = Date.now();
  const result = await runtime.testServer(target);
  const seconds = (Date.now() - started) / 1000;
  assert.ok(seconds < limitSeconds, `took ${seconds} s, limit ${limitSeconds} s: ${JSON.stringify(result)}`);
  assert.deepEqual(sandbox.tmatePids(), [], 'no tmate left running');
  const runtimeDir = sandbox.env.PAIRBAR_RUNTIME_DIR!;
  assert.deepEqual(existsSync(runtimeDir) ? readdirSync(runtimeDir) : [], [], 'nothing left in the runtime directory');
  return result;
}

function profile(extra: Partial<ServerProfile>): ServerProfile {
  return {
    name: 'adhoc',
    host: '127.0.0.1',
    port: 22,
    rsaFingerprint: '',
    ed25519Fingerprint: `SHA256:${'A'.repeat(43)}`,
    ecdsaFingerprint: '',
    ...extra,
  };
}

test('OK on a bare self-hosted server: time to links, ssh links only, no pairs reported; the session is ended at once', async () => {
  const server = await withServer();
  const result = await timedTest(10);
  assert.ok(result.ok, JSON.stringify(result));
  assert.equal(result.name, 'test');
  assert.equal(result.server, `127.0.0.1:${server.port}`);
  assert.ok(result.msToLinks > 0 && result.msToLinks < 10_000, String(result.msToLinks));
  assert.deepEqual(result.offers, {
    ssh: true,
    sshReadOnly: true,
    web: false,
    webReadOnly: false,
    reportsPairs: false,
  });
  await waitFor('the throwaway session to hang up', () => server.connections().length === 0, 5_000);
});

test('OK on a server with the full tmate stack: web links and pairs reported', async () => {
  await withServer({ mode: 'tmate.io' });
  const result = await timedTest(10, 'test');
  assert.ok(result.ok, JSON.stringify(result));
  assert.deepEqual(result.offers, { ssh: true, sshReadOnly: true, web: true, webReadOnly: true, reportsPairs: true });
});

test('refused: the port has nothing listening, said at once', async () => {
  const server = await withServer({}, 20);
  await server.setRefusing(true);
  const result = await timedTest(5);
  assert.equal(result.ok, false);
  assert.equal(!result.ok && result.error.code, 'SERVER_REFUSED');
  assert.match(
    !result.ok ? result.error.message : '',
    new RegExp(`127\\.0\\.0\\.1:${server.port} refused the connection`),
  );
});

test('a host name that does not resolve (.invalid): name not found, at once', async () => {
  await withServer({}, 20);
  const result = await timedTest(5, profile({ host: 'tmate.pairbar-test.invalid' }));
  assert.equal(!result.ok && result.error.code, 'SERVER_NAME_NOT_FOUND');
  assert.match(!result.ok ? result.error.message : '', /tmate\.pairbar-test\.invalid was not found/);
});

test('a fingerprint mismatch names both values, without waiting for the time limit', async () => {
  const server = await withServer({}, 30);
  const wrong = `SHA256:${'B'.repeat(43)}`;
  const result = await timedTest(15, profile({ port: server.port, ed25519Fingerprint: wrong }));
  assert.equal(!result.ok && result.error.code, 'FINGERPRINT_MISMATCH');
  const message = !result.ok ? result.error.message : '';
  assert.ok(message.includes(`configured: ed25519 ${wrong}`), message);
  assert.ok(message.includes(`presented: ed25519 ${server.fingerprint}`), message);
});

test('never ready: the server takes the connection but gives no links, so the test ends at its time limit', async () => {
  const server = await withServer({ sayReady: false }, 3);
  const result = await timedTest(3 + 7);
  assert.equal(!result.ok && result.error.code, 'SERVER_NOT_READY');
  assert.ok(!result.ok && result.ms >= 3_000, 'it waited the time limit');
  assert.match(
    !result.ok ? result.error.message : '',
    new RegExp(`127\\.0\\.0\\.1:${server.port} accepted the connection but gave no share links within 3 s`),
  );
});

test('no ssh key on this machine: says so with the ssh-keygen command', async () => {
  await withServer({ refuseAuth: true }, 20);
  const result = await timedTest(15);
  assert.equal(!result.ok && result.error.code, 'SSH_KEYS_MISSING');
  assert.match(!result.ok ? result.error.fix : '', /ssh-keygen -t ed25519/);
});

test('with no server chosen the test is refused with the command that adds one', async () => {
  await assert.rejects(sandbox.runtime().testServer(), /No tmate server chosen/);
});
