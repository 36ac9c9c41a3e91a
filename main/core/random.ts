/**
 * `bytes` random bytes as hex. node:crypto is loaded on first use: only starting a share and the login-shell
 * lookup need it, and it is the largest of the built-in modules `pairbar status` would load otherwise.
 */
export async function randomHex(bytes: number): Promise<string> {
  const { randomBytes } = await import('node:crypto');
  return randomBytes(bytes).toString('hex');
}
