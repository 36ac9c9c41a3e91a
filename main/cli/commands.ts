/**
 * The `pairbar` subcommands: for each, its lines in the usage, the options it takes, how many arguments,
 * and the module that runs it. The entry (main/cli/index.ts) loads this file and nothing else before it knows
 * which subcommand runs (with context.ts, its types and OPTIONS, and usage-error.ts), so `--help` and
 * `--version` cost next to nothing and `status` never loads what only `share` needs. Keep it that way: no
 * value import here but usage-error.ts; a subcommand's module is only an `import()` inside `load`.
 *
 * To add a subcommand: write main/cli/NAME.ts exporting `run(context: CommandContext): Promise<number>` (CommandContext: context.ts),
 * add its entry to COMMANDS below (the usage lines, the options it takes, `load: () => import('./NAME.ts')`),
 * and any new option to OPTIONS (context.ts). scripts/build.mjs needs no change: each import() becomes its own chunk.
 */
import type { CommandModule, OptionName, OptionValues } from './context.ts';
import { UsageError } from './usage-error.ts';

/** The options every subcommand takes. */
const GLOBAL_OPTIONS: readonly OptionName[] = ['help', 'version'];

export interface CommandSpec {
  /** Lines of the usage: what to type after `pairbar`, and what it does (a `\n` continues it below). None: internal. */
  usage: ReadonlyArray<readonly [synopsis: string, summary: string]>;
  options: readonly OptionName[];
  /** How many arguments it takes at most after its name. */
  maxArgs: number;
  load(): Promise<CommandModule>;
}

export const COMMANDS = {
  sessions: {
    usage: [['sessions [--json]', 'list your tmux sessions']],
    options: ['json'],
    maxArgs: 0,
    load: () => import('./sessions.ts'),
  },
  share: {
    usage: [
      [
        'share [SESSION] [--json] [--copy] [--read-only] [WHO] [--for DURATION] [--end-when-empty DURATION] [--server NAME] [--view V] [--size S]',
        'share SESSION (exact name); without one, a new blank terminal',
      ],
    ],
    options: [
      'json',
      'copy',
      'socket',
      'read-only',
      'github',
      'gitlab',
      'codeberg',
      'authorized-keys',
      'anyone',
      'for',
      'end-when-empty',
      'server',
      'view',
      'size',
    ],
    maxArgs: 1,
    load: () => import('./share.ts'),
  },
  url: {
    usage: [
      [
        'url [SESSION] [--socket PATH] [--read-only] [--web] [--copy]',
        'print a share link (default: the share.copyLink preference)',
      ],
    ],
    options: ['socket', 'read-only', 'web', 'copy'],
    maxArgs: 1,
    load: () => import('./url.ts'),
  },
  rotate: {
    usage: [
      [
        'rotate SESSION [--socket PATH] [--json] [--copy]',
        'new links: everyone connected is dropped, the old links stop\nworking, your own terminal stays attached',
      ],
    ],
    options: ['socket', 'json', 'copy'],
    maxArgs: 1,
    load: () => import('./rotate.ts'),
  },
  keyboard: {
    usage: [
      [
        'keyboard SESSION take|give [--socket PATH] [--json]',
        'take the keyboard: the pair watches, their typing does\nnothing; give: they can type again (same links, nobody dropped)',
      ],
    ],
    options: ['socket', 'json'],
    maxArgs: 2,
    load: () => import('./keyboard.ts'),
  },
  events: {
    usage: [
      [
        'events [SESSION] [--socket PATH] [--json]',
        'one line (one JSON object with --json) each time someone joins,\nleaves or resizes, the links change, or the share ends',
      ],
    ],
    options: ['json', 'socket'],
    maxArgs: 1,
    load: () => import('./events.ts'),
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
  server: {
    usage: [
      ['server list [--json]', 'your tmate servers; * marks the one new shares use'],
      [
        'server add NAME [HOST[:PORT]] [--paste] [--trust]',
        "add a server: from HOST[:PORT], or its tmate.conf lines on\nstdin (--paste); without fingerprints it reads the server's\nkeys and asks you to confirm them (--trust: no question)",
      ],
      ['server use NAME', 'new shares go to NAME'],
      ['server remove NAME', 'forget NAME'],
      ['server test [NAME] [--json]', 'one throwaway session against NAME (default: the one in use)'],
    ],
    options: ['json', 'paste', 'trust'],
    maxArgs: 3,
    load: () => import('./server.ts'),
  },
  // Internal: the detached process that ends a command's share on time (see followToEnd in common.ts).
  __follow: {
    usage: [],
    options: [],
    maxArgs: 1,
    load: () => import('./follow.ts'),
  },
  // Internal: a share's presence watcher (see core/shares/watch.ts), started with every share.
  __presence: {
    usage: [],
    options: [],
    maxArgs: 3,
    load: () => import('./presence-watch.ts'),
  },
} satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof COMMANDS;

export function commandNamed(name: string): CommandSpec | undefined {
  return Object.hasOwn(COMMANDS, name) ? COMMANDS[name as CommandName] : undefined;
}

/** The usage errors that need no subcommand module: arguments beyond its maximum, options it does not take. */
export function checkUsage(name: string, command: CommandSpec, args: readonly string[], values: OptionValues): void {
  if (args.length > command.maxArgs)
    throw new UsageError(`too many arguments for ${name}: ${args.slice(command.maxArgs).join(' ')}`);
  for (const option of Object.keys(values) as OptionName[]) {
    if (!command.options.includes(option) && !GLOBAL_OPTIONS.includes(option))
      throw new UsageError(`${name} takes no --${option}`);
  }
}

const SYNOPSIS_WIDTH = 43;
const SUMMARY_INDENT = ' '.repeat(SYNOPSIS_WIDTH + 2);

export function usage(): string {
  const lines = Object.values(COMMANDS).flatMap((command: CommandSpec) =>
    command.usage.map(([synopsis, summary]) => {
      const text = summary.split('\n').join(`\n${SUMMARY_INDENT}`);
      return synopsis.length < SYNOPSIS_WIDTH
        ? `  ${synopsis.padEnd(SYNOPSIS_WIDTH)}${text}`
        : `  ${synopsis}\n${SUMMARY_INDENT}${text}`;
    }),
  );
  return `Usage: pairbar <command> [options]

Share a tmux session you already have with a pair, through tmate.

Commands:
${lines.join('\n')}

Who may join (share; repeatable, combined; default: the access.default preference, else anyone with a link):
  --github NAME   --gitlab NAME   --codeberg NAME
                  that forge user's public keys (fetched from the access.*Url address)
  --authorized-keys FILE
                  the public keys in FILE (one per line, as in ~/.ssh/authorized_keys)
  --anyone        anyone holding a link, whatever access.default says

Options:
  --for DURATION  with share: end the share by itself after 90s, 30m, 2h or 1h30m
                  (default: share.endAfterMinutes; 0 = never)
  --end-when-empty DURATION
                  with share: end it that long after the last pair left, or after
                  it started if nobody joined (default: share.endWhenEmptyMinutes)
  --read-only     with share: the read-only link first, and the one --copy copies; with url: that link
  --socket PATH   with share/url/stop/rotate: SESSION on the tmux server at PATH only (tells apart
                  sessions of one name on two tmux servers)
  --server NAME   with share: go to that tmate server instead of the one in use
  --view V        with share: independent = the pair switches windows without moving yours
                  (default: the pair.view preference)
  --size S        with share: mine = the pair's terminal never resizes your windows
                  (default: the pair.size preference)
  -h, --help      this help
  -v, --version   the version
`;
}
