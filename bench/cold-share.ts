/**
 * Helper of share-spawns.ts, run as its own process: one share from a freshly started Pairbar, as the CLI
 * does it (`pairbar share NAME` is a new process each time, so it also looks up tmux and tmate). Takes the
 * sandbox through the environment and the session name as its argument; prints one JSON line
 * { spawned, ssh } and stops the share again (not counted).
 */
import { spawnedSoFar } from '../main/core/process.ts';
import { createRuntime } from '../main/runtime.ts';

const session = process.argv[2];
if (!session) throw new Error('usage: cold-share.ts SESSION');
const runtime = createRuntime(process.env);
const before = spawnedSoFar();
const share = await runtime.shares.share({ session });
const spawned = spawnedSoFar() - before;
await runtime.shares.stop(share.id);
runtime.shares.close();
process.stdout.write(`${JSON.stringify({ spawned, ssh: share.links.ssh })}\n`);
