/**
 * The keys the store files pending actions, failures and copy confirmations under; the views put the same
 * key on the control as data-key, which is how focus finds it again after a render.
 */
import type { CommandProblem, LinkKind, SessionView, ShareView } from '../main/contract.ts';
import { targetKey } from '../main/core/share-rules.ts';

/** A session and the share of it have the same key, so a Share's pending state and errors follow it onto the card. */
export const sessionKey = (session: Pick<SessionView, 'socket' | 'id'>): string =>
  `share:${targetKey(session.socket, session.id)}`;
export const shareKey = (item: Pick<ShareView, 'socket' | 'sessionId'>): string =>
  `share:${targetKey(item.socket, item.sessionId)}`;
export const BLANK_KEY = 'share:blank';
export const stopKey = (item: Pick<ShareView, 'socket' | 'sessionId'>): string => `stop:${shareKey(item)}`;
export const copyKey = (kind: LinkKind, shareId: string): string => `copy:${kind}:${shareId}`;
export const copyCommandKey = (code: CommandProblem): string => `copy-command:${code}`;
export const rotateKey = (shareId: string): string => `rotate:${shareId}`;
export const keyboardKey = (shareId: string): string => `keyboard:${shareId}`;
export const serverKey = (what: 'use' | 'remove', name: string): string => `server-${what}:${name}`;
