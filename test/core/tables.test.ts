/**
 * The core's pure functions as tables: what tmate prints → events, events → a share's state, startup
 * events → the failure a person reads, tmate's display output → links, the config tmate starts with, and the
 * IPC share-target check. Each row is a case met with real tmate or the test server, or an edge beside one.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isLinkKind, linkInfo, linkKindFor, LINK_KINDS, NO_LINKS } from '../../main/core/links.ts';
import {
  emptyEndText,
  pairsConnected,
  pairSizeText,
  presenceOf,
  presenceText,
  targetKey,
  totalPairsConnected,
  type PairSize,
} from '../../main/core/share-rules.ts';
import { isShareId } from '../../main/core/runtime-dir.ts';
import { applyEvent, startFailure, type Share } from '../../main/core/shares.ts';
import { attachCommand, tmateConfig, type AttachOptions } from '../../main/core/tmate-config.ts';
import type { ServerSettings } from '../../main/core/servers.ts';
import { parseLogLine, type LogEvent } from '../../main/core/tmate-log.ts';
import { parseLinks } from '../../main/core/tmate.ts';
import { validateShareTarget } from '../../main/electron/ipc/index.ts';
import { QUIET_SHARE } from '../support/share-fixture.ts';

describe('parseLogLine: a line of tmate -F output → an event', () => {
  const rows: [string, LogEvent | undefined][] = [
    ['', undefined],
    ['   ', undefined],
    ['\r', undefined],
    ['Connecting to 127.0.0.1...', { kind: 'connecting', host: '127.0.0.1' }],
    ['[tmate] Connecting to ssh.example.org...', { kind: 'connecting', host: 'ssh.example.org' }],
    ['Error connecting: Connection refused', { kind: 'connect-error', reason: 'Connection refused' }],
    ['nowhere.invalid lookup failure. Retrying in 2 seconds', { kind: 'lookup-failure', host: 'nowhere.invalid' }],
    ['Cannot authenticate server', { kind: 'fingerprint-mismatch' }],
    ["SSH keys not found. Run 'ssh-keygen' to create keys.", { kind: 'keys-missing' }],
    ['Reconnecting... (Connection reset by peer)', { kind: 'reconnecting', reason: 'Connection reset by peer' }],
    ['Reconnecting...', { kind: 'reconnecting', reason: '' }],
    ['[tmate] Reconnected', { kind: 'reconnected' }],
    ['ssh session: ssh -p2222 abc@127.0.0.1', { kind: 'link', link: 'ssh', value: 'ssh -p2222 abc@127.0.0.1' }],
    ['ssh session read only: ssh ro-abc@host', { kind: 'link', link: 'sshReadOnly', value: 'ssh ro-abc@host' }],
    ['web session: https://tmate.io/t/abc', { kind: 'link', link: 'web', value: 'https://tmate.io/t/abc' }],
    [
      'web session read only: https://tmate.io/t/ro-abc',
      { kind: 'link', link: 'webReadOnly', value: 'https://tmate.io/t/ro-abc' },
    ],
    ['ssh session: ssh abc@host\r', { kind: 'link', link: 'ssh', value: 'ssh abc@host' }],
    [
      'A mate has joined (203.0.113.9) -- 1 client currently connected',
      { kind: 'joined', ip: '203.0.113.9', clients: 1 },
    ],
    [
      '[tmate] A mate has joined (2001:db8::1) -- 2 clients currently connected',
      { kind: 'joined', ip: '2001:db8::1', clients: 2 },
    ],
    ['A mate has left (203.0.113.9) -- 0 clients currently connected', { kind: 'left', ip: '203.0.113.9', clients: 0 }],
    ['Session closed', { kind: 'closed' }],
    [
      'Note: clear your terminal before sharing readonly access',
      { kind: 'message', text: 'Note: clear your terminal before sharing readonly access' },
    ],
    [
      'To connect to the session locally, run: tmate -S /x attach',
      { kind: 'message', text: 'To connect to the session locally, run: tmate -S /x attach' },
    ],
    // Look-alikes are plain messages, never links or joins.
    ['ssh session:', { kind: 'message', text: 'ssh session:' }],
    [
      'A mate has joined -- 1 client currently connected',
      { kind: 'message', text: 'A mate has joined -- 1 client currently connected' },
    ],
  ];
  for (const [line, expected] of rows) {
    test(JSON.stringify(line), () => assert.deepEqual(parseLogLine(line), expected));
  }
});

function share(extra: Partial<Share> = {}): Share {
  return {
    ...QUIET_SHARE,
    id: '0a1b2c3d',
    session: 'work',
    sessionId: '$1',
    socket: '/tmp/tmux-0/default',
    origin: 'cli',
    links: { ssh: 'ssh old@host', sshReadOnly: 'ssh ro-old@host', web: null, webReadOnly: null },
    server: 'host:22',
    reportsPairs: false,
    startedAt: 1,
    pid: 42,
    pairClient: null,
    pairClientSession: null,
    ...extra,
  };
}

describe('applyEvent: an event → the share after it', () => {
  const AT = 1_700_000_000_000;
  const rows: [string, Partial<Share>, LogEvent, Partial<Share>, boolean][] = [
    [
      'a pair joins: count and last event',
      {},
      { kind: 'joined', ip: '203.0.113.9', clients: 1 },
      { clients: 1, lastPairEvent: { kind: 'joined', ip: '203.0.113.9', clients: 1, at: AT } },
      true,
    ],
    [
      'a pair leaves',
      { clients: 1 },
      { kind: 'left', ip: '203.0.113.9', clients: 0 },
      { clients: 0, lastPairEvent: { kind: 'left', ip: '203.0.113.9', clients: 0, at: AT } },
      true,
    ],
    ['connection lost while sharing', {}, { kind: 'reconnecting', reason: 'EOF' }, { state: 'reconnecting' }, false],
    ['connecting again while sharing', {}, { kind: 'connecting', host: 'host' }, { state: 'reconnecting' }, false],
    [
      'refused while reconnecting stays reconnecting',
      { state: 'reconnecting' },
      { kind: 'connect-error', reason: 'refused' },
      { state: 'reconnecting' },
      false,
    ],
    ['lookup failure while sharing', {}, { kind: 'lookup-failure', host: 'host' }, { state: 'reconnecting' }, false],
    ['reconnected', { state: 'reconnecting' }, { kind: 'reconnected' }, { state: 'sharing' }, false],
    ['reconnected while sharing changes nothing', {}, { kind: 'reconnected' }, {}, false],
    [
      'a new link after a reconnect replaces the old, marks when, and ends reconnecting',
      { state: 'reconnecting' },
      { kind: 'link', link: 'ssh', value: 'ssh new@host' },
      {
        state: 'sharing',
        links: { ssh: 'ssh new@host', sshReadOnly: 'ssh ro-old@host', web: null, webReadOnly: null },
        linksChangedAt: AT,
      },
      false,
    ],
    [
      'the same link again after a reconnect: nothing marked',
      { state: 'reconnecting' },
      { kind: 'link', link: 'ssh', value: 'ssh old@host' },
      { state: 'sharing' },
      false,
    ],
    [
      'a link the share had none of (web, first heard): not a change',
      {},
      { kind: 'link', link: 'web', value: 'https://tmate.example/t/x' },
      {
        links: {
          ssh: 'ssh old@host',
          sshReadOnly: 'ssh ro-old@host',
          web: 'https://tmate.example/t/x',
          webReadOnly: null,
        },
      },
      false,
    ],
    ['session closed', {}, { kind: 'closed' }, { state: 'stopped' }, false],
    ['a plain message changes nothing', {}, { kind: 'message', text: 'hello' }, {}, false],
    ['a fingerprint line after ready changes nothing', {}, { kind: 'fingerprint-mismatch' }, {}, false],
  ];
  for (const [name, before, event, changes, isPairEvent] of rows) {
    test(name, () => {
      const subject = share(before);
      const expected = { ...share(before), ...changes };
      const pairEvent = applyEvent(subject, event, AT);
      assert.deepEqual(subject, expected);
      assert.equal(pairEvent !== undefined, isPairEvent);
    });
  }
});

describe('startFailure: what tmate printed while starting → the error a person reads', () => {
  const server = { host: 'tmate.example.org', port: 2222 };
  const rows: [string, LogEvent[], string, RegExp][] = [
    [
      'wrong fingerprint wins over everything',
      [{ kind: 'connecting', host: 'h' }, { kind: 'connect-error', reason: 'x' }, { kind: 'fingerprint-mismatch' }],
      'FINGERPRINT_MISMATCH',
      /tmate\.example\.org:2222/,
    ],
    [
      'no ssh key',
      [{ kind: 'connecting', host: 'h' }, { kind: 'keys-missing' }],
      'SSH_KEYS_MISSING',
      /no usable SSH key/,
    ],
    [
      'refused: the last error is named',
      [
        { kind: 'connecting', host: 'h' },
        { kind: 'connect-error', reason: 'Connection refused' },
      ],
      'SERVER_UNREACHABLE',
      /within 9 s \(Connection refused\)/,
    ],
    ['name not found', [{ kind: 'lookup-failure', host: 'h' }], 'SERVER_UNREACHABLE', /host name not found/],
    [
      'connected but never ready',
      [{ kind: 'connecting', host: 'h' }],
      'SERVER_NOT_READY',
      /gave no share links within 9 s/,
    ],
    [
      'tmate said something else: its last words',
      [
        { kind: 'message', text: 'a' },
        { kind: 'message', text: 'b' },
        { kind: 'message', text: 'c' },
        { kind: 'message', text: 'd' },
      ],
      'TMATE_FAILED',
      /b \/ c \/ d$/,
    ],
    ['tmate said nothing', [], 'TMATE_FAILED', /no answer within 9 s/],
  ];
  for (const [name, events, code, message] of rows) {
    test(name, () => {
      const error = startFailure(events, server, 9);
      assert.equal(error.code, code);
      assert.match(error.message, message);
      assert.ok(error.fix.length > 0, 'every failure says what to do');
    });
  }
});

describe('parseLinks: the chained display-message output → links, count and pane pid', () => {
  const US = '\x1f';
  const rows: [string, string, ReturnType<typeof parseLinks>][] = [
    [
      'tmate.io: four links, a count and the pane pid',
      ['ssh a@h', 'ssh ro-a@h', 'https://w/a', 'https://w/ro-a', '0', '4242'].join(US) + '\n',
      {
        links: { ssh: 'ssh a@h', sshReadOnly: 'ssh ro-a@h', web: 'https://w/a', webReadOnly: 'https://w/ro-a' },
        clients: 0,
        panePid: 4242,
      },
    ],
    [
      'self-hosted: ssh only, no count',
      ['ssh a@h', 'ssh ro-a@h', '', '', '', '17'].join(US) + '\n',
      {
        links: { ssh: 'ssh a@h', sshReadOnly: 'ssh ro-a@h', web: null, webReadOnly: null },
        clients: null,
        panePid: 17,
      },
    ],
    [
      'a count of 3',
      ['ssh a@h', '', '', '', '3', '17'].join(US),
      { links: { ...NO_LINKS, ssh: 'ssh a@h' }, clients: 3, panePid: 17 },
    ],
    [
      'a count that is not a number is no count',
      ['ssh a@h', '', '', '', 'x', '17'].join(US),
      { links: { ...NO_LINKS, ssh: 'ssh a@h' }, clients: null, panePid: 17 },
    ],
    [
      'a pane pid that is not a positive number is none',
      ['ssh a@h', '', '', '', '0', '0'].join(US),
      { links: { ...NO_LINKS, ssh: 'ssh a@h' }, clients: 0, panePid: null },
    ],
    [
      'blank values with spaces are absent',
      [' ', ' ', ' ', ' ', ' ', ' '].join(US),
      { links: { ...NO_LINKS }, clients: null, panePid: null },
    ],
    ['nothing at all', '', { links: { ...NO_LINKS }, clients: null, panePid: null }],
  ];
  for (const [name, stdout, expected] of rows) test(name, () => assert.deepEqual(parseLinks(stdout), expected));
});

describe('tmateConfig: what tmate starts with', () => {
  const base: ServerSettings = {
    host: 'tmate.example.com',
    port: 22,
    rsaFingerprint: '',
    ed25519Fingerprint: '',
    ecdsaFingerprint: '',
  };
  const plain: AttachOptions = { ignoreSize: false, ownSession: false };
  test("out of the pair's way: no status bar, no prefix, no key bindings, no tip restart", () => {
    const config = tmateConfig(base, plain);
    for (const line of [
      'set -g status off',
      'set -g prefix None',
      'set -g prefix2 None',
      'unbind-key -a',
      'set -g tmate-foreground-restart 0',
    ]) {
      assert.ok(config.split('\n').includes(line), line);
    }
  });
  test('the pane attaches through the environment, never through a name in the text', () => {
    assert.match(tmateConfig(base, plain), /set -g default-command '.*attach-session -t "\$PAIRBAR_TMUX_SESSION"'/);
  });
  const rows: [string, Partial<ServerSettings>, string[], string[]][] = [
    [
      'the host is always written: tmate never falls back to its built-in one',
      { host: 'tmate.example.org' },
      ['set -g tmate-server-host "tmate.example.org"', 'set -g tmate-server-port 22'],
      ['fingerprint'],
    ],
    [
      'host and port',
      { host: 'tmate.example.org', port: 2222 },
      ['set -g tmate-server-host "tmate.example.org"', 'set -g tmate-server-port 2222'],
      [],
    ],
    [
      'each fingerprint on its own line',
      { host: 'h', ed25519Fingerprint: 'SHA256:e', rsaFingerprint: 'SHA256:r', ecdsaFingerprint: 'SHA256:c' },
      [
        'set -g tmate-server-ed25519-fingerprint "SHA256:e"',
        'set -g tmate-server-rsa-fingerprint "SHA256:r"',
        'set -g tmate-server-ecdsa-fingerprint "SHA256:c"',
      ],
      [],
    ],
    ['quotes and dollars in a value stay literal', { host: 'a"b$c' }, ['set -g tmate-server-host "a\\"b\\$c"'], []],
  ];
  for (const [name, settings, present, absent] of rows) {
    test(name, () => {
      const lines = tmateConfig({ ...base, ...settings }, plain).split('\n');
      for (const line of present) assert.ok(lines.includes(line), `has ${line}`);
      for (const word of absent) assert.ok(!lines.some((line) => line.includes(word)), `has no ${word}`);
    });
  }
  const attachRows: [string, AttachOptions, RegExp][] = [
    ['tmux sizes windows as it likes', plain, /attach-session -t "\$PAIRBAR_TMUX_SESSION"$/],
    [
      'size policy mine: ignore-size',
      { ignoreSize: true, ownSession: false },
      /attach-session -f ignore-size -t "\$PAIRBAR_TMUX_SESSION"$/,
    ],
    [
      'a session of its own is destroyed with its client, set only once attached',
      { ignoreSize: true, ownSession: true },
      /attach-session -f ignore-size -t "\$PAIRBAR_TMUX_SESSION" \\; set-option -t "\$PAIRBAR_TMUX_SESSION" destroy-unattached on$/,
    ],
  ];
  for (const [name, options, expected] of attachRows) {
    test(`attachCommand: ${name}`, () => {
      assert.match(attachCommand(options), expected);
      assert.doesNotMatch(attachCommand(options), /'/, "no single quote: it sits inside the config's single quotes");
    });
  }
});

describe('validateShareTarget: what the popover may ask to share', () => {
  const rows: [string, unknown, string | object][] = [
    [
      'a session and its socket',
      { session: 'work', socket: '/tmp/tmux-0/default' },
      { session: 'work', socket: '/tmp/tmux-0/default' },
    ],
    ['a blank terminal', { blank: true }, { blank: true }],
    ['blank must be true', { blank: 'yes' }, 'blank must be true'],
    ['not an object', 'work', 'expected an object'],
    ['null', null, 'expected an object'],
    ['an array', ['work'], 'expected an object'],
    ['a missing socket', { session: 'work' }, 'expected { session, socket } or { blank: true }'],
    [
      'an extra field',
      { session: 'work', socket: '/s', command: 'rm' },
      'expected { session, socket } or { blank: true }',
    ],
    ['an empty name', { session: '', socket: '/s' }, 'session must be text of 1 to 256 characters'],
    ['a name with NUL', { session: 'a\0b', socket: '/s' }, 'session must be text of 1 to 256 characters'],
    ['a name too long', { session: 'x'.repeat(257), socket: '/s' }, 'session must be text of 1 to 256 characters'],
    ['a relative socket', { session: 'work', socket: 'tmux.sock' }, 'socket must be an absolute path'],
    ['a socket that is not text', { session: 'work', socket: 7 }, 'socket must be an absolute path'],
  ];
  for (const [name, input, expected] of rows) test(name, () => assert.deepEqual(validateShareTarget(input), expected));
});

describe('links and share rules', () => {
  test('every link kind has labels and says what it grants', () => {
    for (const kind of LINK_KINDS) {
      const info = linkInfo(kind);
      assert.equal(info.kind, kind);
      assert.equal(info.grants, info.readOnly ? 'can only watch' : 'can type in your session');
      assert.ok(info.label && info.cliLabel && info.menuLabel);
    }
  });
  const kinds: [boolean, boolean, string][] = [
    [false, false, 'ssh'],
    [true, false, 'sshReadOnly'],
    [false, true, 'web'],
    [true, true, 'webReadOnly'],
  ];
  for (const [readOnly, web, kind] of kinds)
    test(`linkKindFor(readOnly=${readOnly}, web=${web}) = ${kind}`, () =>
      assert.equal(linkKindFor(readOnly, web), kind));
  test('isLinkKind and isShareId refuse anything else', () => {
    assert.equal(isLinkKind('ssh'), true);
    for (const value of ['password', '', 'SSH', 1, null, '__proto__'])
      assert.equal(isLinkKind(value), false, String(value));
    assert.equal(isShareId('0a1b2c3d'), true);
    for (const value of ['0A1B2C3D', '0a1b2c3', '0a1b2c3d0', '../etc', 12345678, null])
      assert.equal(isShareId(value), false, String(value));
  });
  test('targetKey tells apart the same session id on two servers', () => {
    assert.notEqual(targetKey('/a', '$1'), targetKey('/b', '$1'));
    assert.equal(targetKey('/a', '$1'), targetKey('/a', '$1'));
  });
  const presence: [string, Share['state'], number | null, number | null][] = [
    ['sharing, 2 connected', 'sharing', 2, 2],
    ['sharing, none yet', 'sharing', 0, 0],
    ['reconnecting: nobody gets through', 'reconnecting', 2, 0],
    ['a server that does not report', 'sharing', null, null],
    ['starting', 'starting', null, null],
  ];
  for (const [name, state, clients, expected] of presence)
    test(`pairsConnected: ${name}`, () => assert.equal(pairsConnected({ state, clients }), expected));
  test('totalPairsConnected: sums what is reported, null when nothing is', () => {
    assert.equal(totalPairsConnected([]), null);
    assert.equal(totalPairsConnected([{ state: 'sharing', clients: null }]), null);
    assert.equal(
      totalPairsConnected([
        { state: 'sharing', clients: 1 },
        { state: 'reconnecting', clients: 3 },
        { state: 'sharing', clients: null },
        { state: 'sharing', clients: 2 },
      ]),
      3,
    );
  });
});

describe('presenceOf and presenceText: who is in, the one rule every surface reads', () => {
  const base = { state: 'sharing' as const, clients: null, presence: null, lastPairEvent: null };
  const inSince = { present: true, since: 5_000, size: { cols: 90, rows: 23 } };
  const out = { present: false, since: 7_000, size: null };
  const clock = (at: number) => `t${at}`;
  const rows: Array<[string, Parameters<typeof presenceOf>[0], ReturnType<typeof presenceOf>, string | null]> = [
    [
      'a bare server without a watcher: nobody can know',
      base,
      { present: null, since: null, clients: null, pairSize: null },
      null,
    ],
    [
      'a bare server, the watcher sees someone',
      { ...base, presence: inSince },
      { present: true, since: 5_000, clients: null, pairSize: { cols: 90, rows: 23 } },
      'Someone is in since t5000 (their terminal 90×23)',
    ],
    [
      'a bare server, the watcher sees nobody',
      { ...base, presence: out },
      { present: false, since: 7_000, clients: null, pairSize: null },
      'Nobody is in',
    ],
    [
      'reconnecting: whoever was in is cut off',
      { ...base, state: 'reconnecting', presence: inSince },
      { present: false, since: null, clients: null, pairSize: null },
      'Nobody is in',
    ],
    [
      "a counting server: its count, the watcher's since and size",
      { ...base, clients: 2, presence: inSince },
      { present: true, since: 5_000, clients: 2, pairSize: { cols: 90, rows: 23 } },
      '2 pairs connected since t5000 (the smallest terminal 90×23)',
    ],
    [
      'a counting server without a watcher: since the last join',
      { ...base, clients: 1, lastPairEvent: { at: 4_000 } },
      { present: true, since: 4_000, clients: 1, pairSize: null },
      '1 pair connected since t4000',
    ],
    [
      'a counting server at 0, the watcher not caught up: the count wins',
      { ...base, clients: 0, presence: inSince },
      { present: false, since: null, clients: 0, pairSize: null },
      'No pair connected',
    ],
  ];
  for (const [what, facts, view, text] of rows) {
    test(what, () => {
      assert.deepEqual(presenceOf(facts), view);
      assert.equal(presenceText(facts, clock), text);
    });
  }
});

describe('emptyEndText: when a share set to end once nobody is in ends, in words', () => {
  const base = {
    state: 'sharing' as const,
    clients: null,
    lastPairEvent: null,
    endWhenEmptyMs: 600_000,
    presence: { present: false, since: 1_000, size: null },
  };
  const clock = (at: number) => `t${at}`;
  const span = (ms: number) => `${ms / 60_000} min`;
  const rows: Array<[string, Parameters<typeof emptyEndText>[0], string | null]> = [
    [
      'nobody in: at the time, unless someone joins',
      base,
      'at t601000 unless someone joins (10 min after the last pair leaves)',
    ],
    [
      'someone in: that long after they leave',
      { ...base, presence: { present: true, since: 5, size: null } },
      '10 min after the last pair leaves',
    ],
    ['not set to end so', { ...base, endWhenEmptyMs: null }, null],
    ['no watcher', { ...base, presence: null }, null],
  ];
  for (const [what, share, text] of rows) test(what, () => assert.equal(emptyEndText(share, clock, span), text));
});

describe('pairSizeText: what the card and status say when the pair sees only part of the window', () => {
  const cut: PairSize = { room: { cols: 90, rows: 23 }, window: { cols: 120, rows: 30 }, smaller: true };
  const fits: PairSize = { room: { cols: 150, rows: 39 }, window: { cols: 120, rows: 30 }, smaller: false };
  const share = {
    state: 'sharing' as const,
    clients: 1,
    pairSize: cut,
    size: 'mine' as const,
    sizeNote: null,
    presence: null,
    lastPairEvent: null,
  };
  const watchedIn = { present: true, since: 1, size: { cols: 90, rows: 24 } };
  const KEEPS =
    /^Ask them to enlarge their terminal\. Or end the pair and share again with pair\.size follow: your window then takes their size\.$/;
  const FOLLOWS =
    /^Ask them to enlarge their terminal: your window takes their size only while they are the last to type\.$/;
  const rows: Array<[string, Parameters<typeof pairSizeText>[0], RegExp | null, RegExp | null]> = [
    [
      'a pair connected, on a smaller terminal',
      share,
      /^Your pair's terminal has room for 90×23 of your 120×30 window: they see only part of it\.$/,
      KEEPS,
    ],
    [
      'a bare server: the last size it told, and that it does not say who is in',
      { ...share, clients: null },
      /^A pair's terminal has room for 90×23 of your 120×30 window: they see only part of it\. This server doesn't say whether that pair is still connected; the size is the last it told\.$/,
      KEEPS,
    ],
    [
      'pair.size follow: the window is theirs only after they type',
      { ...share, size: 'follow' },
      /^Your pair's terminal/,
      FOLLOWS,
    ],
    [
      "mine on a tmux older than 3.2: tmux's own rule too",
      { ...share, sizeNote: 'tmux 3.1c cannot…' },
      /^Your pair's terminal/,
      FOLLOWS,
    ],
    ['a larger terminal', { ...share, pairSize: fits }, null, null],
    ['no size told yet', { ...share, pairSize: null }, null, null],
    ['the server says nobody is in', { ...share, clients: 0 }, null, null],
    ['reconnecting: the pair is cut off', { ...share, state: 'reconnecting' }, null, null],
    ['reconnecting on a bare server', { ...share, clients: null, state: 'reconnecting' }, null, null],
    [
      'a bare server with the presence watcher: someone is in, so it is said as theirs',
      { ...share, clients: null, presence: watchedIn },
      /^Your pair's terminal has room for 90×23 of your 120×30 window: they see only part of it\.$/,
      KEEPS,
    ],
    [
      'the watcher says nobody is in: nothing to say',
      { ...share, clients: null, presence: { present: false, since: 1, size: null } },
      null,
      null,
    ],
  ];
  for (const [what, facts, message, fix] of rows) {
    test(what, () => {
      const said = pairSizeText(facts);
      if (message === null || fix === null) return assert.equal(said, null);
      assert.match(said?.message ?? '', message);
      assert.match(said?.fix ?? '', fix);
    });
  }
});
