/** The snapshot channels: the page pulls the snapshot when it opens, and asks for a fresh one. */
import { CHANNELS } from '../../contract.ts';
import { accept, handler, refusedSnapshot, type Handlers } from './handler.ts';

/** Extra arguments are ignored: these channels take none and do the same whatever is sent. */
const NO_ARGUMENTS = accept(null);

export const snapshotHandlers: Handlers<typeof CHANNELS.getState | typeof CHANNELS.refresh> = {
  [CHANNELS.getState]: handler({
    validate: () => NO_ARGUMENTS,
    handle: (_args, { state }) => state.snapshot(),
    refused: refusedSnapshot,
  }),
  [CHANNELS.refresh]: handler({
    validate: () => NO_ARGUMENTS,
    handle: (_args, { state }) => state.refresh(),
    refused: refusedSnapshot,
  }),
};
