/**
 * Auto-end in the app (main/index.ts on the main-process stand-in, real core, real tmux and tmate): a share
 * the command started with --for is adopted by the app, which warns at once (less than a minute is left)
 * and the share ends on time; the user's session and client stay.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { Sandbox, startServer, waitFor } from '../support/sandbox.ts';
import type { TestTmateServer } from '../support/tmate-server.ts';
import { launchFakeApp, type FakeApp } from './support/harness.ts';

const skip = process.platform === 'linux' ? false : `the main-process stand-in plays Linux's tray; this is ${process.platform}`;

let sandbox: Sandbox;
let server: TestTmateServer;
let app: FakeApp | undefined;

beforeEach(async () => {
  sandbox = await Sandbox.create();
  server = await startServer();
  await sandbox.useServer(server);
});

afterEach(async () => {
  await app?.close();
  app = undefined;
  await sandbox.dispose();
  await server.close();
});

test('a share with an end time: the app warns, then the share ends by itself and the user stays attached', { skip }, async () => {
  const id = sandbox.newSession('work', 'default', 'sh');
  sandbox.attachUserClient(id);
  await sandbox.waitForClients(id, 1);
  const userClients = sandbox.clientsOf(id);
  const shared = await sandbox.cli(['share', 'work', '--for', '6s']);
  assert.equal(shared.code, 0, shared.stderr);

  app = await launchFakeApp({ ...sandbox.env, FAKE_ELECTRON_USER_DATA: join(sandbox.root, 'user-data') });
  const target = app;
  const notifications = await waitFor('the warning', async () => {
    const shown = (await target.evaluate(() => (globalThis as any).fakeElectron.notifications)) as Array<{ title: string; body: string }>;
    return shown.length > 0 ? shown : undefined;
  });
  assert.equal(notifications[0]?.title, 'Sharing “work” ends soon');
  assert.match(notifications[0]?.body ?? '', /ends by itself in [1-6] s/);
  const endsAt = await target.evaluate((_electron, t) => t.snapshot().shares[0]?.endsAt);
  assert.equal(typeof endsAt, 'number', 'the time is in the snapshot the popover and tray read');

  await waitFor('the share to end', () => target.evaluate((_electron, t) => t.snapshot().shares.length === 0), 20_000);
  assert.ok(Date.now() >= (endsAt as number));
  await waitFor('tmate gone', () => sandbox.tmatePids().length === 0);
  assert.deepEqual(sandbox.clientsOf(id), userClients, 'the user is still attached');
});
