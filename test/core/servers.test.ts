/**
 * Server profiles: the paste parser, profile validation, the migration from the flat `server.*` keys of a
 * real preferences file, the profile functions, and fail-closed resolution (a share is refused and the file
 * left byte for byte as it was).
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { isPairbarError } from '../../main/core/errors.ts';
import {
  ipVersion,
  parseHostPort,
  parsePaste,
  serverLabel,
  validateProfile,
  type PastedServer,
} from '../../main/core/servers.ts';
import { readPrefs } from '../../main/prefs/load.ts';
import { migratePrefs } from '../../main/prefs/migrations.ts';
import { addServer, removeServer, resolveServer, useServer } from '../../main/prefs/servers.ts';
import { openPrefsStore } from '../../main/prefs/prefs-store.ts';
import { createRuntime } from '../../main/runtime.ts';
import { Sandbox } from '../support/sandbox.ts';

const ED = `SHA256:${'e'.repeat(42)}Q`;
const RSA = `SHA256:${'R'.repeat(41)}+/`;
const ECDSA = `SHA256:${'c'.repeat(43)}`;

let dir: string;
let env: NodeJS.ProcessEnv;
let file: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pairbar-servers-'));
  env = { PAIRBAR_CONFIG_DIR: dir, HOME: dir };
  file = join(dir, 'preferences.json');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

// ------------------------------------------------------------------------------------------ paste parser

test('parsePaste reads what operators hand out: tmate.conf lines in every usual spelling, or HOST[:PORT]', () => {
  const cases: [string, string, PastedServer][] = [
    ['HOST alone', 'tmate.example.com', { host: 'tmate.example.com' }],
    ['HOST:PORT', 'tmate.example.com:2222', { host: 'tmate.example.com', port: 2222 }],
    ['HOST:PORT with spaces and a newline', '  10.0.0.5:22 \n', { host: '10.0.0.5', port: 22 }],
    ['[IPv6]:PORT', '[2001:db8::7]:2200', { host: '2001:db8::7', port: 2200 }],
    ['[IPv6]', '[::1]', { host: '::1' }],
    ['a bare IPv6 address', '2001:db8::7', { host: '2001:db8::7' }],
    [
      'the juju/docs shape: set -g, unquoted',
      `set -g tmate-server-host tmate.example.com\nset -g tmate-server-port 10022\nset -g tmate-server-rsa-fingerprint ${RSA}\nset -g tmate-server-ed25519-fingerprint ${ED}\n`,
      { host: 'tmate.example.com', port: 10022, rsaFingerprint: RSA, ed25519Fingerprint: ED },
    ],
    [
      'double quotes, single quotes, set-option, -gq',
      `set-option -g tmate-server-host "tmate.example.com"\nset -gq tmate-server-port '2222'\nset -g tmate-server-ecdsa-fingerprint "${ECDSA}"`,
      { host: 'tmate.example.com', port: 2222, ecdsaFingerprint: ECDSA },
    ],
    [
      'comments, blank lines, indentation and CRLF',
      `# our team's server\r\n\r\n   set -g tmate-server-host tmate.example.com   # the VPN name\r\n\tset -g tmate-server-ed25519-fingerprint "${ED}" # from ssh-keygen\r\n`,
      { host: 'tmate.example.com', ed25519Fingerprint: ED },
    ],
    [
      'the same value twice',
      `set -g tmate-server-host a.example\nset -g tmate-server-host "a.example"`,
      { host: 'a.example' },
    ],
  ];
  for (const [what, text, expected] of cases) assert.deepEqual(parsePaste(text), expected, what);
});

test('parsePaste names the line it does not understand, and gives nothing back', () => {
  const cases: [string, string, RegExp][] = [
    ['empty', '  \n# only a comment\n', /nothing to read/],
    [
      'an unknown option',
      'set -g tmate-server-host a.example\nset -g tmate-session-name work',
      /line 2 \("set -g tmate-session-name work"\): the option tmate-session-name is not/,
    ],
    [
      'another command',
      'set -g tmate-server-host a.example\nbind-key x kill-server',
      /line 2 .*expected `set -g tmate-server-…` lines/,
    ],
    ['an open quote', 'set -g tmate-server-host "a.example', /line 1 .*quote is not closed/],
    [
      'a bad fingerprint',
      'set -g tmate-server-host a.example\nset -g tmate-server-rsa-fingerprint SHA256:short',
      /line 2 .*43 base64/,
    ],
    [
      'an MD5 fingerprint',
      'set -g tmate-server-host a.example\nset -g tmate-server-rsa-fingerprint 2e:1c:70:cf',
      /line 2 .*SHA256:/,
    ],
    [
      'a port out of range',
      'set -g tmate-server-host a.example\nset -g tmate-server-port 70000',
      /line 2 .*1 to 65535/,
    ],
    ['a host with a shell in it', 'set -g tmate-server-host "a.example; rm -rf ~"', /line 1 .*not a host name/],
    [
      'a host with a tab comment',
      'set -g tmate-server-host "tmate.internal.example.com\t# ours"',
      /line 1 .*not a host name/,
    ],
    ['two values', 'set -g tmate-server-host a.example b.example', /line 1 .*one value/],
    [
      'a conflicting repeat',
      'set -g tmate-server-host a.example\nset -g tmate-server-host b.example',
      /line 2 .*already set to a different value on line 1/,
    ],
    ['no host', `set -g tmate-server-ed25519-fingerprint ${ED}`, /no tmate-server-host/],
    ['a flag Pairbar does not read', 'set -s tmate-server-host a.example', /line 1 .*flag -s/],
    ['HOST:PORT with a bad port', 'a.example:ssh', /1 to 65535/],
    ['brackets around a name', '[a.example]:22', /only an IPv6 address goes in brackets/],
    ['a URL', 'https://tmate.example.com', /not a URL/],
  ];
  for (const [what, text, reason] of cases) {
    assert.throws(
      () => parsePaste(text),
      (error) => isPairbarError(error) && error.code === 'INVALID_ARGUMENT' && reason.test(error.message),
      what,
    );
  }
});

test('parseHostPort and serverLabel agree on IPv6 brackets', () => {
  assert.deepEqual(parseHostPort('[fe80::1]:22'), { host: 'fe80::1', port: 22 });
  assert.equal(serverLabel({ host: 'fe80::1', port: 22 }), '[fe80::1]:22');
  assert.equal(serverLabel({ host: 'tmate.example.com', port: 2222 }), 'tmate.example.com:2222');
});

test('ipVersion answers as node:net isIP does, for addresses, near-misses and names (zones aside)', () => {
  const inputs = [
    '127.0.0.1',
    '0.0.0.0',
    '255.255.255.255',
    '192.168.1.10',
    '1.2.3',
    '1.2.3.4.5',
    '256.1.1.1',
    '01.2.3.4',
    '1.2.3.04',
    '1.2.3.4 ',
    ' 1.2.3.4',
    '1..2.3',
    '0x7f.0.0.1',
    '127.1',
    '::',
    '::1',
    'fe80::1',
    '2001:db8::8a2e:370:7334',
    '2001:0db8:0000:0000:0000:ff00:0042:8329',
    '::ffff:192.0.2.128',
    '::ffff:192.0.2.256',
    '1:2:3:4:5:6:7:8',
    '1:2:3:4:5:6:7:8:9',
    '1::2::3',
    ':::',
    '12345::',
    'g::1',
    '[::1]',
    '::1/128',
    'fe80::1 ',
    'tmate.example.com',
    'localhost',
    '',
    ':',
    '1:2',
  ];
  const differ = inputs.filter((input) => ipVersion(input) !== isIP(input));
  assert.deepEqual(
    differ,
    [],
    differ.map((input) => `${JSON.stringify(input)}: ipVersion ${ipVersion(input)}, isIP ${isIP(input)}`).join('; '),
  );
  // The one difference, on purpose: a zone names an interface of this machine, never a server's address.
  assert.equal(isIP('fe80::1%eth0'), 6);
  assert.equal(ipVersion('fe80::1%eth0'), 0);
});

// ------------------------------------------------------------------------------------ profile validation

test('validateProfile: every field checked, unknown fields refused, defaults for port and fingerprints', () => {
  const good = { name: 'ours', host: 'tmate.example.com', port: 2222, ed25519Fingerprint: ED };
  assert.deepEqual(validateProfile(good), { ...good, rsaFingerprint: '', ecdsaFingerprint: '' });
  assert.deepEqual(validateProfile({ name: 'v6', host: '::1', ed25519Fingerprint: ED }), {
    name: 'v6',
    host: '::1',
    port: 22,
    rsaFingerprint: '',
    ed25519Fingerprint: ED,
    ecdsaFingerprint: '',
  });
  const bad: [string, unknown, RegExp][] = [
    ['not an object', 'ours', /is an object/],
    ['no name', { host: 'a.example' }, /a name is/],
    ['a name starting with a dash', { name: '-x', host: 'a.example' }, /a name is/],
    ['a name with a space', { name: 'our server', host: 'a.example' }, /a name is/],
    ['a host with a comment', { name: 'x', host: 'tmate.internal.example.com\t# ours' }, /host: .*not a host name/],
    ['a host as a number', { name: 'x', host: 7 }, /host: /],
    ['a port as text', { name: 'x', host: 'a.example', port: '22' }, /port: /],
    ['port 0', { name: 'x', host: 'a.example', port: 0 }, /port: /],
    [
      'a bad fingerprint',
      { name: 'x', host: 'a.example', rsaFingerprint: 'SHA256:abc' },
      /rsaFingerprint: .*43 base64/,
    ],
    [
      'an unknown field',
      { name: 'x', host: 'a.example', password: 'hunter2' },
      /fields Pairbar does not know: password/,
    ],
  ];
  for (const [what, value, reason] of bad) {
    const result = validateProfile(value);
    assert.ok('error' in result && reason.test(result.error), `${what}: ${JSON.stringify(result)}`);
  }
});

// -------------------------------------------------------------------------------------------- migration

test("migration: a file of today's shape becomes one active profile named after its host, other keys kept", async () => {
  const today = {
    'server.host': 'tmate.example.com',
    'server.port': 2222,
    'server.ed25519Fingerprint': ED,
    'server.rsaFingerprint': RSA,
    'share.readyTimeoutSeconds': 30,
    'notifications.pairLeft': false,
    'some.future.key': { kept: true },
  };
  await writeFile(file, JSON.stringify(today, null, '\t'));
  const store = openPrefsStore(env);
  assert.deepEqual(migratePrefs(store), { applied: ['server-profiles'], problems: [] });
  const written = JSON.parse(await readFile(file, 'utf8'));
  assert.deepEqual(written, {
    servers: [
      {
        name: 'tmate.example.com',
        host: 'tmate.example.com',
        port: 2222,
        rsaFingerprint: RSA,
        ed25519Fingerprint: ED,
        ecdsaFingerprint: '',
      },
    ],
    'server.active': 'tmate.example.com',
    'share.readyTimeoutSeconds': 30,
    'notifications.pairLeft': false,
    'some.future.key': { kept: true },
  });
  const { prefs, problems } = readPrefs(store);
  assert.deepEqual(problems, []);
  assert.equal(resolveServer({ prefs, problems }).name, 'tmate.example.com');
  assert.deepEqual(migratePrefs(openPrefsStore(env)).applied, [], 'it runs once');
});

test("migration table: what each file of today's shape becomes", async () => {
  const cases: {
    what: string;
    file: Record<string, unknown>;
    servers: unknown[];
    active: string | undefined;
    problem?: RegExp;
    unchanged?: boolean;
  }[] = [
    {
      what: 'host only: port 22, no fingerprints (saved, but not used until they are confirmed)',
      file: { 'server.host': ' tmate.example.com ' },
      servers: [
        {
          name: 'tmate.example.com',
          host: 'tmate.example.com',
          port: 22,
          rsaFingerprint: '',
          ed25519Fingerprint: '',
          ecdsaFingerprint: '',
        },
      ],
      active: 'tmate.example.com',
    },
    {
      what: 'no host (it meant tmate.io): no profile, the file left alone',
      file: { 'server.port': 2222, 'server.ed25519Fingerprint': ED },
      servers: [],
      active: undefined,
      unchanged: true,
    },
    {
      what: 'an empty host: no profile, the file left alone',
      file: { 'server.host': '', 'tmux.path': '/usr/bin/tmux' },
      servers: [],
      active: undefined,
      unchanged: true,
    },
    {
      what: 'a port written as text by an old hand edit',
      file: { 'server.host': '10.1.2.3', 'server.port': '2200', 'server.ecdsaFingerprint': ECDSA },
      servers: [
        {
          name: '10.1.2.3',
          host: '10.1.2.3',
          port: 2200,
          rsaFingerprint: '',
          ed25519Fingerprint: '',
          ecdsaFingerprint: ECDSA,
        },
      ],
      active: '10.1.2.3',
    },
    {
      what: 'a bracketed IPv6 host',
      file: { 'server.host': '[2001:db8::7]', 'server.ed25519Fingerprint': ED },
      servers: [
        {
          name: '2001-db8-7',
          host: '2001:db8::7',
          port: 22,
          rsaFingerprint: '',
          ed25519Fingerprint: ED,
          ecdsaFingerprint: '',
        },
      ],
      active: '2001-db8-7',
    },
    {
      what: 'a profile of that name exists already with other values: a second name, the active one kept',
      file: {
        servers: [{ name: 'a.example', host: 'a.example', port: 22, ed25519Fingerprint: ED }],
        'server.active': 'a.example',
        'server.host': 'a.example',
        'server.port': 2222,
        'server.rsaFingerprint': RSA,
      },
      servers: [
        {
          name: 'a.example',
          host: 'a.example',
          port: 22,
          rsaFingerprint: '',
          ed25519Fingerprint: ED,
          ecdsaFingerprint: '',
        },
        {
          name: 'a.example-2',
          host: 'a.example',
          port: 2222,
          rsaFingerprint: RSA,
          ed25519Fingerprint: '',
          ecdsaFingerprint: '',
        },
      ],
      active: 'a.example',
    },
    {
      what: 'the hand-edited host of issue 9: refused, reported, the file left alone',
      file: { 'server.host': 'tmate.internal.example.com\t# ours', 'server.port': 22 },
      servers: [],
      active: undefined,
      problem: /server\.host in .* is invalid .*not moved your server settings/,
      unchanged: true,
    },
    {
      what: 'a port out of range: refused',
      file: { 'server.host': 'a.example', 'server.port': 70000 },
      servers: [],
      active: undefined,
      problem: /server\.port .* is invalid/,
      unchanged: true,
    },
    {
      what: 'a bad fingerprint: refused',
      file: { 'server.host': 'a.example', 'server.rsaFingerprint': 'MD5:aa' },
      servers: [],
      active: undefined,
      problem: /server\.rsaFingerprint .* is invalid/,
      unchanged: true,
    },
    {
      what: 'another key invalid: nothing is rewritten',
      file: { 'server.host': 'a.example', 'server.ed25519Fingerprint': ED, 'share.readyTimeoutSeconds': 'soon' },
      servers: [
        {
          name: 'a.example',
          host: 'a.example',
          port: 22,
          rsaFingerprint: '',
          ed25519Fingerprint: ED,
          ecdsaFingerprint: '',
        },
      ],
      active: 'a.example',
      problem: /share\.readyTimeoutSeconds .* is invalid/,
      unchanged: true,
    },
  ];
  for (const entry of cases) {
    const text = JSON.stringify(entry.file, null, 2);
    await writeFile(file, text);
    const store = openPrefsStore(env);
    const migrated = migratePrefs(store);
    const { prefs, problems } = readPrefs(store);
    assert.deepEqual(prefs.servers, entry.servers, entry.what);
    assert.equal(prefs['server.active'], entry.active ?? '', entry.what);
    if (entry.problem)
      assert.ok(
        problems.some((problem) => entry.problem!.test(problem.message)),
        `${entry.what}: ${JSON.stringify(problems)}`,
      );
    else assert.deepEqual(problems, [], entry.what);
    if (entry.unchanged) {
      assert.deepEqual(migrated.applied, [], entry.what);
      assert.equal(await readFile(file, 'utf8'), text, `${entry.what}: the file is byte for byte as it was`);
    } else {
      assert.deepEqual(JSON.parse(await readFile(file, 'utf8')).servers, entry.servers, `${entry.what}: written`);
    }
  }
});

// ------------------------------------------------------------------------------------ profile functions

test('addServer, useServer, removeServer: the first one added is chosen; removing it chooses none', () => {
  const store = openPrefsStore(env);
  const ours = {
    name: 'ours',
    host: 'tmate.example.com',
    port: 2222,
    rsaFingerprint: '',
    ed25519Fingerprint: ED,
    ecdsaFingerprint: '',
  };
  assert.deepEqual(addServer(store, ours), { replaced: false, active: true });
  assert.deepEqual(addServer(store, { ...ours, name: 'lab', host: '10.0.0.9', port: 22 }), {
    replaced: false,
    active: false,
  });
  assert.equal(readPrefs(store).prefs['server.active'], 'ours');
  assert.deepEqual(addServer(store, { ...ours, port: 2200 }), { replaced: true, active: true });
  assert.equal(useServer(store, 'lab').host, '10.0.0.9');
  assert.equal(resolveServer(readPrefs(store)).name, 'lab');
  assert.equal(resolveServer(readPrefs(store), 'ours').port, 2200, 'a share may name another one');
  assert.throws(
    () => useServer(store, 'nope'),
    (error) => isPairbarError(error) && error.code === 'UNKNOWN_SERVER' && /ours, lab/.test(error.fix),
  );
  assert.throws(() => addServer(store, { ...ours, name: 'bad', host: 'a b' }), /not a host name/);
  assert.deepEqual(removeServer(store, 'lab'), { wasActive: true });
  const after = readPrefs(store);
  assert.equal(after.prefs['server.active'], '');
  assert.deepEqual(
    after.prefs.servers.map((profile) => profile.name),
    ['ours'],
  );
  assert.throws(
    () => resolveServer(after),
    (error) =>
      isPairbarError(error) &&
      error.code === 'NO_SERVER_CHOSEN' &&
      error.fix === 'Choose one of yours: pairbar server use ours',
  );
});

test('no server at all: the error says tmate.io is gone and gives the command that adds one', () => {
  assert.throws(
    () => resolveServer(readPrefs(openPrefsStore(env))),
    (error) =>
      isPairbarError(error) &&
      error.code === 'NO_SERVER_CHOSEN' &&
      /No tmate server chosen/.test(error.message) &&
      /shut down in 2025/.test(error.message) &&
      /pairbar server add NAME HOST\[:PORT\]/.test(error.fix),
  );
});

test('tmate.io only by name: allowed without fingerprints (tmate knows its keys); any other server needs one', async () => {
  const store = openPrefsStore(env);
  addServer(store, {
    name: 'tmate.io',
    host: 'ssh.tmate.io',
    port: 22,
    rsaFingerprint: '',
    ed25519Fingerprint: '',
    ecdsaFingerprint: '',
  });
  assert.equal(resolveServer(readPrefs(store)).host, 'ssh.tmate.io');
  const unconfirmed = {
    name: 'unconfirmed',
    host: 'tmate.example.com',
    port: 22,
    rsaFingerprint: '',
    ed25519Fingerprint: '',
    ecdsaFingerprint: '',
  };
  assert.throws(
    () => addServer(store, unconfirmed),
    /no host key fingerprint; read the server's keys and confirm them first/,
    'nothing unconfirmed is saved',
  );
  // A file can still hold one (the migration keeps a host that had no fingerprint): it is refused for sharing.
  await writeFile(file, JSON.stringify({ ...store.store, servers: [...readPrefs(store).prefs.servers, unconfirmed] }));
  assert.throws(
    () => resolveServer(readPrefs(store), 'unconfirmed'),
    (error) =>
      isPairbarError(error) &&
      error.code === 'SERVER_UNTRUSTED' &&
      error.fix === 'Read and confirm its keys: pairbar server add unconfirmed tmate.example.com:22',
  );
});

test('a hand-edited invalid server list: the profile functions refuse to write over it', async () => {
  const text = JSON.stringify({
    servers: [{ name: 'ours', host: 'tmate.example.com', port: 'twenty-two', ed25519Fingerprint: ED }],
    'server.active': 'ours',
  });
  await writeFile(file, text);
  const store = openPrefsStore(env);
  const profile = {
    name: 'new',
    host: 'b.example',
    port: 22,
    rsaFingerprint: '',
    ed25519Fingerprint: ED,
    ecdsaFingerprint: '',
  };
  for (const attempt of [
    () => addServer(store, profile),
    () => useServer(store, 'ours'),
    () => removeServer(store, 'ours'),
  ]) {
    assert.throws(
      attempt,
      (error) =>
        isPairbarError(error) &&
        error.code === 'INVALID_PREFERENCE' &&
        /port: /.test(error.message) &&
        /will not write over it/.test(error.fix),
    );
  }
  assert.equal(await readFile(file, 'utf8'), text);
});

// ------------------------------------------------------------------------------- fail closed, for real

test('fail closed: a hand-edited server value refuses every share, nothing starts, the file is left byte for byte', async () => {
  const sandbox = await Sandbox.create();
  try {
    sandbox.newSession('work');
    const prefsFile = join(sandbox.env.PAIRBAR_CONFIG_DIR!, 'preferences.json');
    const edits: [string, string, RegExp][] = [
      [
        "issue 9's hand edit, in today's shape",
        JSON.stringify({ 'server.host': 'tmate.internal.example.com\t# ours', 'server.port': 22 }, null, 2),
        /server\.host in .* is invalid/,
      ],
      [
        'a profile with a bad port',
        JSON.stringify({
          servers: [{ name: 'ours', host: 'a.example', port: 0, ed25519Fingerprint: ED }],
          'server.active': 'ours',
        }),
        /servers in .* is invalid .*port: /,
      ],
      [
        'an active name that is no profile',
        JSON.stringify({
          servers: [{ name: 'ours', host: 'a.example', ed25519Fingerprint: ED }],
          'server.active': 'theirs',
        }),
        /names "theirs", which is not one of your servers/,
      ],
      ['not JSON', '{ "servers": [', /not valid JSON/],
    ];
    for (const [what, text, reason] of edits) {
      await writeFile(prefsFile, text);
      const runtime = createRuntime(sandbox.env);
      try {
        for (const target of [{ session: 'work' }, {}, { session: 'work', server: 'ours' }]) {
          await assert.rejects(
            runtime.shares.share(target),
            (error) => isPairbarError(error) && error.code === 'INVALID_PREFERENCE' && reason.test(error.message),
            `${what} ${JSON.stringify(target)}`,
          );
        }
      } finally {
        runtime.shares.close();
      }
      assert.equal(await readFile(prefsFile, 'utf8'), text, `${what}: the file is as it was`);
      assert.deepEqual(sandbox.tmatePids(), [], `${what}: no tmate started`);
      assert.deepEqual(
        sandbox.tmux(['list-sessions', '-F', '#{session_name}']).trim().split('\n'),
        ['work'],
        `${what}: no blank session created`,
      );
    }
    const cli = await sandbox.cli(['share', 'work']);
    assert.equal(cli.code, 1);
    assert.match(cli.stderr, /not valid JSON/);
  } finally {
    await sandbox.dispose();
  }
});

test('no server chosen: `pairbar share` exits 1 at once with the command that fixes it, and starts nothing', async () => {
  const sandbox = await Sandbox.create();
  try {
    sandbox.newSession('work');
    const started = Date.now();
    const result = await sandbox.cli(['share', 'work']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^pairbar: No tmate server chosen/);
    assert.match(result.stderr, /pairbar server add NAME HOST\[:PORT\]/);
    assert.ok(Date.now() - started < 10_000, 'it does not wait for a server');
    assert.deepEqual(sandbox.tmatePids(), []);
  } finally {
    await sandbox.dispose();
  }
});
