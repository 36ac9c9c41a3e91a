/**
 * Quitting: ask first when pairs are connected to the app's own shares, then end those shares (never
 * longer than a time limit) before the app exits. Electron's before-quit cannot wait for async work, so the
 * first quit is cancelled, the work done, and the quit called again once it is.
 *
 * createQuitSequence takes every effect as a function, so the sequence is tested in plain Node;
 * electron/quit.ts connects it to Electron's app and dialog and to the core's shares.
 */
import type { Share } from '../core/shares.ts';
import { quitQuestion, type QuitQuestion } from './notifications.ts';

/** Stopping a share is a tmate kill and a directory removal; a stuck one must not keep the app alive. */
const STOP_LIMIT_MS = 5000;

export type QuitPhase = 'running' | 'asking' | 'stopping' | 'done';

export interface QuitDeps {
  /** The shares that end with the app (a pair started with `pairbar share` in a terminal goes on). */
  ownShares(): readonly Pick<Share, 'state' | 'clients' | 'session'>[];
  /** Resolves true to go ahead and quit. */
  ask(question: QuitQuestion): Promise<boolean>;
  /** Called once the quit is certain, before the shares are stopped (the app hides its popover). */
  leaving(): void;
  stopShares(): Promise<unknown>;
  /** Lets go of what the app holds (log followers) once the shares are stopped or the limit has passed. */
  release(): void;
  /** Quits again, this time for real (Electron's app.quit). */
  quit(): void;
  limitMs?: number;
}

export interface QuitSequence {
  /** The before-quit listener. */
  beforeQuit(event: { preventDefault(): void }): void;
  /** A signal (Ctrl-C under `npm start`, a logout): quit without asking, still stopping the shares. */
  quitWithoutAsking(): void;
  phase(): QuitPhase;
}

export function createQuitSequence(deps: QuitDeps): QuitSequence {
  let phase: QuitPhase = 'running';
  let ask = true;

  async function leave(): Promise<void> {
    const question = ask ? quitQuestion(deps.ownShares()) : null;
    if (question && !(await deps.ask(question))) {
      phase = 'running';
      return;
    }
    phase = 'stopping';
    deps.leaving();
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, deps.limitMs ?? STOP_LIMIT_MS);
    });
    const stopped = deps
      .stopShares()
      .catch((error: unknown) => console.error('Pairbar: stopping the shares failed:', error));
    await Promise.race([stopped, limit]);
    clearTimeout(timer);
    deps.release();
    phase = 'done';
    deps.quit();
  }

  return {
    beforeQuit(event) {
      if (phase === 'done') return;
      event.preventDefault();
      if (phase !== 'running') return;
      phase = 'asking';
      leave().catch((error: unknown) => {
        // Asking failed (the dialog could not be shown): stay running rather than end pairs unasked.
        console.error('Pairbar: quitting failed:', error);
        phase = 'running';
      });
    },
    quitWithoutAsking() {
      ask = false;
      deps.quit();
    },
    phase: () => phase,
  };
}
