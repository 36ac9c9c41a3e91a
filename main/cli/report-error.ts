/** A subcommand's failure as the command prints it: the message and its fix (exit 1); a bug's stack with PAIRBAR_DEBUG. */
import { isPairbarError, toErrorInfo } from '../core/errors.ts';
import type { Io } from './context.ts';

export function reportError(error: unknown, io: Pick<Io, 'stderr' | 'env'>): void {
  const info = toErrorInfo(error);
  io.stderr(`pairbar: ${info.message}\n${info.fix}\n`);
  if (!isPairbarError(error) && io.env.PAIRBAR_DEBUG) io.stderr(String((error as Error)?.stack ?? error) + '\n');
}
