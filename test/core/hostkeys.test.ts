/**
 * Trust on first use: the host keys the test tmate server really presents, read with ssh-keyscan through
 * the core, against fingerprints computed here independently (ssh-keygen on the server's public key).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isPairbarError } from '../../main/core/errors.ts';
import {
  fingerprintMismatch,
  parseKeyscan,
  probeServer,
  profileFromKeys,
  scanHostKeys,
} from '../../main/core/hostkeys.ts';
import { TestTmateServer, type HostKeyType } from '../support/tmate-server.ts';

/** What `ssh-keygen -l -E sha256` says of a public key line: the way an operator reads a server's fingerprint. */
async function sshKeygenFingerprint(publicKey: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pairbar-keygen-'));
  try {
    const file = join(dir, 'key.pub');
    await writeFile(file, publicKey + '\n');
    const [, fingerprint] = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', file], { encoding: 'utf8' }).split(
      ' ',
    );
    return fingerprint!;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

for (const keyType of ['ed25519', 'rsa', 'ecdsa'] as HostKeyType[]) {
  test(`scanHostKeys reads the ${keyType} key the server presents, as ssh-keygen fingerprints it`, async () => {
    const server = await TestTmateServer.start({ keyType });
    try {
      const expected = await sshKeygenFingerprint(server.publicKey);
      const keys = await scanHostKeys(server, { timeoutMs: 8_000 });
      assert.deepEqual(
        keys.map((key) => [key.type, key.fingerprint]),
        [[keyType, expected]],
      );
      const profile = profileFromKeys('ours', server, keys);
      assert.equal(profile[`${keyType}Fingerprint`], expected);
      assert.equal(profile.host, '127.0.0.1');
      assert.equal(profile.port, server.port);
    } finally {
      await server.close();
    }
  });
}

test('a fingerprint mismatch names the configured and the presented fingerprint', async () => {
  const server = await TestTmateServer.start();
  try {
    const configured = `SHA256:${'A'.repeat(43)}`;
    const error = await fingerprintMismatch({
      host: server.host,
      port: server.port,
      rsaFingerprint: '',
      ed25519Fingerprint: configured,
      ecdsaFingerprint: '',
    });
    assert.equal(error.code, 'FINGERPRINT_MISMATCH');
    assert.ok(error.message.includes(`configured: ed25519 ${configured}`), error.message);
    assert.ok(
      error.message.includes(`presented: ed25519 ${await sshKeygenFingerprint(server.publicKey)}`),
      error.message,
    );
    assert.match(error.fix, /ssh-keygen -l -E sha256 -f KEY\.pub/);
  } finally {
    await server.close();
  }
});

test('nothing to scan: a refused port and a name that does not resolve fail at once with their own errors', async () => {
  const server = await TestTmateServer.start();
  const port = server.port;
  await server.close();
  const started = Date.now();
  await assert.rejects(
    scanHostKeys({ host: '127.0.0.1', port }, { timeoutMs: 8_000 }),
    (error) =>
      isPairbarError(error) && error.code === 'SERVER_REFUSED' && error.message.includes(`127.0.0.1:${port} refused`),
  );
  await assert.rejects(
    probeServer({ host: 'tmate.pairbar-test.invalid', port: 22 }, 8_000),
    (error) =>
      isPairbarError(error) &&
      error.code === 'SERVER_NAME_NOT_FOUND' &&
      error.message.includes('tmate.pairbar-test.invalid was not found'),
  );
  assert.ok(Date.now() - started < 8_000, 'neither waited out its time limit');
});

test('a port that answers without SSH: no key, and says so', async () => {
  const { createServer } = await import('node:net');
  const listener = createServer((socket) => {
    socket.on('error', () => undefined); // the probe hangs up at once
    socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const port = (listener.address() as { port: number }).port;
  try {
    await assert.rejects(
      scanHostKeys({ host: '127.0.0.1', port }, { timeoutMs: 3_000 }),
      (error) => isPairbarError(error) && /presented no SSH host key/.test(error.message),
    );
  } finally {
    listener.close();
  }
});

test('parseKeyscan: one key per type, comments and unknown algorithms skipped', () => {
  const blob = Buffer.from('not a real key but base64').toString('base64');
  const keys = parseKeyscan(
    `# 10.0.0.1:22 SSH-2.0-OpenSSH_9.2\n[10.0.0.1]:2222 ssh-ed25519 ${blob}\n10.0.0.1 ssh-dss ${blob}\n10.0.0.1 ecdsa-sha2-nistp256 ${blob}\n10.0.0.1 ssh-ed25519 ${blob}\n`,
  );
  assert.deepEqual(
    keys.map((key) => key.type),
    ['ed25519', 'ecdsa'],
  );
  assert.match(keys[0]!.fingerprint, /^SHA256:[A-Za-z0-9+/]{43}$/);
});
