/** The share channels: share a listed session (or a new terminal), new links, the pair's keyboard, end a share. */
import { CHANNELS } from '../../contract.ts';
import { validateShareOptions } from '../../core/share-options.ts';
import { accept, handler, refuse, refusedResult, type Handlers } from './handler.ts';
import { invalid, knownShare, validateShareTarget } from './validate.ts';

export const shareHandlers: Handlers<
  typeof CHANNELS.share | typeof CHANNELS.rotate | typeof CHANNELS.keyboard | typeof CHANNELS.stop
> = {
  [CHANNELS.share]: handler({
    maxArgs: 2,
    validate([target, options], { state }) {
      const checked = validateShareTarget(target);
      if (typeof checked === 'string') return refuse(invalid('share target', checked));
      const chosen = validateShareOptions(options);
      if (typeof chosen === 'string') return refuse(invalid('share options', chosen));
      if (!('blank' in checked)) {
        const known = state
          .snapshot()
          .sessions.some((session) => session.name === checked.session && session.socket === checked.socket);
        if (!known)
          return refuse(
            invalid(
              'session',
              `${JSON.stringify(checked.session)} is not one of the listed tmux sessions; refresh and pick again`,
            ),
          );
      }
      return accept({ target: checked, options: chosen });
    },
    handle: ({ target, options }, { state }) => state.share(target, options),
    refused: refusedResult,
  }),
  [CHANNELS.rotate]: handler({
    maxArgs: 1,
    validate([shareId], ctx) {
      const share = knownShare(ctx, shareId);
      if (typeof share === 'string') return refuse(invalid('share', share));
      if (share.state !== 'sharing' && share.state !== 'reconnecting')
        return refuse(invalid('share', `${share.session} is not live; only a live share gets new links`));
      return accept(share.id);
    },
    handle: (id, { state }) => state.rotate(id),
    refused: refusedResult,
  }),
  [CHANNELS.keyboard]: handler({
    maxArgs: 2,
    validate([shareId, canType], ctx) {
      const share = knownShare(ctx, shareId);
      if (typeof share === 'string') return refuse(invalid('share', share));
      if (typeof canType !== 'boolean')
        return refuse(invalid('keyboard', 'expected true (give it back) or false (take it)'));
      if (share.state !== 'sharing' && share.state !== 'reconnecting')
        return refuse(invalid('share', `${share.session} is not live; only a live share has a keyboard to take`));
      return accept({ id: share.id, canType });
    },
    handle: ({ id, canType }, { state }) => state.setPairKeyboard(id, canType),
    refused: refusedResult,
  }),
  [CHANNELS.stop]: handler({
    validate([shareId], ctx) {
      const share = knownShare(ctx, shareId);
      return typeof share === 'string' ? refuse(invalid('share', share)) : accept(share.id);
    },
    handle: (id, { state }) => state.stop(id),
    refused: refusedResult,
  }),
};
