/** The system clipboard for the CLI (the app uses Electron's clipboard instead). */
import { access, constants } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';
import { errors } from './errors.ts';
import { run } from './process.ts';

interface ClipboardTool {
  file: string;
  args: string[];
}

async function onPath(name: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    // '' and relative entries mean "the directory the command runs in": whatever is planted there would
    // receive the read-write link, so only absolute directories count.
    if (!isAbsolute(dir)) continue;
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory.
    }
  }
  return undefined;
}

/** The first clipboard tool that can work in this session: pbcopy, wl-copy (Wayland), xclip or xsel (X11). */
export async function findClipboardTool(env: NodeJS.ProcessEnv = process.env, platform = process.platform): Promise<ClipboardTool | undefined> {
  const candidates: ClipboardTool[] = [];
  if (platform === 'darwin') candidates.push({ file: 'pbcopy', args: [] });
  if (env.WAYLAND_DISPLAY) candidates.push({ file: 'wl-copy', args: [] });
  if (env.DISPLAY) candidates.push({ file: 'xclip', args: ['-selection', 'clipboard', '-in'] }, { file: 'xsel', args: ['--clipboard', '--input'] });
  for (const candidate of candidates) {
    const path = await onPath(candidate.file, env);
    if (path) return { file: path, args: candidate.args };
  }
  return undefined;
}

export async function copyToClipboard(text: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const tool = await findClipboardTool(env);
  if (!tool) throw errors.clipboardMissing();
  // xclip and wl-copy stay behind to serve the selection; they must not hold our pipes open.
  await run(tool.file, tool.args, { env, input: text, timeoutMs: 5_000, detachOutput: true });
  return tool.file;
}
