/** The system clipboard for the CLI (the app uses Electron's clipboard instead). */
import { errors } from './errors.ts';
import { findProgram } from './programs.ts';
import { run } from './process.ts';

interface ClipboardTool {
  file: string;
  args: string[];
}

/** The first clipboard tool that can work in this session: pbcopy, wl-copy (Wayland), xclip or xsel (X11). */
export async function findClipboardTool(
  env: NodeJS.ProcessEnv = process.env,
  platform = process.platform,
): Promise<ClipboardTool | undefined> {
  const candidates: ClipboardTool[] = [];
  if (platform === 'darwin') candidates.push({ file: 'pbcopy', args: [] });
  if (env.WAYLAND_DISPLAY) candidates.push({ file: 'wl-copy', args: [] });
  if (env.DISPLAY)
    candidates.push(
      { file: 'xclip', args: ['-selection', 'clipboard', '-in'] },
      { file: 'xsel', args: ['--clipboard', '--input'] },
    );
  for (const candidate of candidates) {
    // Whatever runs here receives the read-write link: found only in absolute PATH entries (programs.ts).
    const path = await findProgram(candidate.file, env);
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
