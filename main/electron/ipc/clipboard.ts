/** The clipboard channels: a share's link, or the command shown with a problem, copied by the main process (the page cannot). */
import { CHANNELS, COMMAND_PROBLEMS } from '../../contract.ts';
import { isLinkKind, LINK_KINDS } from '../../core/links.ts';
import { accept, handler, refuse, refusedResult, type Handlers } from './handler.ts';
import { invalid, knownShare } from './validate.ts';

const COPIED = { ok: true, value: null } as const;

export const clipboardHandlers: Handlers<typeof CHANNELS.copy | typeof CHANNELS.copyCommand> = {
  [CHANNELS.copy]: handler({
    validate([kind, shareId], ctx) {
      if (!isLinkKind(kind)) return refuse(invalid('link kind', `expected one of ${LINK_KINDS.join(', ')}`));
      const share = knownShare(ctx, shareId);
      if (typeof share === 'string') return refuse(invalid('share', share));
      const link = share.links[kind];
      if (!link) return refuse(invalid('link', `this server gives no ${kind} link`));
      return accept(link);
    },
    async handle(link, { writeClipboard }) {
      await writeClipboard(link);
      return COPIED;
    },
    refused: refusedResult,
  }),
  [CHANNELS.copyCommand]: handler({
    validate([code], { state }) {
      if (typeof code !== 'string' || !(COMMAND_PROBLEMS as readonly string[]).includes(code))
        return refuse(invalid('problem', `expected one of ${COMMAND_PROBLEMS.join(', ')}`));
      // Only a command the main process itself put in the snapshot can reach the clipboard.
      const command = state.snapshot().problems.find((problem) => problem.code === code)?.command;
      if (!command) return refuse(invalid('problem', `${code} is not a current problem; check again`));
      return accept(command);
    },
    async handle(command, { writeClipboard }) {
      await writeClipboard(command);
      return COPIED;
    },
    refused: refusedResult,
  }),
};
