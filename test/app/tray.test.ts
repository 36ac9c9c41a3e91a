/**
 * The tray's state and menu, as pure functions of the snapshot: what the icon shows, what the tooltip and
 * the macOS title say, and the items a user looks for in the menu on each platform.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  buildTrayMenu,
  menuActions,
  TRAY_STATES,
  trayIconFile,
  trayState,
  type TrayMenuItem,
} from '../../main/app/tray.ts';
import { SECOND_SOCKET, SELF_HOSTED_LINKS, session, share, shareIdOf, snapshot, SOCKET } from './fixtures.ts';

const PLATFORMS = ['darwin', 'linux', 'win32'] as const;
const ROOT = join(import.meta.dirname, '../..');

/** Every label in the menu, submenus included, depth first. */
function labels(items: TrayMenuItem[]): string[] {
  return items.flatMap((item) => [...(item.label ? [item.label] : []), ...(item.submenu ? labels(item.submenu) : [])]);
}

function find(items: TrayMenuItem[], label: string | RegExp): TrayMenuItem | undefined {
  for (const item of items) {
    if (item.label !== undefined && (typeof label === 'string' ? item.label === label : label.test(item.label)))
      return item;
    const inner = item.submenu && find(item.submenu, label);
    if (inner) return inner;
  }
  return undefined;
}

function get(items: TrayMenuItem[], label: string | RegExp): TrayMenuItem {
  const item = find(items, label);
  assert.ok(item, `menu has ${String(label)}; it has: ${labels(items).join(' | ')}`);
  return item;
}

const shareSubmenu = (items: TrayMenuItem[]) => get(items, 'Share a Session').submenu ?? [];

describe('trayState', () => {
  test('idle: nothing shared', () => {
    const state = trayState(snapshot({ sessions: [session('work')] }));
    assert.equal(state.name, 'idle');
    assert.equal(state.title, '');
    assert.equal(state.tooltip, 'Pairbar — not sharing');
    assert.equal(state.pairs, null);
  });

  test('starting', () => {
    const state = trayState(
      snapshot({
        shares: [
          share('work', {
            state: 'starting',
            clients: null,
            links: { ssh: null, sshReadOnly: null, web: null, webReadOnly: null },
          }),
        ],
      }),
    );
    assert.equal(state.name, 'starting');
    assert.equal(state.title, '');
    assert.equal(state.tooltip, 'Pairbar — starting to share work');
  });

  test('sharing with nobody connected: the title shows 0', () => {
    const state = trayState(snapshot({ shares: [share('work', { clients: 0 })] }));
    assert.equal(state.name, 'sharing');
    assert.equal(state.title, '0');
    assert.equal(state.tooltip, 'Pairbar — sharing work, 0 pairs connected');
    assert.deepEqual(state.shared, ['work']);
  });

  test('pair connected', () => {
    const state = trayState(snapshot({ shares: [share('work', { clients: 1 })] }));
    assert.equal(state.name, 'paired');
    assert.equal(state.pairs, 1);
    assert.equal(state.title, '1');
    assert.equal(state.tooltip, 'Pairbar — sharing work, 1 pair connected');
  });

  test('a bare server with someone in (the presence watcher): the icon shows a pair, the tooltip and the menu say someone is in, no count', () => {
    const watched = {
      clients: null,
      reportsPairs: false,
      watched: true,
      presence: { present: true, since: 1, size: { cols: 90, rows: 23 } },
    };
    const state = trayState(snapshot({ shares: [share('work', watched)] }));
    assert.equal(state.name, 'paired');
    assert.equal(state.pairs, null);
    assert.equal(state.tooltip, 'Pairbar — sharing work; someone is in work');
    assert.ok(
      labels(buildTrayMenu(snapshot({ shares: [share('work', watched)] }), 'linux')).includes(
        'Sharing “work” — someone is in',
      ),
    );
    const empty = trayState(
      snapshot({ shares: [share('work', { ...watched, presence: { present: false, since: 1, size: null } })] }),
    );
    assert.equal(empty.name, 'sharing');
    assert.equal(empty.tooltip, 'Pairbar — sharing work');
  });

  test('reconnecting', () => {
    const state = trayState(snapshot({ shares: [share('work', { state: 'reconnecting', clients: 1 })] }));
    assert.equal(state.name, 'reconnecting');
    assert.equal(state.tooltip, 'Pairbar — reconnecting work');
    // A reconnecting share has nobody connected through it right now: the same 0 the popover shows.
    assert.equal(state.pairs, 0);
    assert.equal(state.title, '0');
  });

  test('failed', () => {
    const error = {
      code: 'SERVER_UNREACHABLE' as const,
      message: 'Could not reach the tmate server 127.0.0.1:2222 within 5 s.',
      fix: 'Check your network.',
    };
    const state = trayState(snapshot({ shares: [share('work', { state: 'failed', error, clients: null })] }));
    assert.equal(state.name, 'failed');
    assert.equal(state.tooltip, 'Pairbar — sharing work failed');
    assert.equal(state.title, '');
  });

  test('a self-hosted server reports no count: no title, no count in the tooltip', () => {
    const state = trayState(snapshot({ shares: [share('work', { clients: null, links: { ...SELF_HOSTED_LINKS } })] }));
    assert.equal(state.name, 'sharing');
    assert.equal(state.title, '');
    assert.equal(state.tooltip, 'Pairbar — sharing work');
  });

  test('two shares: pairs are summed, a connected pair outranks a failure, every share is in the tooltip', () => {
    const error = { code: 'TMATE_FAILED' as const, message: 'tmate stopped unexpectedly: x', fix: 'Try again.' };
    const state = trayState(
      snapshot({
        shares: [
          share('work', { clients: 2 }),
          share('api', { clients: 1 }),
          share('docs', { state: 'failed', error, clients: null }),
        ],
      }),
    );
    assert.equal(state.name, 'paired');
    assert.equal(state.title, '3');
    assert.equal(state.tooltip, 'Pairbar — sharing work and api, 3 pairs connected; sharing docs failed');
  });

  test('priority without pairs: reconnecting > failed > starting > sharing', () => {
    const failed = share('f', { state: 'failed', clients: null });
    const starting = share('s', { state: 'starting', clients: null });
    const reconnecting = share('r', { state: 'reconnecting' });
    const sharing = share('w', { clients: 0 });
    assert.equal(trayState(snapshot({ shares: [sharing, starting, failed, reconnecting] })).name, 'reconnecting');
    assert.equal(trayState(snapshot({ shares: [sharing, starting, failed] })).name, 'failed');
    assert.equal(trayState(snapshot({ shares: [sharing, starting] })).name, 'starting');
  });

  test('every state has its icons in assets/: Template @1x/@2x for macOS, colour for Linux and Windows', () => {
    for (const state of TRAY_STATES) {
      assert.equal(trayIconFile(state, 'darwin'), `tray-${state}Template.png`);
      assert.equal(trayIconFile(state, 'linux'), `tray-${state}.png`);
      for (const file of [trayIconFile(state, 'darwin'), trayIconFile(state, 'win32')]) {
        assert.ok(existsSync(join(ROOT, 'assets', file)), file);
        assert.ok(existsSync(join(ROOT, 'assets', file.replace('.png', '@2x.png'))), `${file} @2x`);
      }
    }
  });
});

describe('buildTrayMenu', () => {
  for (const platform of PLATFORMS) {
    describe(platform, () => {
      test('no tmux server: the problem is shown, a new terminal can still be shared, and the app items are there', () => {
        const menu = buildTrayMenu(
          snapshot({
            problems: [
              {
                code: 'NO_TMUX_SERVER',
                message: 'No tmux server is running, so there is no session to share.',
                fix: 'Start one with `tmux new -s work`.',
              },
            ],
          }),
          platform,
        );
        assert.equal(
          menu.filter((item) => item.type !== 'separator')[platform === 'linux' ? 1 : 0]?.label,
          'Not sharing',
        );
        const submenu = shareSubmenu(menu);
        assert.equal(get(submenu, /^No tmux server is running/).enabled, false);
        assert.deepEqual(get(submenu, 'New Terminal').action, { kind: 'share-blank' });
        assert.notEqual(get(submenu, 'New Terminal').enabled, false);
        assert.deepEqual(get(menu, 'Open Pairbar').action, { kind: 'open' });
        assert.deepEqual(get(menu, 'Preferences…').action, { kind: 'preferences' });
        assert.deepEqual(get(menu, 'Quit Pairbar').action, { kind: 'quit' });
        assert.equal(find(menu, /^Copy /), undefined);
      });

      test('tmux missing: New Terminal is disabled too', () => {
        const menu = buildTrayMenu(
          snapshot({
            problems: [
              {
                code: 'TMUX_MISSING',
                message: 'tmux is not installed, or Pairbar cannot find it.',
                fix: 'Install it.',
              },
            ],
          }),
          platform,
        );
        assert.equal(get(shareSubmenu(menu), 'New Terminal').enabled, false);
        assert.equal(get(shareSubmenu(menu), 'tmux is not installed, or Pairbar cannot find it.').enabled, false);
      });

      test('sessions: each one is a share item with its exact name and socket', () => {
        const menu = buildTrayMenu(
          snapshot({
            sessions: [
              session('work', { windows: 3 }),
              session('api', { windows: 1 }),
              session('work', { socket: SECOND_SOCKET, server: 'second' }),
            ],
          }),
          platform,
        );
        const submenu = shareSubmenu(menu);
        assert.deepEqual(get(submenu, 'work (3 windows)').action, { kind: 'share', session: 'work', socket: SOCKET });
        assert.deepEqual(get(submenu, 'api (1 window)').action, { kind: 'share', session: 'api', socket: SOCKET });
        assert.deepEqual(get(submenu, 'work (2 windows on second)').action, {
          kind: 'share',
          session: 'work',
          socket: SECOND_SOCKET,
        });
        assert.ok(get(submenu, 'New Terminal'));
        assert.deepEqual(get(submenu, 'Refresh Sessions').action, { kind: 'refresh' });
      });

      test('starting: a status line and a cancel item', () => {
        const menu = buildTrayMenu(
          snapshot({
            sessions: [session('work')],
            shares: [
              share('work', {
                state: 'starting',
                clients: null,
                links: { ssh: null, sshReadOnly: null, web: null, webReadOnly: null },
              }),
            ],
          }),
          platform,
        );
        assert.equal(get(menu, 'Starting to share “work”…').enabled, false);
        assert.deepEqual(get(menu, 'Cancel Sharing “work”').action, { kind: 'stop', shareId: shareIdOf('work') });
        assert.equal(find(menu, /^Copy /), undefined);
        // The session being shared is marked, not offered again.
        const item = get(shareSubmenu(menu), 'work (2 windows)');
        assert.equal(item.checked, true);
        assert.equal(item.enabled, false);
        assert.equal(item.action, undefined);
      });

      test('sharing on tmate.io: all four links can be copied, and the share stopped', () => {
        const menu = buildTrayMenu(snapshot({ sessions: [session('work')], shares: [share('work')] }), platform);
        assert.equal(get(menu, 'Sharing “work” — 0 pairs connected').enabled, false);
        assert.deepEqual(
          menuActions(menu).filter((action) => action.kind === 'copy'),
          [
            { kind: 'copy', shareId: shareIdOf('work'), link: 'ssh' },
            { kind: 'copy', shareId: shareIdOf('work'), link: 'sshReadOnly' },
            { kind: 'copy', shareId: shareIdOf('work'), link: 'web' },
            { kind: 'copy', shareId: shareIdOf('work'), link: 'webReadOnly' },
          ],
        );
        for (const label of [
          'Copy SSH Command',
          'Copy Read-Only SSH Command',
          'Copy Web Link',
          'Copy Read-Only Web Link',
        ])
          assert.ok(get(menu, label));
        assert.deepEqual(get(menu, 'Stop Sharing “work”').action, { kind: 'stop', shareId: shareIdOf('work') });
      });

      test('self-hosted server: ssh links only, no web copy items', () => {
        const menu = buildTrayMenu(
          snapshot({ shares: [share('work', { clients: null, links: { ...SELF_HOSTED_LINKS } })] }),
          platform,
        );
        assert.equal(get(menu, 'Sharing “work”').enabled, false);
        assert.ok(get(menu, 'Copy SSH Command'));
        assert.ok(get(menu, 'Copy Read-Only SSH Command'));
        assert.equal(find(menu, 'Copy Web Link'), undefined);
        assert.equal(find(menu, 'Copy Read-Only Web Link'), undefined);
      });

      test('pair connected: the count is in the status, and ending the pair stops the share', () => {
        const menu = buildTrayMenu(snapshot({ shares: [share('work', { clients: 1 })] }), platform);
        assert.ok(get(menu, 'Sharing work, 1 pair connected'));
        assert.ok(get(menu, 'Sharing “work” — 1 pair connected'));
        assert.deepEqual(get(menu, 'End Pairing: Stop Sharing “work”').action, {
          kind: 'stop',
          shareId: shareIdOf('work'),
        });
      });

      test('reconnecting: the links stay copyable (tmate.io keeps them) and the share can be stopped', () => {
        const menu = buildTrayMenu(snapshot({ shares: [share('work', { state: 'reconnecting' })] }), platform);
        assert.equal(get(menu, 'Reconnecting “work”…').enabled, false);
        assert.ok(get(menu, 'Copy SSH Command'));
        assert.deepEqual(get(menu, 'Stop Sharing “work”').action, { kind: 'stop', shareId: shareIdOf('work') });
      });

      test('failed: the reason, Try Again (same session and socket) and Dismiss', () => {
        const error = {
          code: 'SERVER_UNREACHABLE' as const,
          message: 'Could not reach the tmate server 127.0.0.1:2222 within 5 s (connection refused).',
          fix: 'Check your network connection.',
        };
        const menu = buildTrayMenu(
          snapshot({ sessions: [session('work')], shares: [share('work', { state: 'failed', error, clients: null })] }),
          platform,
        );
        assert.equal(get(menu, 'Sharing “work” failed').enabled, false);
        const reason = get(menu, /^Could not reach the tmate server/);
        assert.equal(reason.enabled, false);
        assert.ok(reason.label!.length <= 64);
        assert.deepEqual(get(menu, 'Try Again').action, { kind: 'share', session: 'work', socket: SOCKET });
        assert.deepEqual(get(menu, 'Dismiss').action, { kind: 'stop', shareId: shareIdOf('work') });
        assert.equal(find(menu, /^Copy /), undefined);
        // A failed share does not hold the session: it can be shared again from the submenu.
        assert.deepEqual(get(shareSubmenu(menu), 'work (2 windows)').action, {
          kind: 'share',
          session: 'work',
          socket: SOCKET,
        });
      });

      test('two sessions named "work" on two tmux servers, both shared: each share names its server and carries its socket', () => {
        const other = session('work', { socket: SECOND_SOCKET, server: 'second' });
        const menu = buildTrayMenu(
          snapshot({
            sessions: [session('work'), other],
            shares: [share('work'), share('work', { socket: SECOND_SOCKET })],
          }),
          platform,
        );
        assert.deepEqual(get(menu, 'Stop Sharing “work”').action, { kind: 'stop', shareId: shareIdOf('work') });
        assert.deepEqual(get(menu, 'Stop Sharing “work” on second').action, {
          kind: 'stop',
          shareId: shareIdOf('work', SECOND_SOCKET),
        });
        const copies = menuActions(menu).filter((action) => action.kind === 'copy' && action.link === 'ssh');
        assert.deepEqual(
          copies.map((action) => action.kind === 'copy' && action.shareId),
          [shareIdOf('work'), shareIdOf('work', SECOND_SOCKET)],
        );
      });

      test('two shares: each has its own links and its own stop item', () => {
        const menu = buildTrayMenu(
          snapshot({
            sessions: [session('work'), session('api')],
            shares: [share('work', { clients: 1 }), share('api', { clients: null, links: { ...SELF_HOSTED_LINKS } })],
          }),
          platform,
        );
        const copies = menuActions(menu).filter((action) => action.kind === 'copy');
        assert.equal(copies.filter((action) => action.shareId === shareIdOf('work')).length, 4);
        assert.equal(copies.filter((action) => action.shareId === shareIdOf('api')).length, 2);
        assert.deepEqual(get(menu, 'End Pairing: Stop Sharing “work”').action, {
          kind: 'stop',
          shareId: shareIdOf('work'),
        });
        assert.deepEqual(get(menu, 'Stop Sharing “api”').action, { kind: 'stop', shareId: shareIdOf('api') });
        // Each share's items follow its own heading.
        const flat = labels(menu);
        assert.ok(flat.indexOf('Sharing “work” — 1 pair connected') < flat.indexOf('Sharing “api”'));
        assert.ok(flat.indexOf('Sharing “api”') < flat.lastIndexOf('Copy SSH Command'));
        assert.equal(get(shareSubmenu(menu), 'work (2 windows)').checked, true);
        assert.equal(get(shareSubmenu(menu), 'api (2 windows)').checked, true);
      });

      test('separators never lead, trail or double', () => {
        const menu = buildTrayMenu(
          snapshot({ sessions: [session('work')], shares: [share('work', { clients: 1 })] }),
          platform,
        );
        const check = (items: TrayMenuItem[]) => {
          assert.notEqual(items[0]?.type, 'separator');
          assert.notEqual(items.at(-1)?.type, 'separator');
          items.forEach((item, index) => {
            if (item.type === 'separator') assert.notEqual(items[index + 1]?.type, 'separator');
            if (item.submenu) check(item.submenu);
          });
        };
        check(menu);
      });
    });
  }

  test('Linux: Open Pairbar leads the menu (no click reaches the app); elsewhere it sits with Preferences', () => {
    const linux = buildTrayMenu(snapshot(), 'linux');
    assert.equal(linux[0]?.label, 'Open Pairbar');
    for (const platform of ['darwin', 'win32'] as const) {
      const menu = buildTrayMenu(snapshot(), platform);
      const index = menu.findIndex((item) => item.label === 'Open Pairbar');
      assert.equal(menu[index + 1]?.label, 'Preferences…');
      assert.equal(menu[0]?.enabled, false);
    }
  });

  test('"&" in a session name is shown as typed: doubled for Windows/Linux mnemonics, kept on macOS', () => {
    const snap = snapshot({ sessions: [session('r&d')], shares: [share('r&d')] });
    assert.ok(get(buildTrayMenu(snap, 'linux'), 'Sharing “r&&d” — 0 pairs connected'));
    assert.ok(get(buildTrayMenu(snap, 'win32'), 'Stop Sharing “r&&d”'));
    assert.ok(get(buildTrayMenu(snap, 'darwin'), 'Stop Sharing “r&d”'));
    // The action carries the real name.
    assert.deepEqual(get(buildTrayMenu(snap, 'linux'), 'Stop Sharing “r&&d”').action, {
      kind: 'stop',
      shareId: shareIdOf('r&d'),
    });
  });

  test('a very long session name is clipped in labels but exact in actions', () => {
    const name = 'x'.repeat(200);
    const menu = buildTrayMenu(snapshot({ sessions: [session(name)] }), 'darwin');
    const item = get(shareSubmenu(menu), /^x+…/);
    assert.ok(item.label!.length < 60);
    assert.deepEqual(item.action, { kind: 'share', session: name, socket: SOCKET });
  });
});

describe('who may join, new links, the end time, share.copyLink', () => {
  const endsAt = new Date(2026, 11, 1, 14, 5).getTime();
  const restricted = share('work', {
    clients: null,
    links: { ...SELF_HOSTED_LINKS },
    allowed: [{ source: 'github:alice', keys: 2 }],
    endsAt,
  });

  test('a restricted share with an end time: who may join and when it ends, in the menu and the tooltip', () => {
    const state = trayState(snapshot({ shares: [restricted] }), endsAt - 25 * 60_000);
    assert.equal(state.tooltip, 'Pairbar — sharing work; work ends at 14:05 (25 min left)');
    assert.equal(
      trayState(snapshot({ shares: [restricted] }), endsAt - 30_000).tooltip,
      'Pairbar — sharing work; work ends at 14:05 (30 s left)',
    );
    const menu = buildTrayMenu(snapshot({ shares: [restricted] }), 'linux');
    assert.equal(get(menu, 'Only github:alice · 2 keys may join').enabled, false);
    assert.equal(get(menu, 'Ends by itself at 14:05').enabled, false);
  });

  test('new links is one click, for a share that is sharing or reconnecting, never for one starting or failed', () => {
    for (const state of ['sharing', 'reconnecting'] as const) {
      const menu = buildTrayMenu(snapshot({ shares: [share('work', { state })] }), 'darwin');
      assert.deepEqual(get(menu, 'New Links for “work” (Drops Everyone)').action, {
        kind: 'rotate',
        shareId: shareIdOf('work'),
      });
    }
    for (const state of ['starting', 'failed'] as const) {
      assert.equal(
        find(buildTrayMenu(snapshot({ shares: [share('work', { state })] }), 'darwin'), /^New Links/),
        undefined,
        state,
      );
    }
  });

  test('the keyboard: Take while the pair can type, Give back while taken, nothing while their terminal has left tmux or the share is not live', () => {
    const take = get(
      buildTrayMenu(snapshot({ shares: [share('work', { pairClient: 'on-session', pairCanType: true })] }), 'darwin'),
      'Take the Keyboard in “work” (Pair Watches Only)',
    );
    assert.deepEqual(take.action, { kind: 'keyboard', shareId: shareIdOf('work'), canType: false });
    const give = get(
      buildTrayMenu(snapshot({ shares: [share('work', { pairClient: 'on-session', pairCanType: false })] }), 'darwin'),
      'Give the Keyboard Back in “work”',
    );
    assert.deepEqual(give.action, { kind: 'keyboard', shareId: shareIdOf('work'), canType: true });
    assert.equal(
      find(
        buildTrayMenu(snapshot({ shares: [share('work', { pairClient: 'gone', pairCanType: null })] }), 'darwin'),
        /Keyboard/,
      ),
      undefined,
      'gone',
    );
    for (const state of ['starting', 'failed', 'reconnecting'] as const) {
      assert.equal(
        find(buildTrayMenu(snapshot({ shares: [share('work', { state })] }), 'darwin'), /Keyboard/),
        undefined,
        state,
      );
    }
  });

  test('the first copy item is the one share.copyLink names', () => {
    const menu = buildTrayMenu(
      snapshot({ shares: [share('work')], prefs: { ...snapshot().prefs, 'share.copyLink': 'sshReadOnly' } }),
      'win32',
    );
    const copies = menuActions(menu).filter((action) => action.kind === 'copy');
    assert.deepEqual(copies[0], { kind: 'copy', shareId: shareIdOf('work'), link: 'sshReadOnly' });
    assert.equal(copies.length, 4);
  });
});
