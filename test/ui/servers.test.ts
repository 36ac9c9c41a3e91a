/**
 * Choosing a tmate server in the popover, against the real core and the test tmate server: the first run
 * with none chosen, a paste that is not understood, trust on first use with the server's real host key,
 * Test connection (OK, and its failures), Save; and the servers in Preferences (Use, Remove, tmate.io
 * marked as shut down).
 */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { TMATE_IO_PROFILE } from '../../main/core/servers.ts';
import { addServer } from '../../main/prefs/servers.ts';
import { openPrefsStore } from '../../main/prefs/prefs-store.ts';
import { Sandbox, startServer, waitFor } from '../support/sandbox.ts';
import type { TestTmateServer } from '../support/tmate-server.ts';
import { openPopover, type Popover } from '../support/ui-harness.ts';
import { textOf, waitForText } from './helpers.ts';

let sandbox: Sandbox | undefined;
let server: TestTmateServer | undefined;
let popover: Popover | undefined;

afterEach(async () => {
  await popover?.close();
  await sandbox?.dispose();
  await server?.close();
  if (sandbox) assert.deepEqual(sandbox.tmatePids(), [], 'no tmate left running');
  popover = sandbox = server = undefined;
});

/** A machine with tmux and a session, a tmate server to point at, and no server chosen yet. */
async function firstRun(): Promise<{ sandbox: Sandbox; server: TestTmateServer; popover: Popover }> {
  sandbox = await Sandbox.create();
  server = await startServer();
  await sandbox.setPrefs({ 'share.readyTimeoutSeconds': 10 });
  sandbox.newSession('work');
  popover = await openPopover({ sandbox });
  return { sandbox, server, popover };
}

const storedServers = (popover: Popover) => popover.runtime.prefs().prefs.servers;

test('no server chosen: the popover opens on "Choose a tmate server", and Share buttons say a server is needed', async () => {
  const { popover } = await firstRun();
  const { page } = popover;
  const screen = page.locator('#server');
  assert.ok(await screen.isVisible(), 'the server screen shows first');
  assert.equal(await page.locator('#content').isVisible(), false);
  assert.equal(await textOf(screen.locator('h2')), 'Choose a tmate server');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'server-paste', 'the paste box has focus');
  assert.match(await textOf(screen.locator('.readme')), /“Run your own tmate server” in the README/);
  assert.ok(await page.getByRole('textbox', { name: 'Host' }).isVisible());
  assert.ok(await page.getByRole('textbox', { name: 'Port' }).isVisible());
  await popover.screenshot('server-setup');

  await page.getByRole('button', { name: 'Not now' }).click();
  await popover.sessionRow('work').waitFor();
  const share = page.getByRole('button', { name: 'Share work: choose a tmate server first' });
  assert.equal(await textOf(share), 'Server needed');
  assert.match(
    await textOf(page.locator('[data-problem="NO_SERVER_CHOSEN"] .note-message')),
    /^No tmate server chosen/,
  );
  await popover.screenshot('server-needed');
  await share.click();
  assert.ok(await page.locator('#server').isVisible(), 'Share leads to choosing a server');
  assert.deepEqual(popover.state.snapshot().shares, [], 'nothing was shared');
  assert.deepEqual(popover.errors, []);
});

test('a paste that is not understood names the line, and nothing is saved', async () => {
  const { popover } = await firstRun();
  const { page } = popover;
  const rows: [string, RegExp][] = [
    [
      'set -g tmate-server-host tmate.example.com\r\nset -g tmate-server-prot 22\r\n',
      /line 2 \("set -g tmate-server-prot 22"\): the option tmate-server-prot is not a tmate-server one/,
    ],
    ['# ours\nset -g tmate-server-host "tmate.example.com\n', /line 2 .*a quote is not closed/],
    ['https://tmate.example.com', /expected HOST\[:PORT\], not a URL/],
    ['tmate.example.com:99999', /expected a port/],
  ];
  for (const [text, expected] of rows) {
    await page.locator('#server-paste').fill(text);
    await page.getByRole('button', { name: 'Read server' }).click();
    await waitForText(page.locator('#server .note.error .note-message'), expected);
  }
  await popover.screenshot('server-paste-error');
  assert.deepEqual(storedServers(popover), [], 'nothing saved');
  assert.equal(popover.runtime.prefs().prefs['server.active'], '');
});

test('trust on first use: the host key the server presents is shown to compare, Test connection reports what it offers, Save pins exactly that key', async () => {
  const { popover, server, sandbox } = await firstRun();
  const { page } = popover;
  await page.getByRole('textbox', { name: 'Host' }).fill('127.0.0.1');
  await page.getByRole('textbox', { name: 'Port' }).fill(String(server.port));
  await page.getByRole('button', { name: 'Read server' }).click();
  const trust = page.locator('#server .trust');
  await trust.waitFor();
  assert.equal(await textOf(trust.locator('.trust-title')), `127.0.0.1:${server.port} presented these host keys:`);
  // The test server computed its own fingerprint from its key; the popover shows what Pairbar read.
  assert.deepEqual(await trust.locator('.fingerprint').allTextContents(), [
    `${server.keyType.toUpperCase()}${server.fingerprint}`,
  ]);
  assert.match(await textOf(trust.locator('.trust-ask')), /Compare with what your server's operator gave you/);
  assert.deepEqual(storedServers(popover), [], 'nothing saved before it is confirmed');
  await popover.screenshot('server-trust');

  await page.getByRole('button', { name: 'Test connection' }).click();
  const ok = page.locator('#server [data-test="ok"]');
  await ok.waitFor({ timeout: 20_000 });
  assert.match(
    await textOf(ok.locator('.note-message')),
    new RegExp(`^Connected to 127\\.0\\.0\\.1:${server.port}: links in \\d+\\.\\d s$`),
  );
  assert.equal(
    await textOf(ok.locator('.note-fix')),
    "It offers SSH and read-only SSH links · no web links · doesn't report who joins.",
  );
  await waitFor('the test session stopped', () => sandbox.tmatePids().length === 0);
  await popover.screenshot('server-test-ok');
  assert.deepEqual(storedServers(popover), [], 'a test saves nothing');

  await page.getByRole('textbox', { name: 'Name' }).fill('team');
  await page.getByRole('button', { name: 'Trust and save' }).click();
  await popover.sessionRow('work').waitFor();
  assert.deepEqual(storedServers(popover), [
    {
      name: 'team',
      host: '127.0.0.1',
      port: server.port,
      rsaFingerprint: '',
      ed25519Fingerprint: server.fingerprint,
      ecdsaFingerprint: '',
    },
  ]);
  assert.equal(
    popover.runtime.prefs().prefs['server.active'],
    'team',
    'the first server becomes the one new shares use',
  );
  await waitForText(page.locator('#announce'), 'Saved team.');

  // Sharing works now, on that server.
  await page.getByRole('button', { name: 'Share work', exact: true }).click();
  const host = await server.nextConnection();
  await waitForText(popover.shareCard('work').locator('.pill'), 'Live');
  await page.getByRole('button', { name: 'End pair on work' }).click();
  await host.closed;
  assert.deepEqual(popover.errors, []);
});

test('Test connection: a refused port and a fingerprint that does not match, each with its exact failure and fix, nothing left running', async () => {
  const { popover, server, sandbox } = await firstRun();
  const { page } = popover;
  const wrong = `SHA256:${'B'.repeat(43)}`;
  const closedPort = await startServer().then(async (other) => {
    const port = other.port;
    await other.close();
    return port;
  });
  const rows: [string, RegExp, RegExp][] = [
    [
      `set -g tmate-server-host 127.0.0.1\nset -g tmate-server-port ${closedPort}\nset -g tmate-server-ed25519-fingerprint ${server.fingerprint}`,
      new RegExp(`refused the connection`),
      /tmate-ssh-server is running there/,
    ],
    [
      `set -g tmate-server-host 127.0.0.1\nset -g tmate-server-port ${server.port}\nset -g tmate-server-${server.keyType}-fingerprint ${wrong}`,
      new RegExp(
        `configured: ${server.keyType} ${wrong.replace(/[+/]/g, '\\$&')}; presented: ${server.keyType} ${server.fingerprint.replace(/[+/]/g, '\\$&')}`,
      ),
      /Compare with the fingerprints your server's operator gave you/,
    ],
  ];
  for (const [paste, message, fix] of rows) {
    await page.locator('#server-paste').fill(paste);
    await page.getByRole('button', { name: 'Read server' }).click();
    // Fingerprints that came with the paste are shown as such, and not read from the server again.
    await waitForText(page.locator('#server .trust-title'), /^Fingerprints from the paste for 127\.0\.0\.1:\d+:$/);
    await page.getByRole('button', { name: 'Test connection' }).click();
    const failed = page.locator('#server [data-test="failed"]');
    await failed.waitFor({ timeout: 25_000 });
    assert.match(await textOf(failed.locator('.note-message')), message);
    assert.match(await textOf(failed.locator('.note-fix')), fix);
    await waitFor('nothing left running', () => sandbox.tmatePids().length === 0);
  }
  await popover.screenshot('server-test-failed');
  assert.deepEqual(storedServers(popover), [], 'nothing saved');
});

test('Preferences: the servers, which one new shares use, Use, Remove; tmate.io marked as shut down since 2025', async () => {
  const { popover, server } = await firstRun();
  const { page } = popover;
  const store = openPrefsStore(popover.sandbox.env);
  addServer(store, {
    name: 'team',
    host: '127.0.0.1',
    port: server.port,
    rsaFingerprint: '',
    ed25519Fingerprint: server.fingerprint,
    ecdsaFingerprint: '',
  });
  addServer(store, TMATE_IO_PROFILE);
  await popover.show();
  await page.locator('#prefs-toggle').click();
  const row = (name: string) => page.locator(`.server-row[data-server="${name}"]`);
  await waitForText(row('team').locator('.row-meta'), 'New shares go here');
  assert.equal(
    await textOf(row('tmate.io').locator('.row-title')),
    'tmate.io · ssh.tmate.io:22 (shut down since 2025)',
  );
  assert.equal(await textOf(row('tmate.io').locator('.row-meta')), 'Shares here will fail');
  await popover.screenshot('preferences-servers');

  await page.getByRole('button', { name: 'Use tmate.io for new shares' }).click();
  await waitFor('tmate.io chosen', () => popover.runtime.prefs().prefs['server.active'] === 'tmate.io');
  await waitForText(row('tmate.io').locator('.row-meta'), 'New shares go here');
  await page.getByRole('button', { name: 'Remove tmate.io' }).click();
  await waitFor('removed', () => storedServers(popover).length === 1);
  assert.equal(
    popover.runtime.prefs().prefs['server.active'],
    '',
    'removing the one in use chooses none (never another in its place)',
  );
  assert.equal(await row('tmate.io').count(), 0);
  await waitForText(page.locator('#announce'), 'Removed tmate.io.');
  assert.deepEqual(popover.errors, []);
});
