/**
 * A forge stand-in on 127.0.0.1 answering NAME.keys the way github.com, gitlab.com and codeberg.org do,
 * plus the users whose answers go wrong: `html` (a sign-in page), `empty`, `moved` (a redirect), `huge`
 * (more than the size cap); anyone else is 404.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, beforeEach } from 'node:test';
import { PairKeys, type PairKey } from './pair-ssh.ts';
import { Sandbox, startServer } from './sandbox.ts';
import type { TestTmateServer } from './tmate-server.ts';

export class TestForge {
  readonly requests: string[] = [];
  private constructor(
    private readonly server: Server,
    readonly base: string,
  ) {}

  /** `users`: NAME → the public key lines its NAME.keys lists. */
  static async start(users: Record<string, string[]>): Promise<TestForge> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const forge = new TestForge(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      forge.requests.push(req.url ?? '');
      const plain = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
        res.writeHead(status, { 'content-type': type });
        res.end(body);
      };
      const user = /^\/([^/]+)\.keys$/.exec(req.url ?? '')?.[1] ?? '';
      const listed = Object.hasOwn(users, user) ? users[user] : undefined;
      if (listed) return plain(200, listed.map((line) => `${line}\n`).join(''));
      switch (user) {
        case 'html':
          return plain(200, '<!DOCTYPE html><title>Sign in</title>', 'text/html');
        case 'empty':
          return plain(200, '');
        case 'moved':
          res.writeHead(301, { location: `${forge.base}/${Object.keys(users)[0] ?? 'someone'}.keys` });
          return void res.end();
        case 'huge':
          return plain(
            200,
            'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGg7b0vLZx3x1m2u4PpN1ZtqQkUq0gYp8Kf9bUoFh3aT\n'.repeat(3000),
          );
        default:
          return plain(404, 'Not Found');
      }
    });
    return forge;
  }

  /** The preferences that point all three forges here. */
  prefs(): Record<string, string> {
    return { 'access.githubUrl': this.base, 'access.gitlabUrl': this.base, 'access.codebergUrl': this.base };
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** The line without its comment, as a forge lists a key. */
export function keyOnly(line: string): string {
  return line.split(' ').slice(0, 2).join(' ');
}

export interface AccessCast {
  keys: PairKeys;
  /** Listed on the forge as github/gitlab/codeberg user "alice". */
  alice: PairKey;
  /** An ecdsa key, for keys files. */
  bob: PairKey;
  /** Nobody's: must never get in where keys are required. */
  mallory: PairKey;
  forge: TestForge;
  /** Fresh for each test: a sandbox on a bare self-hosted server (what users run now that tmate.io is
   *  gone), its forge preferences pointed at `forge`. */
  sandbox: Sandbox;
  server: TestTmateServer;
}

/** Registers the hooks of an access test file; the fields are set by the time a test runs. */
export function accessCast(): AccessCast {
  const cast = {} as AccessCast;
  before(async () => {
    cast.keys = await PairKeys.create();
    cast.alice = await cast.keys.key('alice');
    cast.bob = await cast.keys.key('bob', 'ecdsa');
    cast.mallory = await cast.keys.key('mallory');
    cast.forge = await TestForge.start({ alice: [keyOnly(cast.alice.publicKey)] });
  });
  after(async () => {
    await cast.forge.close();
    await cast.keys.dispose();
  });
  beforeEach(async () => {
    cast.sandbox = await Sandbox.create();
    cast.server = await startServer({ mode: 'self-hosted' });
    await cast.sandbox.useServer(cast.server);
    await cast.sandbox.setPrefs(cast.forge.prefs());
  });
  afterEach(async () => {
    await cast.sandbox.dispose();
    await cast.server.close();
  });
  return cast;
}
