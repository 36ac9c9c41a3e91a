/** The preferences channel: one key set from the Preferences screen, validated as `pairbar config set` validates it. */
import { CHANNELS } from '../../contract.ts';
import type { ErrorInfo } from '../../core/errors.ts';
import { isPrefKey, parsePref } from '../../prefs/schema.ts';
import { accept, handler, refuse, refusedResult, type Handlers } from './handler.ts';
import { invalid } from './validate.ts';

export const prefsHandlers: Handlers<typeof CHANNELS.setPref> = {
  [CHANNELS.setPref]: handler({
    validate([key, value]) {
      if (typeof key !== 'string' || !isPrefKey(key)) return refuse(invalid('preference', 'unknown key'));
      try {
        parsePref(key, value);
      } catch (error) {
        return refuse({ ok: false, error: (error as { toJSON(): ErrorInfo }).toJSON() });
      }
      return accept({ key, value });
    },
    handle: ({ key, value }, { state }) => state.setPref(key, value),
    refused: refusedResult,
  }),
};
