/**
 * The benches `npm run bench` runs, in order. To add one, write a BenchEntry (bench/lib/types.ts) and list it
 * here; UI benches go in bench/ui.ts (UI_BENCHES).
 */
import { cliStart } from './cli-start.ts';
import { idle } from './idle.ts';
import { sessionsListing } from './sessions-listing.ts';
import { serverTest } from './server-test.ts';
import { shareLatency } from './share-latency.ts';
import { shareSpawns } from './share-spawns.ts';
import type { BenchEntry } from './lib/types.ts';
import { UI_BENCHES } from './ui.ts';

export const BENCHES: BenchEntry[] = [
  shareLatency,
  shareSpawns,
  serverTest,
  sessionsListing,
  cliStart,
  idle,
  ...UI_BENCHES,
];
