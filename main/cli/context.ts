/**
 * What a subcommand is handed, and what it hands back: the options every subcommand may take (OPTIONS),
 * the streams (Io), the context of one run, and the shape of a subcommand's module. Types and one plain
 * object, so every subcommand imports from here and commands.ts, the table of subcommands, imports
 * nothing back from them.
 */
import type { ParseArgsConfig } from 'node:util';

/** Every option of every subcommand; each subcommand lists which of them it takes. */
export const OPTIONS = {
  json: { type: 'boolean' },
  copy: { type: 'boolean' },
  'read-only': { type: 'boolean' },
  web: { type: 'boolean' },
  github: { type: 'string', multiple: true },
  gitlab: { type: 'string', multiple: true },
  codeberg: { type: 'string', multiple: true },
  'authorized-keys': { type: 'string', multiple: true },
  anyone: { type: 'boolean' },
  for: { type: 'string' },
  'end-when-empty': { type: 'string' },
  all: { type: 'boolean' },
  socket: { type: 'string' },
  server: { type: 'string' },
  view: { type: 'string' },
  size: { type: 'string' },
  paste: { type: 'boolean' },
  trust: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

export type OptionName = keyof typeof OPTIONS;
type OptionValue<C> = C extends { type: 'string'; multiple: true }
  ? string[]
  : C extends { type: 'string' }
    ? string
    : boolean;
export type OptionValues = { [K in OptionName]?: OptionValue<(typeof OPTIONS)[K]> };

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** All of standard input; default: this process's. */
  readAll?: () => Promise<string>;
  /** One line of standard input, or null at its end; default: this process's. */
  readLine?: () => Promise<string | null>;
  /**
   * The script that runs this command, for a share that ends by itself: a detached `pairbar` process
   * follows it until its end, since this one exits at once. Unset (in-process callers): nobody follows.
   */
  script?: string;
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
