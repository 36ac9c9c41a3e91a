/**
 * Taking the keyboard back (issue 19 item 2): the pair's tmux client (tmate's one pane) is made read-only, so
 * the pairs on the read-write link keep watching while their typing does nothing; giving it back lets them
 * type again. No new links, nobody dropped. Real tmux, real tmate, the test tmate server; the pair's keys go
 * in through tmate's own pane, where a remote pair's keys arrive.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Share } from '../../main/core/shares.ts';
import { PairAtTheKeyboard } from '../support/pair-tmux.ts';
import { TMATE, waitFor } from '../support/sandbox.ts';
import { worldPerTest } from '../support/world.ts';

const world = worldPerTest();

interface StatusJson {
  session: string;
  links: { ssh: string | null };
  pairCanType: boolean | null;
}

async function statusJson(): Promise<StatusJson[]> {
  const status = await world.sandbox.cli(['status', '--json']);
  assert.equal(status.code, 0, status.stderr);
  return JSON.parse(status.stdout) as StatusJson[];
}

/** Where the pair's client is: the session it shows and whether tmux ignores its keys. */
function pairClientFlags(share: Share): { session: string; readOnly: boolean; ignoreSize: boolean } | undefined {
  const socket = join(world.sandbox.env.PAIRBAR_RUNTIME_DIR!, share.id, 'tmate.sock');
  const panePid = execFileSync(TMATE, ['-S', socket, 'display-message', '-p', '#{pane_pid}'], {
    env: world.sandbox.env,
    encoding: 'utf8',
  }).trim();
  const line = world.sandbox
    .tmux(['list-clients', '-F', '#{client_pid} #{session_name} #{client_flags}'])
    .split('\n')
    .find((candidate) => candidate.startsWith(`${panePid} `));
  if (!line) return undefined;
  const [, session = '', flags = ''] = line.split(' ');
  return {
    session,
    readOnly: flags.split(',').includes('read-only'),
    ignoreSize: flags.split(',').includes('ignore-size'),
  };
}

/**
 * The pair moves its client to the next session and back (tmux lets a read-only client switch sessions):
 * once the server has done both, it has also handled every key the pair typed before them, in order.
 */
async function pairKeysHandled(pair: PairAtTheKeyboard, share: Share): Promise<void> {
  pair.types('C-b', ')');
  await waitFor('the pair on the next session', () => pairClientFlags(share)?.session === 'other');
  pair.types('C-b', '(');
  await waitFor('the pair back on work', () => pairClientFlags(share)?.session === 'work');
}

test('take the keyboard: the pair keeps watching but their typing leaves no trace; give it back: it does again', async () => {
  const work = world.sandbox.newSession('work', 'default', 'sh');
  world.sandbox.newSession('other', 'default', 'sh');
  world.sandbox.attachUserClient(work);
  await world.sandbox.waitForClients(work, 1);
  const runtime = world.sandbox.runtime();
  const share = await runtime.shares.share({ session: 'work' });
  await world.sandbox.waitForClients(work, 2);
  const pair = new PairAtTheKeyboard(world.sandbox.env, share.id);

  pair.types('-l', 'echo pair-typed-$((20+1))');
  pair.types('Enter');
  await waitFor("the pair's command run in the user's session", () =>
    world.sandbox.capture(work).includes('pair-typed-21'),
  );
  let [shown] = await statusJson();
  assert.equal(shown?.pairCanType, true, 'before anything is taken, the pair can type');

  const taken = await world.sandbox.cli(['keyboard', 'work', 'take']);
  assert.equal(taken.code, 0, taken.stderr);
  assert.match(taken.stdout, /You have the keyboard of "work"/);
  assert.match(taken.stdout, /pairbar keyboard work give/);
  assert.deepEqual(
    pairClientFlags(share),
    { session: 'work', readOnly: true, ignoreSize: true },
    "read-only, and still not resizing the user's windows",
  );
  [shown] = await statusJson();
  assert.equal(shown?.pairCanType, false);
  assert.equal(shown?.links.ssh, share.links.ssh, 'the same links: nobody was dropped');
  const human = await world.sandbox.cli(['status']);
  assert.match(
    human.stdout,
    /keyboard: +yours: the pair watches, their typing does nothing \(pairbar keyboard work give hands it back\)/,
  );

  pair.types('-l', 'echo taken-$((30+1))');
  pair.types('Enter');
  await pairKeysHandled(pair, share);
  world.sandbox.tmux(['send-keys', '-t', `${work}:`, '-l', 'echo host-$((40+1))']);
  world.sandbox.tmux(['send-keys', '-t', `${work}:`, 'Enter']);
  await waitFor(
    "the host's own command, seen by the pair too",
    () => world.sandbox.capture(work).includes('host-41') && pair.sees().includes('host-41'),
  );
  assert.doesNotMatch(
    world.sandbox.capture(work),
    /taken-31/,
    'what the pair typed with the keyboard taken did not run',
  );
  assert.doesNotMatch(world.sandbox.capture(work), /echo taken/, 'nor reached the prompt');

  const again = await world.sandbox.cli(['keyboard', 'work', 'take']);
  assert.equal(again.code, 0, 'taking a keyboard already taken changes nothing and is no error');
  assert.equal(pairClientFlags(share)?.readOnly, true);

  const given = await world.sandbox.cli(['keyboard', 'work', 'give', '--json']);
  assert.equal(given.code, 0, given.stderr);
  assert.equal((JSON.parse(given.stdout) as StatusJson).pairCanType, true);
  assert.deepEqual(
    pairClientFlags(share),
    { session: 'work', readOnly: false, ignoreSize: true },
    'keys back, and ignore-size kept (tmux clears it with read-only)',
  );
  pair.types('-l', 'echo given-$((50+1))');
  pair.types('Enter');
  await waitFor("the pair's command run again", () => world.sandbox.capture(work).includes('given-51'));
  runtime.shares.close();
});

test('new links keep the keyboard taken: whoever holds them watches only', async () => {
  const work = world.sandbox.newSession('work', 'default', 'sh');
  world.sandbox.attachUserClient(work);
  await world.sandbox.waitForClients(work, 1);
  const runtime = world.sandbox.runtime();
  const share = await runtime.shares.share({ session: 'work' });
  await world.sandbox.waitForClients(work, 2);
  await runtime.shares.setPairKeyboard(share.id, false);

  const rotated = await runtime.shares.rotate(share.id);
  assert.notEqual(rotated.links.ssh, share.links.ssh);
  assert.equal(rotated.pairCanType, false);
  await waitFor('the new pair client read-only', () => pairClientFlags(rotated)?.readOnly === true);
  runtime.shares.close();
});

test('keyboard: a session that is not shared, or a word other than take/give, is refused with what to do', async () => {
  world.sandbox.newSession('work', 'default', 'sh');
  const notShared = await world.sandbox.cli(['keyboard', 'work', 'take']);
  assert.equal(notShared.code, 1);
  assert.match(notShared.stderr, /"work" is not being shared/);
  assert.match(notShared.stderr, /pairbar status/);
  const badWord = await world.sandbox.cli(['keyboard', 'work', 'grab']);
  assert.equal(badWord.code, 2);
  assert.match(badWord.stderr, /keyboard takes take or give, not "grab"/);
  const missing = await world.sandbox.cli(['keyboard', 'work']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /keyboard needs a SESSION and take or give/);
});
