/**
 * `pairbar status [--json]`: what is shared. With no share recorded in the runtime directory it says so at
 * once, loading none of the share machinery (the usual answer, and the one that must come as fast as Node
 * starts); otherwise ./status-shares.ts adopts the shares and asks each tmate and tmux where things are.
 */
import { anyShareRecorded, defaultRuntimeDir } from '../core/runtime-dir.ts';
import { loadPrefs } from '../prefs/load.ts';
import type { CommandContext } from './context.ts';
import { warnAboutProblems } from './prefs-warnings.ts';

export async function run(context: CommandContext): Promise<number> {
  const { values, io } = context;
  if (anyShareRecorded(defaultRuntimeDir(io.env))) return (await import('./status-shares.ts')).run(context);
  io.stdout(values.json ? '[]\n' : 'Nothing is shared.\n');
  warnAboutProblems(loadPrefs(io.env).problems, io);
  return 0;
}
