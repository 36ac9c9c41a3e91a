/**
 * What every made-up share of the tests starts from: sharing, nobody in, no restriction, no end, the
 * default size and view. The fixtures of the core tables, the app and the renderer add what identifies
 * their share and what they test; a new Share field gets its quiet value here, once.
 */
import type { Share } from '../../main/core/shares.ts';

export const QUIET_SHARE = {
  blank: false,
  state: 'sharing',
  clients: 0,
  lastPairEvent: null,
  error: null,
  serverName: 'ours',
  linksChangedAt: null,
  allowed: null,
  endsAt: null,
  pairSize: null,
  pairCanType: null,
  size: 'mine',
  view: 'follow',
  sizeNote: null,
  viewSession: null,
  watched: false,
  presence: null,
  endWhenEmptyMs: null,
} as const satisfies Partial<Share>;
