/** The popover's own channel: the page asks to be hidden (Escape). */
import { CHANNELS } from '../../contract.ts';
import { accept, handler, type Handlers } from './handler.ts';

export const popoverHandlers: Handlers<typeof CHANNELS.hide> = {
  [CHANNELS.hide]: handler({
    validate: () => accept(null),
    handle: (_args, { hidePopover }) => hidePopover(),
    // A foreign caller is answered as the page is, and nothing is hidden.
    refused: () => undefined,
  }),
};
