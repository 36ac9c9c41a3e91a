/**
 * The usage is wrong: exit 2, with the message and the usage. A module of its own because the entry and the
 * subcommands' files are built apart (scripts/build.mjs) and must share one class for `instanceof`.
 */
export class UsageError extends Error {}
