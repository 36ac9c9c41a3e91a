/**
 * Hostile input at scale: every name of test/support/hostile-names.ts (300+) created as a tmux session on
 * one real tmux server, then, a few at a time, shared for real through tmate and the test tmate server.
 * For each: the name resolves to its own session and no other; tmate's client is attached to exactly that
 * session (by the user's server's own client list); the canary file that every command-like name would
 * create never appears; ending the share leaves the user's own client attached where it was.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Share } from '../../main/core/shares.ts';
import { hostileNames } from '../support/hostile-names.ts';
import { recordReliability, shown } from '../support/reliability.ts';
import { TMATE, TMUX, waitFor } from '../support/sandbox.ts';
import { worldPerTest } from '../support/world.ts';

const world = worldPerTest();
/** Shares in flight at once: enough to keep the run short on two cores, few enough to stay far from limits. */
const WORKERS = 6;

test(
  "300+ hostile session names: each shared exactly, nothing executed, the user's client untouched",
  { timeout: 8 * 60_000 },
  async () => {
    const { sandbox } = world;
    const canary = join(sandbox.root, 'canary');
    const wanted = hostileNames(canary);
    assert.ok(wanted.length >= 300, `${wanted.length} names`);
    const tmux = (args: string[]) =>
      execFileSync(TMUX, ['-S', sandbox.socket(), ...args], { env: sandbox.env, encoding: 'utf8' });

    // Created as a user would, with formats doubled so tmux keeps them literal. tmux itself rewrites some
    // names (`:` and `.` become `_`, control characters become visible escapes): what it stored is the name
    // the user sees, so that is the name shared. Two names tmux makes equal are one session.
    const sessions: Array<{ name: string; kind: string; id: string }> = [];
    const collapsed: string[] = [];
    for (const { name, kind } of wanted) {
      let id: string;
      try {
        id = sandbox.newSession(name, 'default', 'sh');
      } catch (error) {
        assert.match(String((error as { stderr?: string }).stderr ?? error), /duplicate session/, JSON.stringify(name));
        collapsed.push(name);
        continue;
      }
      const stored = tmux(['display-message', '-p', '-t', id, '#{session_name}']).replace(/\n$/, '');
      sessions.push({ name: stored, kind, id });
    }
    assert.ok(sessions.length >= 300, `${sessions.length} distinct sessions (${collapsed.length} collapsed by tmux)`);

    // The user's terminals, one per worker, each moved onto the session its worker shares next.
    const userTtys: string[] = [];
    for (let n = 0; n < WORKERS; n++) {
      const before = new Set(sandbox.clientsOf(sessions[0]!.id));
      sandbox.attachUserClient(sessions[0]!.id);
      const tty = await waitFor("the user's terminal", () =>
        sandbox.clientsOf(sessions[0]!.id).find((candidate) => !before.has(candidate)),
      );
      userTtys.push(tty);
    }

    const { shares } = sandbox.runtime();
    const failures: string[] = [];
    const check = (ok: boolean, what: string) => {
      if (!ok) failures.push(what);
    };
    const queue = [...sessions];
    const started = Date.now();
    await Promise.all(
      userTtys.map(async (tty) => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          const { name, id } = next;
          const label = JSON.stringify(name);
          tmux(['switch-client', '-c', tty, '-t', id]);
          let share: Share;
          try {
            share = await shares.share({ session: name });
          } catch (error) {
            failures.push(`${label}: share failed: ${error instanceof Error ? error.message : String(error)}`);
            continue;
          }
          check(
            share.sessionId === id && share.session === name,
            `${label}: shared ${share.session} (${share.sessionId}) instead of ${id}`,
          );
          check(share.state === 'sharing' && share.links.ssh !== null, `${label}: state ${share.state}`);
          // tmate's client, found by its pid (the pane's) in the user's server's own list of clients.
          const tmateSocket = join(sandbox.env.PAIRBAR_RUNTIME_DIR!, share.id, 'tmate.sock');
          const panePid = execFileSync(TMATE, ['-S', tmateSocket, 'display-message', '-p', '#{pane_pid}'], {
            env: sandbox.env,
            encoding: 'utf8',
          }).trim();
          const onSession = await waitFor(`${label}: tmate's client attached`, () => {
            const clients = tmux(['list-clients', '-F', '#{client_pid} #{session_id} #{client_tty}'])
              .split('\n')
              .filter(Boolean);
            const client = clients.find((line) => line.startsWith(`${panePid} `));
            return client?.split(' ')[1];
          }).catch(() => 'none');
          check(onSession === id, `${label}: tmate's client is on ${onSession}, not ${id}`);
          await shares
            .stop(share.id)
            .catch((error: unknown) =>
              failures.push(`${label}: stop failed: ${error instanceof Error ? error.message : String(error)}`),
            );
          const users = tmux(['list-clients', '-F', '#{client_tty} #{session_id}']).split('\n');
          check(users.includes(`${tty} ${id}`), `${label}: the user's client left the session`);
          check(!existsSync(tmateSocket), `${label}: tmate's socket left behind`);
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;

    assert.deepEqual(failures, []);
    assert.equal(existsSync(canary), false, 'a name was executed: the canary exists');
    assert.deepEqual(sandbox.tmatePids(), [], 'no tmate left');
    assert.equal(
      sandbox.tmux(['list-sessions']).split('\n').filter(Boolean).length,
      sessions.length,
      'every session lives on',
    );
    assert.equal(
      userTtys.filter((tty) => tmux(['list-clients', '-F', '#{client_tty}']).split('\n').includes(tty)).length,
      WORKERS,
      'every user terminal still attached',
    );

    // The canary's path is this run's temporary folder: the page shows it as CANARY, so it reads the same every run.
    const doc = (name: string, max?: number) => shown(name.replaceAll(canary, 'CANARY'), max);
    const kinds = new Map<string, number>();
    for (const session of sessions) kinds.set(session.kind, (kinds.get(session.kind) ?? 0) + 1);
    recordReliability(
      'names',
      [
        `${wanted.length} names generated (test/support/hostile-names.ts); tmux made ${collapsed.length} of them equal to another, so ${sessions.length} distinct sessions, each created on one real tmux server, shared through real tmate and the test tmate server (${WORKERS} at a time), its tmate client found on exactly that session, and stopped with the user's own client still attached. The canary file every command-like name would create never appeared. Run time ${Math.round(seconds)} s.`,
        '',
        '| kind | sessions |',
        '| --- | --- |',
        ...[...kinds].map(([kind, count]) => `| ${kind} | ${count} |`),
        '',
        `Made equal by tmux (\`:\` and \`.\` become \`_\`; control characters are stored as visible escapes): ${collapsed.map((name) => doc(name)).join(', ') || 'none'}.`,
        '',
        `A sample: ${sessions
          .filter((_, index) => index % 17 === 0)
          .map((session) => doc(session.name, 40))
          .join(' · ')}.`,
      ].join('\n'),
    );
  },
);
