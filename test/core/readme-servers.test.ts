/**
 * The README's "Run your own tmate server" section, run: every `pairbar` command it shows, in order, against
 * the test tmate server standing in for tmate.example.com:2222, with its tmate.conf lines filled in with
 * that server's real fingerprint.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync, createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { Sandbox, startServer } from '../support/sandbox.ts';

const README = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');

function section(title: string): string {
  const start = README.indexOf(`## ${title}\n`);
  assert.ok(start >= 0, `the README has a section "${title}"`);
  const end = README.indexOf('\n## ', start + 1);
  return README.slice(start, end === -1 ? undefined : end);
}

function blocks(text: string, language: string): string[] {
  return [...text.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((match) => match[1] ?? '');
}

/** An RSA key's fingerprint, for the conf's RSA line (the test server presents an Ed25519 key only). */
function someRsaFingerprint(): string {
  const der = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' });
  return 'SHA256:' + createHash('sha256').update(der).digest('base64').replace(/=+$/, '');
}

test('README "Run your own tmate server": every pairbar command it shows works, in order', async () => {
  const text = section('Run your own tmate server');
  const commands = blocks(text, 'sh')
    .flatMap((block) => block.split('\n'))
    .map((line) => line.trim())
    .filter((line) => line.startsWith('pairbar '));
  assert.ok(commands.length >= 4, commands.join('\n'));
  // The ones named in the prose, with NAME as the server the blocks added.
  const inline = [...text.matchAll(/`(pairbar [^`]+)`/g)].map((match) => (match[1] ?? '').replaceAll('NAME', 'ours'));
  assert.ok(inline.length >= 2, inline.join('\n'));
  const conf = blocks(text, 'text')[0] ?? '';
  assert.ok(conf.includes('set -g tmate-server-host tmate.example.com'), 'the tmate.conf lines are shown');

  const sandbox = await Sandbox.create();
  const server = await startServer();
  try {
    const address = `127.0.0.1:${server.port}`;
    const filled = conf
      .replace('tmate-server-host tmate.example.com', 'tmate-server-host 127.0.0.1')
      .replace('tmate-server-port 2222', `tmate-server-port ${server.port}`)
      .replace('SHA256:RSA-FINGERPRINT', someRsaFingerprint())
      .replace('SHA256:ED25519-FINGERPRINT', server.fingerprint);
    await writeFile(join(sandbox.root, 'tmate.conf'), filled);
    sandbox.newSession('work');
    for (const command of [...commands, ...inline]) {
      let [, ...args] = command.replaceAll('tmate.example.com:2222', address).split(/\s+/);
      let input: string | undefined;
      const redirect = args.indexOf('<');
      if (redirect !== -1) {
        input = readFileSync(join(sandbox.root, args[redirect + 1] ?? ''), 'utf8');
        args = args.slice(0, redirect);
      }
      // The address-only add asks to confirm the keys it shows: the person compares them and answers y.
      if (args[0] === 'server' && args[1] === 'add' && !args.includes('--paste')) input = 'y\n';
      const result = await sandbox.cli(args, {}, input);
      assert.equal(result.code, 0, `${command}\n${result.stdout}${result.stderr}`);
      if (args[1] === 'test') assert.match(result.stdout, /: OK, links in/);
      if (args[0] === 'share' && !args.includes('--server'))
        assert.match(result.stdout, new RegExp(`via ${address.replaceAll('.', '\\.')}`));
    }
  } finally {
    await sandbox.dispose();
    await server.close();
  }
});
