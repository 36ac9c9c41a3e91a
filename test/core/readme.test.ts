/**
 * Every `pairbar` command the README shows in a shell block, run in README order the way a reader would
 * type it (through sh, `pairbar` on PATH, in the home directory), against real tmux, real tmate and the
 * test tmate server. A command the README shows that fails, or that the command no longer knows, fails here.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { worldPerTest } from '../support/world.ts';

const ROOT = join(import.meta.dirname, '../..');
const run = promisify(execFile);
const world = worldPerTest();

/**
 * The sections whose commands this file runs: they work against any server, so the test server stands in.
 * (Setting up a server of one's own, earlier in the README, needs that server: its commands are not here.)
 */
export const RUN_SECTIONS = ['What a link lets someone do', "Your window size, and the pair's view", 'Troubleshooting'];

/** The lines starting with `pairbar ` in the ```sh blocks of those `## ` sections, in order. */
export function readmeCommands(markdown: string, sections: readonly string[] = RUN_SECTIONS): string[] {
  const commands: string[] = [];
  let inShell = false;
  let inSection = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('## ')) inSection = sections.includes(line.slice(3).trim());
    if (!inSection) continue;
    if (/^```/.test(line)) {
      inShell = !inShell && /^```(sh|bash|shell)\s*$/.test(line);
      continue;
    }
    if (inShell && line.startsWith('pairbar ')) commands.push(line);
  }
  return commands;
}

test("the README's pairbar commands all run, in order, and do what the text around them says", async () => {
  const { sandbox, server } = world;
  const commands = readmeCommands(readFileSync(join(ROOT, 'README.md'), 'utf8'));
  assert.ok(commands.length >= 10, `found ${commands.length} commands: ${commands.join(' | ')}`);
  for (const needed of [
    'rotate',
    '--read-only',
    '--authorized-keys',
    '--view independent',
    'tmux.path',
    'config get servers',
    'pair.size',
  ]) {
    assert.ok(
      commands.some((command) => command.includes(needed)),
      `the README shows a command with ${needed}`,
    );
  }

  // What the README's commands assume: a session named work, a key file of the pair's.
  sandbox.newSession('work', 'default', 'sh');
  const bin = join(sandbox.root, 'bin');
  execFileSync('mkdir', ['-p', bin]);
  writeFileSync(
    join(bin, 'pairbar'),
    `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'bin/pairbar.cjs')}" "$@"\n`,
    { mode: 0o755 },
  );
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(sandbox.root, 'pair')]);
  writeFileSync(join(sandbox.env.HOME!, 'pair.keys'), readFileSync(join(sandbox.root, 'pair.pub')));
  const env = { ...sandbox.env, PATH: `${bin}:${sandbox.env.PATH}` };

  const outputs = new Map<string, string>();
  for (const command of commands) {
    // Not execFileSync: the test tmate server answers from this very process.
    const { stdout } = await run('sh', ['-c', command], { env, cwd: sandbox.env.HOME, encoding: 'utf8' }).catch(
      (error: unknown) => {
        const failed = error as { code: number; stderr: string; stdout: string };
        return assert.fail(`\`${command}\` exited ${failed.code}:\n${failed.stderr}${failed.stdout}`);
      },
    );
    outputs.set(command, stdout);
  }

  // A few of the claims the text makes about them.
  const readOnly = outputs.get('pairbar url work --read-only')?.trim() ?? '';
  assert.match(readOnly, /^ssh .*ro-/, 'the read-only link');
  assert.match(
    outputs.get('pairbar share work --authorized-keys ~/pair.keys') ?? '',
    /may join +keys file · 1 key — nobody else/,
  );
  assert.match(outputs.get('pairbar share work --view independent') ?? '', /view: +independent/);
  assert.match(
    outputs.get('pairbar config get servers') ?? '',
    new RegExp(`"host": *"${server.host.replace(/\./g, '\\.')}"`),
  );
  assert.match(
    outputs.get('pairbar config get servers') ?? '',
    new RegExp(server.fingerprint.replace(/[+/]/g, '\\$&')),
  );
  assert.match(outputs.get('pairbar config set tmux.path "$(command -v tmux)"') ?? '', /^tmux\.path = "\/.+\/tmux"/);
  assert.deepEqual(sandbox.tmatePids(), [], 'the README ends every share it starts');
});

test('only shell blocks of the named sections count, and only lines that are pairbar commands', () => {
  const markdown = [
    '## Set up',
    '```sh',
    'pairbar server add ours host',
    '```',
    '## Troubleshooting',
    '```text',
    'pairbar share [SESSION]',
    '```',
    '```sh',
    'npm ci',
    'pairbar status',
    '```',
    '`pairbar stop work` inline',
    '```sh',
    'pairbar stop work',
    '```',
  ].join('\n');
  assert.deepEqual(readmeCommands(markdown), ['pairbar status', 'pairbar stop work']);
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  for (const section of RUN_SECTIONS)
    assert.ok(readme.includes(`\n## ${section}\n`), `the README has a section "${section}"`);
});
