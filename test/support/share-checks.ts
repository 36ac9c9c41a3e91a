/**
 * Checks that several core test files make of a share that failed or ended: what the user is told, and
 * that nothing is left running or on disk.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { isPairbarError, type PairbarError } from '../../main/core/errors.ts';
import type { Shares } from '../../main/core/shares.ts';
import type { Sandbox } from './sandbox.ts';

/** The share directories left in the sandbox's runtime dir. */
export function shareDirs(sandbox: Sandbox): string[] {
  const dir = sandbox.env.PAIRBAR_RUNTIME_DIR!;
  return existsSync(dir) ? readdirSync(dir) : [];
}

/**
 * Shares the session "work" (created here) and expects the start to fail with `code` within the time
 * limit; checks nothing is left and the failed share is listed with its cause. Returns the error and how
 * long the user waited for it.
 */
export async function expectStartFailure(
  sandbox: Sandbox,
  shares: Shares,
  code: string,
  timeoutSeconds: number,
  marginSeconds = 5,
): Promise<{ error: PairbarError; seconds: number }> {
  const sessionId = sandbox.newSession('work');
  const started = Date.now();
  let caught: unknown;
  try {
    await shares.share({ session: 'work' });
  } catch (error) {
    caught = error;
  }
  const seconds = (Date.now() - started) / 1000;
  assert.ok(isPairbarError(caught), `expected a PairbarError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  // The time limit is what bounds the wait; allow for tmate's own shutdown.
  assert.ok(seconds < timeoutSeconds + marginSeconds, `gave up after ${seconds} s`);
  assert.deepEqual(sandbox.tmatePids(), [], 'no tmate process left');
  assert.deepEqual(shareDirs(sandbox), [], 'no share directory left');
  const [failed] = shares.list();
  assert.equal(failed?.state, 'failed');
  assert.equal(failed?.error?.code, code);
  assert.deepEqual(sandbox.clientsOf(sessionId), [], "tmate's client is not left attached");
  return { error: caught, seconds };
}
