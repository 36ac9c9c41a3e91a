/**
 * The `pairbar` command: the same core as the app, no Electron.
 * Exit codes: 0 success, 1 failure (the error and its fix on stderr), 2 usage.
 *
 * This entry parses the arguments, answers --help and --version itself, and then loads only the module of
 * the subcommand asked for (main/cli/commands.ts lists them): the command starts about as fast as Node does.
 */
import { writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { checkUsage, commandNamed, usage } from './commands.ts';
import { OPTIONS, type Io } from './context.ts';
import { isUsageError, UsageError } from './usage-error.ts';

export type { Io } from './context.ts';

declare const PAIRBAR_VERSION: string | undefined;
const VERSION = typeof PAIRBAR_VERSION === 'string' ? PAIRBAR_VERSION : 'dev';

export async function main(argv: string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: OPTIONS });
  } catch (error) {
    io.stderr(`pairbar: ${error instanceof Error ? error.message : String(error)}\n\n${usage()}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [name, ...args] = positionals;
  if (values.help || name === 'help') {
    io.stdout(usage());
    return 0;
  }
  if (values.version) {
    io.stdout(`pairbar ${VERSION}\n`);
    return 0;
  }
  if (name === undefined) {
    io.stderr(usage());
    return 2;
  }
  try {
    const command = commandNamed(name);
    if (!command) throw new UsageError(`unknown command ${JSON.stringify(name)}`);
    checkUsage(name, command, args, values);
    const { run } = await command.load();
    return await run({ args, values, io });
  } catch (error) {
    if (isUsageError(error)) {
      io.stderr(`pairbar: ${error.message}\n\n${usage()}`);
      return 2;
    }
    const { reportError } = await import('./report-error.ts');
    reportError(error, io);
    return 1;
  }
}

/**
 * A writer for stdout or stderr that writes with fs.writeSync: creating process.stdout loads Node's stream,
 * net and pipe modules, which costs more than all the rest of `pairbar --help`. A reader that has gone
 * (EPIPE: `pairbar sessions | head -1`, a pager that was quit) ends the writing quietly, and the command
 * finishes its work; a non-blocking pipe that is full (EAGAIN) hands the rest to the stream, which waits.
 */
function writer(fd: 1 | 2, stream: () => NodeJS.WriteStream): (text: string) => void {
  let gone = false;
  let queued: NodeJS.WriteStream | undefined;
  return (text) => {
    if (gone) return;
    if (queued) {
      queued.write(text);
      return;
    }
    let rest = Buffer.from(text);
    while (rest.length > 0) {
      try {
        rest = rest.subarray(writeSync(fd, rest));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EPIPE') {
          gone = true;
          return;
        }
        if (code !== 'EAGAIN') throw error;
        queued = stream();
        queued.on('error', (streamError: NodeJS.ErrnoException) => {
          if (streamError.code !== 'EPIPE') throw streamError;
          gone = true;
        });
        queued.write(rest);
        return;
      }
    }
  };
}

/** Runs the command with this process's arguments and streams, and sets the exit code. */
export function run(): void {
  const stdout = writer(1, () => process.stdout);
  const stderr = writer(2, () => process.stderr);
  main(process.argv.slice(2), { stdout, stderr, env: process.env, script: process.argv[1] }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      stderr(`pairbar: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
