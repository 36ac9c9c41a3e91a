/**
 * Every program Pairbar runs is found in absolute PATH entries only and run by its absolute path
 * (main/core/programs.ts). `.`, an empty entry and a relative directory all mean "wherever Pairbar was
 * started from": a program planted there must never run. tmux and tmate (binaries.test.ts) and the
 * clipboard tools (clipboard.test.ts) have their own tests; here: ssh-keyscan, which decides which host key
 * the user is shown for trust on first use, and the PATH that tmate and its pane shell are given.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { after, test } from 'node:test';
import { fingerprintMismatch, scanHostKeys } from '../../main/core/hostkeys.ts';
import { findProgram } from '../../main/core/programs.ts';
import { inDir, Sandbox, startServer } from '../support/sandbox.ts';

const root = await mkdtemp(join(tmpdir(), 'pairbar-programs-'));
after(() => rm(root, { recursive: true, force: true }));

/** Every way a PATH can point at the current directory, each followed by the real system directories. */
const RELATIVE_PATHS = [
  '.:/usr/bin:/bin',
  ':/usr/bin:/bin',
  '/nonexistent::/usr/bin:/bin',
  'bin:/usr/bin:/bin',
  './bin:/usr/bin:/bin',
];

/** An ed25519 key line that is not the server's: what a planted ssh-keyscan would show instead. */
const FORGED_BLOB = 'AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';

async function plantKeyscan(dir: string, canary: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'ssh-keyscan');
  await writeFile(file, `#!/bin/sh\ntouch '${canary}'\necho "127.0.0.1 ssh-ed25519 ${FORGED_BLOB}"\n`);
  await chmod(file, 0o755);
}

test("an ssh-keyscan planted where a relative or empty PATH entry points is never run: the server's real key is shown", async () => {
  const server = await startServer();
  try {
    const cwd = join(root, 'keyscan');
    const canary = join(root, 'planted-keyscan-ran');
    await plantKeyscan(cwd, canary);
    await plantKeyscan(join(cwd, 'bin'), canary);
    for (const PATH of RELATIVE_PATHS) {
      await inDir(cwd, async () => {
        const keys = await scanHostKeys(server, { env: { PATH }, timeoutMs: 8_000 });
        assert.deepEqual(
          keys.map((key) => key.fingerprint),
          [server.fingerprint],
          `PATH=${JSON.stringify(PATH)}`,
        );
        // The mismatch message names what the server presents: read by the real ssh-keyscan, not the planted one.
        const mismatch = await fingerprintMismatch(
          {
            host: server.host,
            port: server.port,
            rsaFingerprint: '',
            ed25519Fingerprint: `SHA256:${'B'.repeat(43)}`,
            ecdsaFingerprint: '',
          },
          { env: { PATH } },
        );
        assert.match(
          mismatch.message,
          new RegExp(server.fingerprint.replace(/[+/]/g, '\\$&')),
          `PATH=${JSON.stringify(PATH)}`,
        );
      });
      assert.equal(existsSync(canary), false, `PATH=${JSON.stringify(PATH)}: the planted ssh-keyscan ran`);
    }
  } finally {
    await server.close();
  }
});

test('findProgram: only absolute PATH entries, the absolute path returned, the fallback directories last', async () => {
  const cwd = join(root, 'lookup');
  await plantKeyscan(cwd, join(root, 'unused'));
  await inDir(cwd, async () => {
    for (const PATH of ['.', '', ':', 'bin'])
      assert.equal(await findProgram('ssh-keyscan', { PATH }), undefined, `PATH=${JSON.stringify(PATH)}`);
    assert.equal(await findProgram('ssh-keyscan', { PATH: '.' }, ['/usr/bin']), '/usr/bin/ssh-keyscan');
    assert.equal(await findProgram('ssh-keyscan', { PATH: `.:${cwd}` }), join(cwd, 'ssh-keyscan'));
  });
});

test('tmate and the shell in its pane get a PATH of absolute entries only', async () => {
  const sandbox = await Sandbox.create();
  const server = await startServer();
  try {
    await sandbox.useServer(server);
    sandbox.env.PATH = `.::bin:${sandbox.env.PATH ?? '/usr/bin:/bin'}`;
    sandbox.newSession('work');
    const runtime = sandbox.runtime();
    const share = await runtime.shares.share({ session: 'work' });
    const pathOf = (pid: number): string[] => {
      const entry = readFileSync(`/proc/${pid}/environ`, 'utf8')
        .split('\0')
        .find((line) => line.startsWith('PATH='));
      return (entry ?? 'PATH=').slice('PATH='.length).split(':');
    };
    const tmatePath = pathOf(share.pid);
    assert.ok(
      tmatePath.length > 0 && tmatePath.every((dir) => isAbsolute(dir)),
      `tmate's PATH: ${tmatePath.join(':')}`,
    );
    const pane = Number(readFileSync(`/proc/${share.pid}/task/${share.pid}/children`, 'utf8').trim().split(/\s+/)[0]);
    assert.ok(pane > 0, 'tmate runs its pane');
    const panePath = pathOf(pane);
    assert.ok(
      panePath.every((dir) => isAbsolute(dir)),
      `the pane's PATH: ${panePath.join(':')}`,
    );
  } finally {
    await sandbox.dispose();
    await server.close();
  }
});
