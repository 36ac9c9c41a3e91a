/** The preferences file's problems, as the command warns of them (their defaults are in use meanwhile). */
import type { Io } from './context.ts';

export function warnAboutProblems(problems: ReadonlyArray<{ message: string }>, io: Pick<Io, 'stderr'>): void {
  for (const problem of problems) io.stderr(`pairbar: warning: ${problem.message}\n`);
}
