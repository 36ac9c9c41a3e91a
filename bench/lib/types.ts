/**
 * What a bench is and what it hands back. index.ts runs a list of these (bench/entries.ts), prints one
 * table judged against bench/goals.ts, and keeps the figures for `npm run docs` (docs/benchmarks.md).
 */

/** One line of the results table. */
export interface Figure {
  /** What was measured, e.g. "median share() → links". */
  name: string;
  /** The measured value, already formatted (units included). Always computed, never typed in. */
  value: string;
  /** The target, formatted ("≤ 1.25×"); omitted for figures that are only informative. */
  target?: string;
  /** PASS/FAIL against the target; undefined for informative figures. */
  pass?: boolean;
  /** The goal judged (an id of bench/goals.ts); set by judge(). */
  goal?: string;
  /** Set when the figure could not be measured this run (e.g. a harness that does not exist yet). */
  skipped?: string;
}

export interface BenchResult {
  figures: Figure[];
  /** Extra Markdown (breakdowns, raw samples) for the docs and the console; one string per line. */
  details?: string[];
}

export interface BenchContext {
  /** Progress to stderr, so stdout stays the report. */
  log(message: string): void;
  /** Registers cleanup that must also run if the process is interrupted (Ctrl-C) mid-bench. */
  onAbort(cleanup: () => Promise<void> | void): () => void;
  /** True once the run has been interrupted: start nothing new. */
  readonly aborted: boolean;
}

export interface BenchEntry {
  /** Short stable id, used in the table and in the docs' headings. */
  id: string;
  title: string;
  /** One or two sentences for the docs: what exactly is timed or counted. */
  method: string;
  run(context: BenchContext): Promise<BenchResult>;
}
