/**
 * The `pairbar` subcommands: for each, its lines in the usage, the options it takes, how many arguments,
 * and the module that runs it. The entry (main/cli.ts) loads this file and nothing else before it knows
 * which subcommand runs, so `--help` and `--version` cost next to nothing and `status` never loads what
 * only `share` needs. Keep it that way: no value imports here, only `import()` inside `load`.
 *
 * To add a subcommand: write main/cli/NAME.ts exporting `run(context: CommandContext): Promise<number>`,
 * add its entry to COMMANDS below (the usage lines, the options it takes, `load: () => import('./NAME.ts')`),
 * and any new option to OPTIONS. scripts/build.mjs needs no change: each import() becomes its own chunk.
 */
import type { ParseArgsConfig } from 'node:util';

/** Every option of every subcommand; each subcommand lists which of them it takes. */
export const OPTIONS = {
  json: { type: 'boolean' },
  copy: { type: 'boolean' },
  'read-only': { type: 'boolean' },
  web: { type: 'boolean' },
  all: { type: 'boolean' },
  socket: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

export type OptionName = keyof typeof OPTIONS;
export type OptionValues = { [K in OptionName]?: (typeof OPTIONS)[K]['type'] extends 'string' ? string : boolean };

/** The options every subcommand takes. */
const GLOBAL_OPTIONS: readonly OptionName[] = ['help', 'version'];

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

/** What a subcommand is handed: the arguments after its name, the options given, and the streams. */
export interface CommandContext {
  args: string[];
  values: OptionValues;
  io: Io;
}

/** A subcommand's module. Returns the exit code; throws UsageError (exit 2) or any error (exit 1, with its fix). */
export interface CommandModule {
  run(context: CommandContext): Promise<number>;
}

export interface CommandSpec {
  /** Lines of the usage: what to type after `pairbar`, and what it does. */
  usage: ReadonlyArray<readonly [synopsis: string, summary: string]>;
  options: readonly OptionName[];
  /** How many arguments it takes at most after its name. */
  maxArgs: number;
  load(): Promise<CommandModule>;
}

/** The usage is wrong: exit 2, with the message and the usage. */
export class UsageError extends Error {}

export const COMMANDS = {
  sessions: {
    usage: [['sessions [--json]', 'list your tmux sessions']],
    options: ['json'],
    maxArgs: 0,
    load: () => import('./sessions.ts'),
  },
  share: {
    usage: [['share [SESSION] [--json] [--copy]', 'share SESSION (exact name); without one, a new blank terminal']],
    options: ['json', 'copy', 'socket'],
    maxArgs: 1,
    load: () => import('./share.ts'),
  },
  url: {
    usage: [['url [SESSION] [--socket PATH] [--read-only] [--web] [--copy]', 'print a share link (default: the read-write ssh link)']],
    options: ['socket', 'read-only', 'web', 'copy'],
    maxArgs: 1,
    load: () => import('./url.ts'),
  },
  status: {
    usage: [['status [--json]', 'list what is shared']],
    options: ['json'],
    maxArgs: 0,
    load: () => import('./status.ts'),
  },
  stop: {
    usage: [['stop SESSION [--socket PATH] | --all', 'end a share; your own terminal and session stay as they are']],
    options: ['socket', 'all'],
    maxArgs: 1,
    load: () => import('./stop.ts'),
  },
  config: {
    usage: [
      ['config get [KEY]', 'show preferences'],
      ['config set KEY VALUE', 'change a preference (an empty VALUE restores the default)'],
    ],
    options: ['json'],
    maxArgs: 3,
    load: () => import('./config.ts'),
  },
} satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof COMMANDS;

export function commandNamed(name: string): CommandSpec | undefined {
  return Object.hasOwn(COMMANDS, name) ? COMMANDS[name as CommandName] : undefined;
}

/** The usage errors that need no subcommand module: arguments beyond its maximum, options it does not take. */
export function checkUsage(name: string, command: CommandSpec, args: readonly string[], values: OptionValues): void {
  if (args.length > command.maxArgs) throw new UsageError(`too many arguments for ${name}: ${args.slice(command.maxArgs).join(' ')}`);
  for (const option of Object.keys(values) as OptionName[]) {
    if (!command.options.includes(option) && !GLOBAL_OPTIONS.includes(option)) throw new UsageError(`${name} takes no --${option}`);
  }
}

const SYNOPSIS_WIDTH = 43;

export function usage(): string {
  const lines = Object.values(COMMANDS).flatMap((command: CommandSpec) =>
    command.usage.map(([synopsis, summary]) =>
      synopsis.length < SYNOPSIS_WIDTH ? `  ${synopsis.padEnd(SYNOPSIS_WIDTH)}${summary}` : `  ${synopsis}\n  ${' '.repeat(SYNOPSIS_WIDTH)}${summary}`,
    ),
  );
  return `Usage: pairbar <command> [options]

Share a tmux session you already have with a pair, through tmate.

Commands:
${lines.join('\n')}

Options:
  --socket PATH   with share/url/stop: SESSION on the tmux server at PATH only (tells apart
                  sessions of one name on two tmux servers)
  -h, --help      this help
  -v, --version   the version
`;
}
