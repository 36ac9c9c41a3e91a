/**
 * Runs the tray menu's action descriptors (app/tray.ts builds them as data). Each kind becomes one call on the
 * app state, the popover, the clipboard or the app; errors the snapshot cannot show go to a dialog.
 * Electron comes in as parameters, so this file never makes Node load the electron package.
 */
import type { Clipboard, Dialog } from 'electron';
import type { ErrorInfo } from '../core/errors.ts';
import type { AppState } from './app-state.ts';
import type { TrayAction } from './tray.ts';

export interface TrayActionDeps {
  state: AppState;
  /** The popover window (electron/popover.ts), shown on a screen of the page. */
  popover: { show(view?: string): void };
  clipboard: Pick<Clipboard, 'writeText'>;
  dialog: Pick<Dialog, 'showMessageBox'>;
  quit(): void;
}

export type RunAction = (action: TrayAction) => Promise<void>;

export function createTrayActions(deps: TrayActionDeps): RunAction {
  const { state, popover } = deps;
  const showError = (error: ErrorInfo) =>
    void deps.dialog.showMessageBox({
      type: 'error',
      message: error.message,
      detail: error.fix,
      buttons: ['OK'],
      noLink: true,
    });

  return async (action) => {
    switch (action.kind) {
      case 'share':
      case 'share-blank': {
        const result = await state.share(
          action.kind === 'share' ? { session: action.session, socket: action.socket } : { blank: true },
        );
        // A share that failed to start is in the snapshot (menu, popover, notification); other errors
        // (the session is gone, tmux is missing) are only known here.
        if (
          !result.ok &&
          !state
            .snapshot()
            .shares.some((share) => share.state === 'failed' && share.error?.message === result.error.message)
        ) {
          showError(result.error);
        }
        return;
      }
      case 'copy': {
        const link = state.snapshot().shares.find((share) => share.id === action.shareId)?.links[action.link];
        if (link) await deps.clipboard.writeText(link);
        return;
      }
      case 'stop': {
        const result = await state.stop(action.shareId);
        if (!result.ok) showError(result.error);
        return;
      }
      case 'rotate': {
        const result = await state.rotate(action.shareId);
        if (!result.ok) showError(result.error);
        return;
      }
      case 'keyboard': {
        const result = await state.setPairKeyboard(action.shareId, action.canType);
        if (!result.ok) showError(result.error);
        return;
      }
      case 'refresh':
        await state.refresh();
        return;
      case 'open':
        popover.show();
        return;
      case 'preferences':
        popover.show('preferences');
        return;
      case 'quit':
        deps.quit();
        return;
    }
  };
}
