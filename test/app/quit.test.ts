/**
 * The quit sequence (main/app/quit.ts) on its own: Electron's quit is played by a function that sends
 * before-quit through the sequence and exits unless it was cancelled, as app.quit() does; the question is
 * answered by the test. The whole app quitting with real shares is in main-process.test.ts; here are the
 * paths it cannot reach: a stop that hangs or fails, a second quit while asking, a signal.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { QuitQuestion } from '../../main/app/notifications.ts';
import { createQuitSequence, type QuitDeps } from '../../main/app/quit.ts';
import { share } from './fixtures.ts';

interface Run {
  steps: string[];
  questions: QuitQuestion[];
  answers: boolean[];
  exited: boolean;
  quit(): void;
  sequence: ReturnType<typeof createQuitSequence>;
  /** Resolves when the app has exited. */
  exit: Promise<void>;
}

function quitting(overrides: Partial<QuitDeps> & { pairs?: number } = {}): Run {
  let exited: () => void;
  const run: Run = {
    steps: [],
    questions: [],
    answers: [],
    exited: false,
    exit: new Promise<void>((resolve) => (exited = resolve)),
    quit() {
      run.steps.push('quit');
      let cancelled = false;
      run.sequence.beforeQuit({ preventDefault: () => (cancelled = true) });
      if (cancelled) return;
      run.exited = true;
      run.steps.push('exited');
      exited();
    },
    sequence: undefined as never,
  };
  run.sequence = createQuitSequence({
    ownShares: () => [share('work', { clients: overrides.pairs ?? 0 }), share('notes')],
    async ask(question) {
      run.steps.push('ask');
      run.questions.push(question);
      return run.answers.shift() ?? true;
    },
    leaving: () => void run.steps.push('leaving'),
    stopShares: async () => void run.steps.push('stop'),
    release: () => void run.steps.push('release'),
    quit: () => run.quit(),
    ...overrides,
  });
  return run;
}

describe('the quit sequence', () => {
  test('nobody connected: no question; the shares are stopped, then released, then the app exits', async () => {
    const run = quitting();
    run.quit();
    assert.equal(run.exited, false, 'the first quit waits for the shares');
    await run.exit;
    assert.deepEqual(run.steps, ['quit', 'leaving', 'stop', 'release', 'quit', 'exited']);
    assert.equal(run.sequence.phase(), 'done');
  });

  test('pairs connected: asks, names the session; Cancel keeps the app and its shares, and the next quit asks again', async () => {
    const run = quitting({ pairs: 2 });
    run.answers.push(false);
    run.quit();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(run.steps, ['quit', 'ask']);
    assert.equal(run.questions[0]?.message, 'End 2 pairs and quit?');
    assert.match(run.questions[0]?.detail ?? '', /“work”/);
    assert.doesNotMatch(run.questions[0]?.detail ?? '', /“notes”/, 'a share nobody is on is not named');
    assert.equal(run.sequence.phase(), 'running');

    run.answers.push(true);
    run.quit();
    await run.exit;
    assert.deepEqual(run.steps, ['quit', 'ask', 'quit', 'ask', 'leaving', 'stop', 'release', 'quit', 'exited']);
  });

  test('a second quit while the question is open is held back: one question, one stop', async () => {
    let answer: (yes: boolean) => void = () => undefined;
    const run = quitting({
      pairs: 1,
      ask: () => {
        run.steps.push('ask');
        return new Promise<boolean>((resolve) => (answer = resolve));
      },
    });
    run.quit();
    run.quit();
    assert.equal(run.exited, false);
    answer(true);
    await run.exit;
    assert.deepEqual(run.steps, ['quit', 'ask', 'quit', 'leaving', 'stop', 'release', 'quit', 'exited']);
  });

  test('a signal quits without asking, even with pairs connected, and still stops the shares', async () => {
    const run = quitting({ pairs: 1 });
    run.sequence.quitWithoutAsking();
    await run.exit;
    assert.deepEqual(run.steps, ['quit', 'leaving', 'stop', 'release', 'quit', 'exited']);
    assert.deepEqual(run.questions, []);
  });

  test('a stop that never finishes does not keep the app alive: it exits at the time limit', async () => {
    const run = quitting({ stopShares: () => new Promise(() => undefined), limitMs: 100 });
    const started = Date.now();
    run.quit();
    await run.exit;
    assert.deepEqual(run.steps, ['quit', 'leaving', 'release', 'quit', 'exited']);
    assert.ok(Date.now() - started >= 90, 'it waited for the stop up to the limit');
  });

  test('a stop that fails is reported and the app still exits', async () => {
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    try {
      const run = quitting({ stopShares: () => Promise.reject(new Error('tmate would not die')) });
      run.quit();
      await run.exit;
      assert.deepEqual(run.steps, ['quit', 'leaving', 'release', 'quit', 'exited']);
    } finally {
      console.error = original;
    }
    assert.match(String((errors[0] as unknown[])[1]), /tmate would not die/);
  });

  test('a question that cannot be shown leaves the app running, no pair ended unasked', async () => {
    const original = console.error;
    console.error = () => undefined;
    try {
      const run = quitting({ pairs: 1, ask: () => Promise.reject(new Error('no display')) });
      run.quit();
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(run.steps, ['quit']);
      assert.equal(run.sequence.phase(), 'running');
      assert.equal(run.exited, false);
    } finally {
      console.error = original;
    }
  });
});
