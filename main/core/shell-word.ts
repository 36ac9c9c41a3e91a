/** A value (a session name, a path) as the user would type it into a shell: in the commands messages give. */
export function shellWord(value: string): string {
  return /^[A-Za-z0-9_./+-]+$/.test(value) && !value.startsWith('-') ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}
