/** A command line that does not make sense: printed with the usage, exit code 2. */
export class UsageError extends Error {}
