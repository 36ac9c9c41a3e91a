/** The server channels: read a server from a paste or an address, test one, save, choose or remove one. */
import { CHANNELS } from '../../contract.ts';
import type { ServerProfile } from '../../core/servers.ts';
import { accept, handler, refuse, refusedResult, type Checked, type Handlers } from './handler.ts';
import { invalid, knownServer, validateProfileArg, validateServerInput } from './validate.ts';

type ServerChannel =
  | typeof CHANNELS.readServer
  | typeof CHANNELS.testServer
  | typeof CHANNELS.saveServer
  | typeof CHANNELS.useServer
  | typeof CHANNELS.removeServer;

/** A saved server's name as the only argument. */
const savedServer = ([name]: readonly unknown[], ctx: Parameters<typeof knownServer>[0]) => {
  const known = knownServer(ctx, name);
  return typeof known === 'string' ? accept(known) : refuse(invalid('server', known.error));
};

/** A server argument as its check left it: the value, or why it is refused. */
function checkedServer<T>(checked: T | string) {
  return typeof checked === 'string' ? refuse(invalid('server', checked)) : accept(checked);
}

export const serverHandlers: Handlers<ServerChannel> = {
  [CHANNELS.readServer]: handler({
    maxArgs: 1,
    validate: ([input]) => checkedServer(validateServerInput(input)),
    handle: (input, { state }) => state.readServer(input),
    refused: refusedResult,
  }),
  [CHANNELS.testServer]: handler({
    maxArgs: 1,
    // A saved server by name, or a draft's whole profile.
    validate([server], ctx): Checked<typeof CHANNELS.testServer, string | ServerProfile> {
      return typeof server === 'string' ? savedServer([server], ctx) : checkedServer(validateProfileArg(server));
    },
    handle: (server, { state }) => state.testServer(server),
    refused: refusedResult,
  }),
  [CHANNELS.saveServer]: handler({
    maxArgs: 1,
    validate: ([profile]) => checkedServer(validateProfileArg(profile)),
    handle: (profile, { state }) => state.saveServer(profile),
    refused: refusedResult,
  }),
  [CHANNELS.useServer]: handler({
    maxArgs: 1,
    validate: savedServer,
    handle: (name, { state }) => state.useServer(name),
    refused: refusedResult,
  }),
  [CHANNELS.removeServer]: handler({
    maxArgs: 1,
    validate: savedServer,
    handle: (name, { state }) => state.removeServer(name),
    refused: refusedResult,
  }),
};
