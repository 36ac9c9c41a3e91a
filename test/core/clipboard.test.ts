/**
 * The command's clipboard tool lookup (pbcopy, wl-copy, xclip, xsel on PATH). The link it hands the tool is
 * the read-write key to the user's shell, so a tool found through a relative PATH entry (`.`, ``, `bin`,
 * which mean "wherever the command is run from") must never be used: a planted `./xclip` would get it.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { copyToClipboard, findClipboardTool } from '../../main/core/clipboard.ts';
import { isPairbarError } from '../../main/core/errors.ts';
import { inDir } from '../support/sandbox.ts';

const root = await mkdtemp(join(tmpdir(), 'pairbar-clipboard-'));
after(() => rm(root, { recursive: true, force: true }));

/** A planted tool: writes what it was given to `canary` (so a run shows), in `dir`. */
async function plant(dir: string, name: string, canary: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, name);
  await writeFile(file, `#!/bin/sh\ncat > '${canary}'\n`);
  await chmod(file, 0o755);
}

test('a clipboard tool planted where a relative or empty PATH entry points is never run', async () => {
  const cwd = join(root, 'project');
  const canary = join(root, 'planted-tool-ran');
  for (const name of ['xclip', 'xsel', 'wl-copy', 'pbcopy']) {
    await plant(cwd, name, canary);
    await plant(join(cwd, 'bin'), name, canary);
  }
  // Every way PATH can say "the current directory": `.`, an empty entry (leading, middle, trailing), a
  // relative directory. No absolute entry has a tool.
  for (const PATH of [
    '.',
    ':',
    '.:/nonexistent',
    '/nonexistent::/also-nonexistent',
    '/nonexistent:',
    'bin',
    './bin:/nonexistent',
  ]) {
    const env = { PATH, DISPLAY: ':99', WAYLAND_DISPLAY: 'wayland-9' };
    await inDir(cwd, async () => {
      assert.equal(await findClipboardTool(env, 'darwin'), undefined, `PATH=${JSON.stringify(PATH)}`);
      await assert.rejects(
        copyToClipboard('ssh secret@127.0.0.1', env),
        (error) => isPairbarError(error) && error.code === 'CLIPBOARD_MISSING',
        `PATH=${JSON.stringify(PATH)}`,
      );
    });
    assert.equal(existsSync(canary), false, `PATH=${JSON.stringify(PATH)}: the planted tool received the link`);
  }
});

test(
  'with a relative entry first, the tool in the absolute PATH entry after it is the one used',
  { skip: existsSync('/usr/bin/xclip') ? false : 'needs /usr/bin/xclip (apt install xclip)' },
  async () => {
    const cwd = join(root, 'project-2');
    await plant(cwd, 'xclip', join(root, 'unused'));
    await inDir(cwd, async () => {
      assert.deepEqual(await findClipboardTool({ PATH: '.::/usr/bin', DISPLAY: ':99' }, 'linux'), {
        file: '/usr/bin/xclip',
        args: ['-selection', 'clipboard', '-in'],
      });
    });
  },
);
