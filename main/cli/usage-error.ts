/**
 * The usage is wrong: exit 2, with the message and the usage. The entry and each subcommand's file are
 * built apart (scripts/build.mjs), each with its own copy of this class, so the entry asks isUsageError()
 * rather than instanceof.
 */
const USAGE_ERROR = Symbol.for('pairbar.UsageError');

export class UsageError extends Error {
  get [USAGE_ERROR](): true {
    return true;
  }
}

export function isUsageError(error: unknown): error is UsageError {
  return error instanceof Error && (error as Partial<Record<typeof USAGE_ERROR, true>>)[USAGE_ERROR] === true;
}
