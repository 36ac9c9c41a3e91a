/**
 * Registers every invoke channel of the contract from one table: each call's sender is checked first (only
 * the popover's own page), then the number of arguments, then every argument (the channel's validator),
 * and only then does the handler run. The table's type lists every channel of the contract, so a channel
 * without a handler and a validator does not compile. Electron's objects come in as parameters: the app
 * passes the real ones, the ui tests the stand-in. Adding a channel: see the recipe in main/contract.ts.
 */
import type { InvokeChannel } from '../../contract.ts';
import { clipboardHandlers } from './clipboard.ts';
import type { Handler, IpcContext } from './handler.ts';
import { popoverHandlers } from './popover.ts';
import { prefsHandlers } from './prefs.ts';
import { serverHandlers } from './servers.ts';
import { shareHandlers } from './shares.ts';
import { snapshotHandlers } from './snapshot.ts';
import { invalid } from './validate.ts';

export { validateProfileArg, validateServerInput, validateShareTarget } from './validate.ts';

/** What the handlers need of an IPC event: who sent it. */
export interface IpcEventLike {
  sender: unknown;
  /** parent is null for a top frame. */
  senderFrame?: { url: string; parent?: unknown } | null;
}

/** The part of Electron's ipcMain used here. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface IpcDeps extends IpcContext {
  ipcMain: IpcMainLike;
  /** True only for the popover's own page. */
  isTrustedSender(event: IpcEventLike): boolean;
}

/** Every invoke channel with its handler, by domain; the type makes leaving one out a compile error. */
const HANDLERS: { [C in InvokeChannel]: Handler<C, unknown> } = {
  ...snapshotHandlers,
  ...shareHandlers,
  ...serverHandlers,
  ...clipboardHandlers,
  ...prefsHandlers,
  ...popoverHandlers,
};

/** Registers every handler (replacing any earlier registration, so a reload can't double them). */
export function registerIpc(deps: IpcDeps): () => void {
  const { ipcMain } = deps;
  const context: IpcContext = {
    state: deps.state,
    writeClipboard: (text) => deps.writeClipboard(text),
    hidePopover: () => deps.hidePopover(),
  };
  const channels = Object.keys(HANDLERS) as InvokeChannel[];
  for (const channel of channels) {
    const entry: Handler<InvokeChannel, unknown> = HANDLERS[channel];
    ipcMain.removeHandler(channel);
    ipcMain.handle(channel, async (event, ...args) => {
      if (!deps.isTrustedSender(event)) return entry.refused();
      if (entry.maxArgs !== undefined && args.length > entry.maxArgs)
        return invalid('arguments', `${channel} takes at most ${entry.maxArgs}`);
      const checked = entry.validate(args, context);
      return 'refuse' in checked ? checked.refuse : entry.handle(checked.args, context);
    });
  }
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}
