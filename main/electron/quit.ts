/**
 * Quitting, in Electron: the quit sequence (app/quit.ts) connected to Electron's app (before-quit, quit)
 * and dialog (the question), to the core's shares, and to the signals that end the app without asking.
 */
import type { App, Dialog } from 'electron';
import type { Shares } from '../core/shares.ts';
import { createQuitSequence, type QuitSequence } from '../app/quit.ts';

export interface QuitWiring {
  app: Pick<App, 'on' | 'quit' | 'focus'>;
  dialog: Pick<Dialog, 'showMessageBox'>;
  platform: NodeJS.Platform;
  shares: Pick<Shares, 'list' | 'stopAll' | 'close'>;
  hidePopover(): void;
}

export function installQuit(wiring: QuitWiring): QuitSequence {
  const { app, shares } = wiring;
  const sequence = createQuitSequence({
    ownShares: () => shares.list().filter((share) => share.origin === 'app'),
    async ask(question) {
      if (wiring.platform === 'darwin') app.focus({ steal: true });
      const { response } = await wiring.dialog.showMessageBox({
        type: 'warning',
        message: question.message,
        detail: question.detail,
        buttons: question.buttons,
        defaultId: 0,
        cancelId: 1,
        noLink: true,
      });
      return response === 0;
    },
    leaving: () => wiring.hidePopover(),
    stopShares: () => shares.stopAll('app'),
    release: () => shares.close(),
    quit: () => app.quit(),
  });
  app.on('before-quit', (event) => sequence.beforeQuit(event));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => sequence.quitWithoutAsking());
  return sequence;
}
