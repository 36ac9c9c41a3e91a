/**
 * What the popover must never do: run a session name as markup, accept malformed IPC, or answer a page that
 * is not the popover. Plus the page's own limits: its CSP and its size.
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Frame } from 'playwright-core';
import { CHANNELS, type Result } from '../../main/contract.ts';
import { waitFor } from '../support/sandbox.ts';
import { openPopover, POPOVER_URL, RENDERER_DIR } from '../support/ui-harness.ts';
import { textOf, waitForText, World } from './helpers.ts';

let world: World;

beforeEach(async () => {
  world = await World.create();
});

afterEach(async () => {
  await world.dispose();
});

const EVIL = 'http://evil.test';

test('a session named like markup is shown as text, shared as text, and nothing runs', async () => {
  const { sandbox, server } = world;
  const name = '<img src=x onerror=alert(1)>';
  sandbox.newSession(name);
  const popover = (world.popover = await openPopover({ sandbox }));
  const { page } = popover;
  const row = popover.sessionRow(name);
  await row.waitFor();
  assert.equal(await row.locator('.row-title').textContent(), name);
  await page.getByRole('button', { name: `Share ${name}` }).click();
  const host = await server.nextConnection();
  const card = popover.shareCard(name);
  await waitForText(card.locator('.pill'), 'Live');
  assert.equal(await card.locator('.row-title').textContent(), name);
  assert.equal(await card.locator('.link-value').first().textContent(), host.links.ssh);
  await waitForText(page.locator('#announce'), `Sharing ${name}: the links are ready.`);
  await sleep(300); // time for any injected image to fail and fire its handler
  assert.equal(await page.locator('img').count(), 0, 'no img element');
  assert.deepEqual(popover.dialogs, [], 'no dialog fired');
  assert.deepEqual(popover.errors, []);
  await page.getByRole('button', { name: `End pair on ${name}` }).click();
  await host.closed;
});

test('IPC arguments are validated: a made-up session, a non-object, bad kinds and keys → INVALID_ARGUMENT', async () => {
  const { sandbox } = world;
  const popover = await world.openOn('work');
  const { page } = popover;
  await popover.sessionRow('work').waitFor();

  const results = await page.evaluate(async () => {
    const api = window.pairbar as unknown as Record<string, (...args: unknown[]) => Promise<Result<unknown>>>;
    return {
      unknownSession: await api.share!({ session: 'nope', socket: '/x' }),
      number: await api.share!(42),
      text: await api.share!('work'),
      extraKey: await api.share!({ session: 'work', socket: '/x', evil: true }),
      relativeSocket: await api.share!({ session: 'work', socket: 'x' }),
      notBlank: await api.share!({ blank: 'yes' }),
      stopNumber: await api.stop!(7),
      stopUnshared: await api.stop!('work'),
      stopRelativeSocket: await api.stop!('work', 'tmux.sock'),
      copyRelativeSocket: await api.copy!('ssh', 'work', 'tmux.sock'),
      copyKind: await api.copy!('password', 'work'),
      copyUnshared: await api.copy!('ssh', 'work'),
      copyCommandUnknown: await api.copyCommand!('rm -rf /'),
      copyCommandNotAProblem: await api.copyCommand!('TMATE_MISSING'),
      prefKey: await api.setPref!('__proto__', 1),
      prefValue: await api.setPref!('share.readyTimeoutSeconds', 'many'),
      // Servers change only through the server functions, which check a profile as a whole.
      prefServers: await api.setPref!('servers', [
        { name: 'evil', host: 'evil.example', port: 22, ed25519Fingerprint: `SHA256:${'A'.repeat(43)}` },
      ]),
      prefActive: await api.setPref!('server.active', 'test'),
    };
  });
  for (const [what, result] of Object.entries(results)) {
    assert.equal(result.ok, false, what);
    assert.equal(
      !result.ok && result.error.code,
      what.startsWith('pref') && what !== 'prefKey' ? 'INVALID_PREFERENCE' : 'INVALID_ARGUMENT',
      `${what}: ${JSON.stringify(result)}`,
    );
  }
  assert.match(
    !results.unknownSession.ok ? results.unknownSession.error.message : '',
    /"nope" is not one of the listed tmux sessions/,
  );
  assert.deepEqual(popover.state.snapshot().shares, [], 'nothing was shared');
  assert.deepEqual(sandbox.tmatePids(), []);
  assert.deepEqual(popover.clipboardWrites, []);

  // The page gets the typed API and nothing else: no ipcRenderer, no Node.
  const surface = await page.evaluate(() => ({
    keys: Object.keys(window.pairbar).sort(),
    frozen: Object.isFrozen(window.pairbar),
    node:
      typeof (window as unknown as { require?: unknown }).require +
      typeof (window as unknown as { process?: unknown }).process,
    ipc: 'ipcRenderer' in window,
  }));
  assert.deepEqual(surface, {
    keys: [
      'copy',
      'copyCommand',
      'getState',
      'hide',
      'keyboard',
      'onState',
      'readServer',
      'refresh',
      'removeServer',
      'rotate',
      'saveServer',
      'setPref',
      'share',
      'stop',
      'testServer',
      'useServer',
    ],
    frozen: true,
    node: 'undefinedundefined',
    ipc: false,
  });
});

test('the server, new-links and share-choice channels refuse wrong types, extra fields and arguments, and unknown servers', async () => {
  const { sandbox, server } = world;
  const popover = await world.openOn('work');
  const { page } = popover;
  await popover.sessionRow('work').waitFor();
  const before = JSON.stringify(popover.runtime.prefs().prefs);
  const socket = sandbox.socket();
  const good = {
    name: 'x',
    host: '127.0.0.1',
    port: server.port,
    rsaFingerprint: '',
    ed25519Fingerprint: server.fingerprint,
    ecdsaFingerprint: '',
  };

  const results = await page.evaluate(
    async ({ socket, good }) => {
      const api = window.pairbar as unknown as Record<string, (...args: unknown[]) => Promise<Result<unknown>>>;
      const work = { session: 'work', socket };
      return {
        choicesNotObject: await api.share!(work, 'github:alice'),
        choicesAllowedType: await api.share!(work, { allowed: 'github:alice' }),
        choicesBadSource: await api.share!(work, { allowed: ['github:../etc'] }),
        choicesNegative: await api.share!(work, { endAfterMs: -1 }),
        choicesFraction: await api.share!(work, { endAfterMs: 1500.5 }),
        choicesTooLong: await api.share!(work, { endAfterMs: 8 * 24 * 3_600_000 }),
        choicesExtraField: await api.share!(work, { allowed: [], evil: true }),
        choicesSourceType: await api.share!(work, { allowed: [42] }),
        shareExtraArgument: await api.share!(work, {}, 'more'),
        rotateNumber: await api.rotate!(7),
        rotateUnknown: await api.rotate!('0123abcd'),
        keyboardUnknown: await api.keyboard!('0123abcd', false),
        keyboardNumber: await api.keyboard!(7, false),
        keyboardFlagText: await api.keyboard!('0123abcd', 'false'),
        readText: await api.readServer!('127.0.0.1:22'),
        readPasteType: await api.readServer!({ paste: 42 }),
        readPasteEmpty: await api.readServer!({ paste: '' }),
        readPasteHuge: await api.readServer!({ paste: 'x'.repeat(20_000) }),
        readBoth: await api.readServer!({ paste: 'h', host: 'h' }),
        readExtraField: await api.readServer!({ host: '127.0.0.1', port: 22, evil: 1 }),
        readBadHost: await api.readServer!({ host: 'bad host; rm -rf /', port: 22 }),
        readBadPort: await api.readServer!({ host: '127.0.0.1', port: 70000 }),
        readPortText: await api.readServer!({ host: '127.0.0.1', port: '22' }),
        testUnknownName: await api.testServer!('nope'),
        testNumber: await api.testServer!(42),
        testExtraField: await api.testServer!({ ...good, evil: 1 }),
        testMissingField: await api.testServer!({ name: 'x', host: '127.0.0.1', port: 22 }),
        testUnpinned: await api.testServer!({ ...good, ed25519Fingerprint: '' }),
        saveExtraField: await api.saveServer!({ ...good, evil: 1 }),
        saveUnpinned: await api.saveServer!({ ...good, ed25519Fingerprint: '' }),
        saveBadFingerprint: await api.saveServer!({ ...good, ed25519Fingerprint: 'SHA256:short' }),
        saveBadName: await api.saveServer!({ ...good, name: '../evil' }),
        saveText: await api.saveServer!('x'),
        useUnknown: await api.useServer!('nope'),
        useNumber: await api.useServer!(1),
        removeUnknown: await api.removeServer!('nope'),
        removeObject: await api.removeServer!({ name: 'test' }),
      };
    },
    { socket, good },
  );
  // The preload passes on only the arguments a call takes; a compromised page could send more, straight to
  // IPC. (A source string: tsx's keepNames would add __name calls the page doesn't have.)
  const extra: Record<string, unknown[]> = {
    rotateExtraArgument: [CHANNELS.rotate, '0123abcd', 'more'],
    keyboardExtraArgument: [CHANNELS.keyboard, '0123abcd', false, 'more'],
    saveExtraArgument: [CHANNELS.saveServer, good, 'more'],
    testExtraArgument: [CHANNELS.testServer, 'test', 'more'],
    readExtraArgument: [CHANNELS.readServer, { host: '127.0.0.1', port: 22 }, 'more'],
    useExtraArgument: [CHANNELS.useServer, 'test', 'more'],
    removeExtraArgument: [CHANNELS.removeServer, 'test', 'more'],
  };
  Object.assign(
    results,
    await page.evaluate<Record<string, Result<unknown>>>(
      `(async function (calls) { var out = {}; for (var name in calls) { var call = calls[name]; out[name] = JSON.parse(await window.__pairbarInvoke(JSON.stringify({ channel: call[0], args: call.slice(1) }))).value; } return out; })(${JSON.stringify(extra)})`,
    ),
  );
  for (const [what, result] of Object.entries(results)) {
    assert.equal(result.ok, false, what);
    assert.equal(!result.ok && result.error.code, 'INVALID_ARGUMENT', `${what}: ${JSON.stringify(result)}`);
  }
  assert.match(!results.useUnknown.ok ? results.useUnknown.error.message : '', /no server named "nope"; yours: test/);
  assert.match(!results.saveUnpinned.ok ? results.saveUnpinned.error.message : '', /no host key fingerprint/);
  assert.equal(JSON.stringify(popover.runtime.prefs().prefs), before, 'no preference changed');
  assert.deepEqual(popover.state.snapshot().shares, [], 'nothing was shared');
  assert.deepEqual(sandbox.tmatePids(), []);
});

test('calls from another origin, from a frame, or after navigating away are refused', async () => {
  const { sandbox } = world;
  sandbox.newSession('work');
  const socket = sandbox.socket();
  const popover = (world.popover = await openPopover({ sandbox }));
  await popover.sessionRow('work').waitFor();
  await popover.context.route(`${EVIL}/**`, (route) => {
    const body = route.request().url().endsWith('/framed.html')
      ? `<iframe src="${POPOVER_URL}" width="360" height="480"></iframe>`
      : '<p>evil</p>';
    return route.fulfill({ status: 200, contentType: 'text/html', body });
  });
  const attempt = (frame: Frame | import('playwright-core').Page) =>
    frame.evaluate(
      async (target) => {
        const share = await window.pairbar.share(target);
        const state = await window.pairbar.getState().then(
          () => 'answered',
          (error: Error) => error.message,
        );
        return { share, state };
      },
      { session: 'work', socket },
    );
  const refused = (result: Awaited<ReturnType<typeof attempt>>, where: string) => {
    assert.equal(result.share.ok, false, where);
    assert.match(
      !result.share.ok ? result.share.error.message : '',
      /^Refused: the request did not come from the Pairbar popover/,
      where,
    );
    assert.match(result.state, /Refused/, where);
  };

  // Another page at another origin (the stand-in preload is in every page of the context).
  const other = await popover.context.newPage();
  await other.goto(`${EVIL}/index.html`);
  refused(await attempt(other), 'another origin');

  // The popover itself, framed by another origin: right URL, wrong frame.
  await other.goto(`${EVIL}/framed.html`);
  const framed = await waitFor('the framed popover', () => other.frames().find((frame) => frame.url() === POPOVER_URL));
  await framed.waitForFunction(() => 'pairbar' in window);
  refused(await attempt(framed), 'a frame');
  await other.close();

  // The popover's own window, navigated away: right frame, wrong origin.
  await popover.page.goto(`${EVIL}/index.html`);
  refused(await attempt(popover.page), 'navigated away');

  assert.deepEqual(popover.state.snapshot().shares, [], 'nothing was shared');
  assert.deepEqual(sandbox.tmatePids(), []);
  assert.ok(popover.invocations.some((call) => !call.trusted));
  assert.deepEqual(popover.dialogs, []);
});

test('the page: a strict CSP, no inline style, and a renderer bundle of at most 60 KB', async () => {
  const html = readFileSync(join(RENDERER_DIR, 'index.html'), 'utf8');
  assert.ok(
    html.includes(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'none'; base-uri 'none'; form-action 'none'">`,
    ),
    'the CSP meta',
  );
  assert.ok(html.includes('<script type="module" src="./index.js"></script>'));
  assert.doesNotMatch(html, /<script>|<style|style="/, 'no inline script or style');
  const bytes = ['index.js', 'style.css'].reduce((sum, name) => sum + statSync(join(RENDERER_DIR, name)).size, 0);
  assert.ok(bytes <= 60 * 1024, `renderer bundle is ${bytes} bytes`);

  const popover = await world.openOn('work');
  await popover.sessionRow('work').waitFor();
  assert.equal(await popover.page.locator('[style]').count(), 0, 'no style attributes');
  // The CSP is enforced: an inline script the page did not ship does not run.
  const ran = await popover.page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.__inlineRan = true';
    document.head.append(script);
    return (window as unknown as { __inlineRan?: boolean }).__inlineRan === true;
  });
  assert.equal(ran, false);
  await waitFor('the CSP report', () => popover.errors.some((error) => /Content Security Policy/.test(error)));
  assert.equal(await textOf(popover.page.locator('h1')), 'Pairbar');
});
