/**
 * Who may join: keys fetched from a forge stand-in (a local HTTP server on 127.0.0.1 playing
 * github.com/NAME.keys and its failures) and read from keys files, with real keys made by ssh-keygen.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, chown, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import {
  collectKeys,
  describeAllowed,
  fetchForgeKeys,
  parseKeySource,
  parseKeySourceList,
  parsePublicKey,
  readAuthorizedKeys,
  readKeysFile,
  writeAuthorizedKeys,
  type FetchKeysOptions,
} from '../../main/core/keys.ts';
import { isPairbarError, type ErrorCode, type PairbarError } from '../../main/core/errors.ts';

const exec = promisify(execFile);

let dir: string;
let server: Server;
let base: string;
const requests: string[] = [];
/** Public key lines ("type base64 comment") made by ssh-keygen. */
const pub: Record<'ed25519' | 'rsa' | 'ecdsa', string> = { ed25519: '', rsa: '', ecdsa: '' };
const stalled = new Set<ServerResponse>();

async function keygen(type: 'ed25519' | 'rsa' | 'ecdsa'): Promise<string> {
  const file = join(dir, `id_${type}`);
  await exec('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', `${type}@test`, '-f', file]);
  return (await readFile(`${file}.pub`, 'utf8')).trim();
}

function keyOnly(line: string): string {
  return line.split(' ').slice(0, 2).join(' ');
}

function route(req: IncomingMessage, res: ServerResponse): void {
  requests.push(req.url ?? '');
  const text = (body: string, type = 'text/plain; charset=utf-8') => {
    res.writeHead(200, { 'content-type': type });
    res.end(body);
  };
  switch (req.url) {
    case '/alice.keys':
      return text(`${keyOnly(pub.ed25519)}\n${keyOnly(pub.rsa)}\n`);
    case '/bob.keys':
      // One key alice also has, and one of his own.
      return text(`${keyOnly(pub.rsa)}\n${keyOnly(pub.ecdsa)}\n`);
    case '/ghost.keys':
      res.writeHead(404, { 'content-type': 'text/plain' });
      return void res.end('Not Found');
    case '/broken.keys':
      res.writeHead(500);
      return void res.end();
    case '/slow.keys':
      stalled.add(res);
      return; // never answers
    case '/slowbody.keys':
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write(`${keyOnly(pub.ed25519)}\n`);
      stalled.add(res);
      return; // headers and half a body, then nothing
    case '/html.keys':
      return text('<!DOCTYPE html><html><body>Sign in to continue</body></html>', 'text/html; charset=utf-8');
    case '/disguised.keys':
      return text('<!DOCTYPE html>\n<html><body>Sign in</body></html>\n');
    case '/empty.keys':
      return text('');
    case '/huge.keys': {
      // No Content-Length: the cap has to hold while reading.
      res.writeHead(200, { 'content-type': 'text/plain' });
      const line = `${keyOnly(pub.ed25519)}\n`;
      for (let i = 0; i < 2000; i++) res.write(line);
      return void res.end();
    }
    case '/declared.keys':
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(10 * 1024 * 1024) });
      stalled.add(res);
      return void res.write('ssh-ed25519 ');
    case '/moved.keys':
      res.writeHead(302, { location: `${base}/alice.keys` });
      return void res.end();
    case '/liar.keys': {
      // Says ssh-rsa, holds an ed25519 key.
      const data = keyOnly(pub.ed25519).split(' ')[1];
      return text(`ssh-rsa ${data}\n`);
    }
    case '/notbase64.keys':
      return text('ssh-ed25519 this-is-not-base64!\n');
    default:
      res.writeHead(404);
      res.end();
  }
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pairbar-keys-'));
  pub.ed25519 = await keygen('ed25519');
  pub.rsa = await keygen('rsa');
  pub.ecdsa = await keygen('ecdsa');
  server = createServer(route);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  for (const res of stalled) res.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

function options(extra: Partial<FetchKeysOptions> = {}): FetchKeysOptions {
  return { bases: { github: base, gitlab: `${base}/`, codeberg: base }, ...extra };
}

/** The PairbarError `promise` rejects with, checked like rejectsWith, for a test that looks at it further. */
async function refusal(promise: Promise<unknown>, code: ErrorCode, ...words: string[]): Promise<PairbarError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  assert.ok(isPairbarError(error), `expected a PairbarError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  for (const word of words)
    assert.ok(error.message.includes(word), `${JSON.stringify(error.message)} should mention ${word}`);
  return error;
}

async function rejectsWith(promise: Promise<unknown>, code: ErrorCode, ...words: (string | RegExp)[]): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isPairbarError(error), `expected a PairbarError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    for (const word of words) {
      if (typeof word === 'string')
        assert.ok(error.message.includes(word), `${JSON.stringify(error.message)} should mention ${word}`);
      else assert.match(error.message, word);
    }
    assert.ok(error.fix.length > 0);
    return true;
  });
}

test('a forge user: the keys from BASE/NAME.keys, as "type base64"', async () => {
  requests.length = 0;
  const keys = await fetchForgeKeys('github', 'alice', options());
  assert.deepEqual(keys, [keyOnly(pub.ed25519), keyOnly(pub.rsa)]);
  assert.deepEqual(requests, ['/alice.keys']);
  // A base with a trailing slash still gives one slash.
  requests.length = 0;
  await fetchForgeKeys('gitlab', 'alice', options());
  assert.deepEqual(requests, ['/alice.keys']);
});

test('sources merged, a key two sources share kept once, each source with its count', async () => {
  const collected = await collectKeys(
    [
      { kind: 'github', user: 'alice' },
      { kind: 'codeberg', user: 'bob' },
    ],
    options(),
  );
  assert.deepEqual(collected.keys, [keyOnly(pub.ed25519), keyOnly(pub.rsa), keyOnly(pub.ecdsa)]);
  assert.deepEqual(collected.allowed, [
    { source: 'github:alice', keys: 2 },
    { source: 'codeberg:bob', keys: 2 },
  ]);
  assert.equal(describeAllowed({ source: 'github:alice', keys: 2 }), 'github:alice · 2 keys');
  assert.equal(describeAllowed({ source: 'file:/x/keys', keys: 1 }), 'keys file · 1 key');
});

test('404: the user and "no such user"', async () => {
  await rejectsWith(fetchForgeKeys('github', 'ghost', options()), 'KEYS_NOT_FOUND', 'github:ghost', '404');
});

test('another status: the user and the status', async () => {
  await rejectsWith(fetchForgeKeys('gitlab', 'broken', options()), 'KEYS_FETCH_FAILED', 'gitlab:broken', '500');
});

test('timeout, before the headers and in the middle of the body', async () => {
  await rejectsWith(
    fetchForgeKeys('github', 'slow', options({ timeoutMs: 300 })),
    'KEYS_FETCH_FAILED',
    'github:slow',
    'within 0.3 s',
  );
  await rejectsWith(
    fetchForgeKeys('github', 'slowbody', options({ timeoutMs: 300 })),
    'KEYS_FETCH_FAILED',
    'github:slowbody',
    'within 0.3 s',
  );
});

test('an HTML page instead of keys, labelled as one or not', async () => {
  await rejectsWith(fetchForgeKeys('github', 'html', options()), 'KEYS_INVALID', 'github:html', 'web page');
  await rejectsWith(fetchForgeKeys('github', 'disguised', options()), 'KEYS_INVALID', 'github:disguised', 'web page');
});

test('an empty list: nobody could join, so no share', async () => {
  await rejectsWith(
    fetchForgeKeys('codeberg', 'empty', options()),
    'KEYS_EMPTY',
    'codeberg:empty',
    'no SSH public keys',
  );
});

test('an oversized body, with and without Content-Length', async () => {
  await rejectsWith(
    fetchForgeKeys('github', 'huge', options({ maxBytes: 4096 })),
    'KEYS_FETCH_FAILED',
    'github:huge',
    '4096 bytes',
  );
  await rejectsWith(
    fetchForgeKeys('github', 'declared', options()),
    'KEYS_FETCH_FAILED',
    'github:declared',
    `${10 * 1024 * 1024} bytes`,
  );
});

test('a redirect is refused, even to the same server, and says where it pointed', async () => {
  requests.length = 0;
  await rejectsWith(
    fetchForgeKeys('github', 'moved', options()),
    'KEYS_FETCH_FAILED',
    'github:moved',
    'redirects to',
    '/alice.keys',
  );
  assert.deepEqual(requests, ['/moved.keys'], 'the redirect was not followed');
});

test('nothing listening: the user and the network cause', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const dead = `http://127.0.0.1:${port}`;
  await rejectsWith(
    fetchForgeKeys('github', 'alice', { bases: { github: dead, gitlab: dead, codeberg: dead } }),
    'KEYS_FETCH_FAILED',
    'github:alice',
    'ECONNREFUSED',
  );
});

test('lines that are not public keys: a type that lies about its data, data that is not base64', async () => {
  await rejectsWith(fetchForgeKeys('github', 'liar', options()), 'KEYS_INVALID', 'github:liar', 'ssh-ed25519');
  await rejectsWith(fetchForgeKeys('github', 'notbase64', options()), 'KEYS_INVALID', 'github:notbase64', 'base64');
});

test('user names are checked before any request: nothing that changes the URL gets through', async () => {
  requests.length = 0;
  for (const [forge, user] of [
    ['github', '../admin'],
    ['github', 'alice/keys'],
    ['github', 'alice?x=1'],
    ['github', '-alice'],
    ['github', 'al--ice'],
    ['github', 'a'.repeat(40)],
    ['gitlab', 'a..b'],
    ['gitlab', 'bob.git'],
    ['gitlab', '.hidden'],
    ['codeberg', 'bob%2F..'],
    ['codeberg', 'bob '],
    ['codeberg', ''],
  ] as const) {
    await rejectsWith(fetchForgeKeys(forge, user, options()), 'INVALID_ARGUMENT', JSON.stringify(`${forge}:${user}`));
  }
  assert.deepEqual(requests, [], 'no request was made for a bad name');
  // What each forge does allow.
  assert.deepEqual(parseKeySource('github:a-b-c9'), { kind: 'github', user: 'a-b-c9' });
  assert.deepEqual(parseKeySource('gitlab:first.last_1'), { kind: 'gitlab', user: 'first.last_1' });
  assert.deepEqual(parseKeySource('codeberg:x_y.z'), { kind: 'codeberg', user: 'x_y.z' });
});

test('the list form of the preference, and sources it refuses', () => {
  assert.deepEqual(parseKeySourceList(' github:alice, file:/home/me/pair.keys ,,'), [
    { kind: 'github', user: 'alice' },
    { kind: 'file', path: '/home/me/pair.keys' },
  ]);
  assert.deepEqual(parseKeySourceList(''), []);
  for (const bad of ['alice', 'bitbucket:alice', 'file:relative/keys', 'github:']) {
    assert.throws(
      () => parseKeySource(bad),
      (error: unknown) => isPairbarError(error) && error.code === 'INVALID_ARGUMENT',
    );
  }
});

test('a keys file: comments and blank lines allowed, keys checked, comments on keys dropped', async () => {
  const file = join(dir, 'team.keys');
  await writeFile(file, `# the team\n\n${pub.ed25519}\n   ${pub.ecdsa}\n`);
  assert.deepEqual(await readKeysFile(file), [keyOnly(pub.ed25519), keyOnly(pub.ecdsa)]);
  const collected = await collectKeys([{ kind: 'file', path: file }], options());
  assert.deepEqual(collected.allowed, [{ source: `file:${file}`, keys: 2 }]);
});

test('a keys file with options before a key, a private key, or nothing: refused, naming the file and line', async () => {
  const withOptions = join(dir, 'options.keys');
  await writeFile(withOptions, `${pub.ed25519}\ncommand="uptime" ${pub.rsa}\n`);
  await rejectsWith(readKeysFile(withOptions), 'KEYS_INVALID', withOptions, 'line 2');
  const privateKey = join(dir, 'id_ed25519');
  await rejectsWith(readKeysFile(privateKey), 'KEYS_INVALID', privateKey, 'line 1');
  const empty = join(dir, 'empty.keys');
  await writeFile(empty, '# nobody yet\n');
  await rejectsWith(readKeysFile(empty), 'KEYS_EMPTY', empty);
  await rejectsWith(readKeysFile(join(dir, 'missing.keys')), 'KEYS_INVALID', 'no such file');
});

test('one failing source fails the lot', async () => {
  await rejectsWith(
    collectKeys(
      [
        { kind: 'github', user: 'alice' },
        { kind: 'github', user: 'ghost' },
      ],
      options(),
    ),
    'KEYS_NOT_FOUND',
    'github:ghost',
  );
});

test('the keys file of a share: 0600, one key per line, a leftover world-readable file tightened', async () => {
  const shareDir = await mkdtemp(join(dir, 'share-'));
  const leftover = join(shareDir, 'authorized_keys');
  await writeFile(leftover, 'old\n');
  await chmod(leftover, 0o644);
  const path = leftover;
  await writeAuthorizedKeys(path, [keyOnly(pub.ed25519), keyOnly(pub.rsa)]);
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  assert.equal(await readFile(path, 'utf8'), `${keyOnly(pub.ed25519)}\n${keyOnly(pub.rsa)}\n`);
  assert.deepEqual(await readAuthorizedKeys(path), [keyOnly(pub.ed25519), keyOnly(pub.rsa)]);
});

test('parsePublicKey on the key types ssh-keygen makes', () => {
  for (const line of Object.values(pub)) assert.deepEqual(parsePublicKey(line), { key: keyOnly(line) });
  assert.ok('error' in parsePublicKey('ssh-ed25519'));
  assert.ok('error' in parsePublicKey('ssh-ed25519 AAAA'));
});

// Keys files as OpenSSH's StrictModes has them: whoever can write the file (or swap it through its folder)
// decides who gets a shell, so such a file is refused before a byte of it is used.

test('a keys file others can write to, one owned by another user, or in a folder others can write to: refused, with the chmod that fixes it', async () => {
  const openFile = join(dir, 'open.keys');
  await writeFile(openFile, `${pub.ed25519}\n`);
  for (const mode of [0o666, 0o646, 0o664]) {
    await chmod(openFile, mode);
    const error = await refusal(
      readKeysFile(openFile),
      'KEYS_INVALID',
      openFile,
      `others can write to it (mode 0${mode.toString(8)})`,
    );
    assert.match(error.fix, /chmod go-w \S*open\.keys/);
  }
  await chmod(openFile, 0o644);
  assert.deepEqual(await readKeysFile(openFile), [keyOnly(pub.ed25519)], 'readable by others is fine, as for OpenSSH');

  const folder = await mkdtemp(join(dir, 'shared-folder-'));
  const inFolder = join(folder, 'team.keys');
  await writeFile(inFolder, `${pub.ed25519}\n`);
  await chmod(folder, 0o777);
  assert.match((await refusal(readKeysFile(inFolder), 'KEYS_INVALID', folder, 'others can write')).fix, /chmod go-w /);
  await chmod(folder, 0o1777);
  assert.deepEqual(
    await readKeysFile(inFolder),
    [keyOnly(pub.ed25519)],
    'a sticky folder (like /tmp) lets nobody replace the file',
  );
  await chmod(folder, 0o700);
});

test(
  'a keys file owned by another user: refused',
  { skip: process.getuid?.() === 0 ? false : 'needs root to give a file to another user (CI runs as root)' },
  async () => {
    const theirs = join(dir, 'theirs.keys');
    await writeFile(theirs, `${pub.ed25519}\n`);
    await chown(theirs, 65534, 65534);
    await refusal(readKeysFile(theirs), 'KEYS_INVALID', theirs, 'owned by another user (uid 65534)');
  },
);

test('a FIFO, /dev/zero and a directory as the keys file: refused at once, nothing read', async () => {
  const fifo = join(dir, 'pipe.keys');
  await exec('mkfifo', [fifo]);
  // Nobody ever writes into the FIFO: a reader that blocked on it would never return.
  await rejectsWith(readKeysFile(fifo), 'KEYS_INVALID', fifo, 'not a regular file');
  await rejectsWith(readKeysFile('/dev/zero'), 'KEYS_INVALID', '/dev/zero', 'not a regular file');
  await rejectsWith(readKeysFile(dir), 'KEYS_INVALID', 'not a regular file');
});

test('a keys file larger than the limit is refused whatever it claims; its contents are never repeated in the message', async () => {
  const big = join(dir, 'big.keys');
  await writeFile(big, `${pub.ed25519}\n`.repeat(2000));
  await rejectsWith(readKeysFile(big, 4096), 'KEYS_INVALID', 'more than the 4096 bytes');
  const secret = join(dir, 'not-keys');
  await writeFile(secret, 'root_password SECRETHASHVALUE\n');
  const error = await refusal(readKeysFile(secret), 'KEYS_INVALID');
  assert.ok(
    !error.message.includes('SECRET') && !error.fix.includes('SECRET') && !error.message.includes('root_password'),
    error.message,
  );
  assert.match(error.message, /line 1: it does not begin with an SSH public key type/);
});
