/**
 * A test tmate server on 127.0.0.1 that the real `tmate` client (2.4.0) connects to.
 *
 * It speaks the protocol described in /work/shared/tmate-protocol.md: SSH (user `tmate`, auth `none`,
 * one `session` channel, subsystem `tmate`) carrying a plain stream of msgpack values in each direction.
 * After the client's HEADER it answers the way a bare self-hosted tmate-ssh-server does (ssh links only;
 * the default, since it is what users run now) or the way tmate.io did (all four links, client count,
 * reconnection data, READY).
 *
 * Usage:
 *   const server = await TestTmateServer.start();
 *   // write server.tmateConfig() into a config file, run `tmate -f FILE ...`
 *   const host = await server.nextConnection();
 *   host.pairJoin(); await host.waitForOutput('hello');
 *   // or a real pair: test/support/pair-ssh.ts joinAsPair(server, host.links.ssh, key, 'hello')
 *   await server.close();
 */
import { generateKeyPairSync, createHash, randomBytes, randomInt } from 'node:crypto';
import net from 'node:net';
import { Decoder, encode } from '@msgpack/msgpack';
import ssh2 from 'ssh2';
import type { AuthContext, Connection, PublicKeyAuthContext, ServerChannel, Session } from 'ssh2';

export type ServerMode = 'tmate.io' | 'self-hosted';
export type HostKeyType = 'ed25519' | 'rsa' | 'ecdsa';

export interface TestTmateServerOptions {
  /**
   * 'self-hosted' (default): what tmate-ssh-server without its websocket back end sends: NOTIFYs + SET_ENV
   *   tmate_ssh_ro, tmate_ssh, READY. No web links, no count, no join/leave notices, no reconnection
   *   data (so a reconnected client gets NEW links, as with a real bare server).
   * 'tmate.io': NOTIFY "Note: clear your terminal before sharing readonly access",
   *   "web session read only: URL", "ssh session read only: CMD", "web session: URL", "ssh session: CMD"
   *   (+ "Reconnected" after a reconnect), then SET_ENV tmate_web_ro, tmate_ssh_ro, tmate_web, tmate_ssh,
   *   tmate_num_clients=0, tmate_reconnection_data, then READY. pairJoin/pairLeave send count + notices.
   *   A reconnect (RECONNECT with data we handed out) keeps the tokens and links, unless newTokensOnReconnect.
   */
  mode?: ServerMode;
  /**
   * Hand out NEW tokens after every reconnect, as a bare tmate-ssh-server does when a session's process
   * died; a pair with an old token is then told "Invalid or expired session token". Default: true in
   * 'self-hosted' mode (it has no reconnection data to resume with), false in 'tmate.io' mode.
   */
  newTokensOnReconnect?: boolean;
  /** Default true. false: accept the ssh connection and the tmate channel, then send nothing at all
   *  (no links, no READY): a server that stalls. The HostConnection still gets tokens/links, never sent. */
  sayReady?: boolean;
  /** Refuse every auth method; the client then shows "SSH keys not found. Run 'ssh-keygen' to create keys."
   *  (when it has no keys of its own). */
  refuseAuth?: boolean;
  /** Host key type; default 'ed25519'. A fresh key is generated for every server. */
  keyType?: HostKeyType;
}

/** Message types (see tmate-protocol.h). */
const OUT = { HEADER: 0, PTY_DATA: 2, FIN: 8, READY: 9, RECONNECT: 10, EXEC_CMD: 12 } as const; // client -> server
const IN = { NOTIFY: 0, RESIZE: 2, SET_ENV: 4, READY: 5 } as const; // server -> client

const TOKEN_ALPHABET = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const TOKEN_LENGTH = 25;
/**
 * The handshake completes at the client's READY, which follows HEADER, RECONNECT (after a reconnect), the
 * config's replicated commands and the authorized keys, all in one burst: only then does the server know
 * whether the share is restricted. This is the fallback should READY not come.
 */
const HEADER_FOLLOWUP_MS = 2000;

/** Columns and rows of a RESIZE: the part of a pair's terminal that shows the host's session. */
export interface PairSize {
  cols: number;
  rows: number;
}

/** One connected tmate host (one share). */
export interface HostConnection {
  readonly tokens: { readonly rw: string; readonly ro: string };
  readonly links: {
    readonly ssh: string;
    readonly sshReadOnly: string;
    readonly web?: string;
    readonly webReadOnly?: string;
  };
  /** Pairs currently "joined" (changed by pairJoin/pairLeave; 0 on every new connection). */
  readonly clients: number;
  /** True when the client sent RECONNECT with reconnection data this server handed out earlier. */
  readonly reconnected: boolean;
  /** Version string of the client's HEADER, e.g. "2.4.0". */
  readonly clientVersion: string;
  /** True once the connection has ended. */
  readonly isClosed: boolean;
  /** The keys the host said may join (`tmate-authorized-keys`), one "type base64 …" line each; empty: anyone. */
  readonly authorizedKeys: readonly string[];
  /** Pairs connected over real ssh right now (see the pair section of TestTmateServer). */
  readonly sshPairs: number;
  /** All PTY_DATA bytes received so far, decoded as UTF-8 (what a pair would see, escape codes included). */
  output(): string;
  /** Resolves once output() matches; rejects after timeoutMs (default 10 s) or when the connection ends. */
  waitForOutput(pattern: string | RegExp, timeoutMs?: number): Promise<void>;
  /** A pair joins. tmate.io mode: SET_ENV tmate_num_clients N, NOTIFY "A mate has joined (IP) -- N client(s)
   *  currently connected", RESIZE. Self-hosted mode: only the RESIZE. `size`: what the server tells for this
   *  pair (a real server: their terminal less its own status line); default 80x24. The RESIZE carries the
   *  smallest columns and the smallest rows over the pairs joined, as tmate-ssh-server computes it. A real
   *  ssh pair joins the same way with its pty's size less one row (toldSize), and its window-changes resize. */
  pairJoin(ip?: string, size?: PairSize): void;
  /** The pair from `ip` leaves (the latest to join from it): like pairJoin with "has left"; RESIZE -1,-1 when
   *  no pair is left. Throws when no pair from `ip` is joined. */
  pairLeave(ip?: string): void;
  /** Send NOTIFY text (shown by the host as a status message). */
  notify(text: string): void;
  /** Close the connection abruptly (TCP destroyed, no SSH disconnect). The real client reconnects in ~2 s. */
  drop(): void;
  /** Resolves when the host's connection ends. */
  readonly closed: Promise<void>;
}

/** One pair in a host's session, with the size the server tells for it. */
interface JoinedPair {
  ip: string;
  size: PairSize;
}

/**
 * What the server tells the host for a pair's terminal: its columns, and its rows less the one the server's
 * own status line takes (measured upstream: a 90x25 terminal gave the host 90x24). A pty request without a
 * size (ssh whose stdin is no terminal asks for 0x0) counts as 80x24, tmux's default.
 */
export function toldSize(terminal: { cols: number; rows: number }): PairSize {
  if (!(terminal.cols > 0 && terminal.rows > 1)) return { cols: 80, rows: 23 };
  return { cols: terminal.cols, rows: terminal.rows - 1 };
}

interface SessionRecord {
  tokens: { rw: string; ro: string };
  reconnectionData: string;
}

function makeToken(): string {
  let s = '';
  for (let i = 0; i < TOKEN_LENGTH; i++) s += TOKEN_ALPHABET[randomInt(TOKEN_ALPHABET.length)];
  return s;
}

function sshString(b: Buffer | string): Buffer {
  const body = typeof b === 'string' ? Buffer.from(b) : b;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  return Buffer.concat([len, body]);
}

/** An unencrypted OpenSSH-format ("openssh-key-v1") ed25519 private key, which ssh2 parses. */
function ed25519OpenSsh(): string {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const pub = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
  const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d ?? '', 'base64url');
  if (pub.length !== 32 || seed.length !== 32) throw new Error('unexpected ed25519 key size');
  const pubBlob = Buffer.concat([sshString('ssh-ed25519'), sshString(pub)]);
  const check = randomBytes(4);
  let priv = Buffer.concat([
    check,
    check,
    sshString('ssh-ed25519'),
    sshString(pub),
    sshString(Buffer.concat([seed, pub])),
    sshString(''),
  ]);
  const pad: number[] = [];
  for (let i = 1; (priv.length + pad.length) % 8 !== 0; i++) pad.push(i);
  priv = Buffer.concat([priv, Buffer.from(pad)]);
  const count = Buffer.alloc(4);
  count.writeUInt32BE(1);
  const data = Buffer.concat([
    Buffer.from('openssh-key-v1\0'),
    sshString('none'),
    sshString('none'),
    sshString(''),
    count,
    sshString(pubBlob),
    sshString(priv),
  ]);
  const b64 = data
    .toString('base64')
    .replace(/(.{70})/g, '$1\n')
    .replace(/\n$/, '');
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${b64}\n-----END OPENSSH PRIVATE KEY-----`;
}

function generateHostKey(type: HostKeyType): string {
  switch (type) {
    case 'ed25519':
      return ed25519OpenSsh();
    case 'rsa':
      return generateKeyPairSync('rsa', { modulusLength: 2048 })
        .privateKey.export({ type: 'pkcs1', format: 'pem' })
        .toString();
    case 'ecdsa':
      return generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
        .privateKey.export({ type: 'sec1', format: 'pem' })
        .toString();
  }
}

function parseHostKey(pem: string): ssh2.ParsedKey {
  const parsed = ssh2.utils.parseKey(pem);
  if (parsed instanceof Error) throw parsed;
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key) throw new Error('no key parsed');
  return key;
}

function asText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('utf8');
  return String(v);
}

interface OutputWaiter {
  pattern: string | RegExp;
  resolve: () => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

class Host implements HostConnection {
  tokens: { rw: string; ro: string } = { rw: '', ro: '' };
  links: { ssh: string; sshReadOnly: string; web?: string; webReadOnly?: string } = { ssh: '', sshReadOnly: '' };
  reconnected = false;
  clientVersion = '';
  isClosed = false;
  authorizedKeys: string[] = [];
  sshPairs = 0;
  readonly closed: Promise<void>;
  private outputListeners = new Set<(bytes: Buffer) => void>();
  private resolveClosed!: () => void;
  private chunks: Buffer[] = [];
  private outputCache: string | null = '';
  private waiters = new Set<OutputWaiter>();
  /** The pairs joined, oldest first. */
  private joined: JoinedPair[] = [];

  constructor(
    private readonly mode: ServerMode,
    private readonly channel: ServerChannel,
    private readonly socket: net.Socket,
  ) {
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
  }

  send(msg: unknown[]): void {
    if (this.isClosed || this.channel.destroyed) return;
    this.channel.write(Buffer.from(encode(msg)));
  }

  setEnv(name: string, value: string): void {
    this.send([IN.SET_ENV, name, value]);
  }
  notify(text: string): void {
    this.send([IN.NOTIFY, text]);
  }
  ready(): void {
    this.send([IN.READY]);
  }

  addOutput(bytes: Buffer): void {
    this.chunks.push(bytes);
    this.outputCache = null;
    this.checkWaiters();
    for (const listener of this.outputListeners) listener(bytes);
  }

  /** Every PTY_DATA from now on; returns the unsubscribe. */
  onOutput(listener: (bytes: Buffer) => void): () => void {
    this.outputListeners.add(listener);
    return () => this.outputListeners.delete(listener);
  }

  /** All PTY_DATA so far, as bytes (a pair joining late is shown what came before). */
  outputBytes(): Buffer {
    return Buffer.concat(this.chunks);
  }

  output(): string {
    if (this.outputCache === null) this.outputCache = Buffer.concat(this.chunks).toString('utf8');
    return this.outputCache;
  }

  private matches(pattern: string | RegExp): boolean {
    const out = this.output();
    return typeof pattern === 'string' ? out.includes(pattern) : pattern.test(out);
  }

  private checkWaiters(): void {
    for (const w of [...this.waiters]) {
      if (this.matches(w.pattern)) {
        this.waiters.delete(w);
        clearTimeout(w.timer);
        w.resolve();
      }
    }
  }

  waitForOutput(pattern: string | RegExp, timeoutMs = 10_000): Promise<void> {
    if (this.matches(pattern)) return Promise.resolve();
    if (this.isClosed) return Promise.reject(new Error(`connection closed before output matched ${String(pattern)}`));
    return new Promise((resolve, reject) => {
      const w: OutputWaiter = {
        pattern,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(w);
          reject(
            new Error(
              `output did not match ${String(pattern)} within ${timeoutMs} ms; last output: ${JSON.stringify(this.output().slice(-400))}`,
            ),
          );
        }, timeoutMs),
      };
      this.waiters.add(w);
    });
  }

  private presence(verb: 'joined' | 'left', ip: string): void {
    if (this.mode === 'tmate.io') {
      const n = this.clients;
      this.setEnv('tmate_num_clients', String(n));
      this.notify(`A mate has ${verb} (${ip}) -- ${n} client${n > 1 ? 's' : ''} currently connected`);
    }
    this.sendSmallest();
  }

  /** RESIZE with the smallest columns and rows over the pairs in; -1,-1 once nobody is (tmate then keeps its size). */
  private sendSmallest(): void {
    if (this.joined.length === 0) {
      this.send([IN.RESIZE, -1, -1]);
      return;
    }
    const smallest = (side: keyof PairSize) => Math.min(...this.joined.map((pair) => pair.size[side]));
    this.send([IN.RESIZE, smallest('cols'), smallest('rows')]);
  }

  get clients(): number {
    return this.joined.length;
  }

  pairJoin(ip = '198.51.100.7', size: PairSize = { cols: 80, rows: 24 }): void {
    this.join(ip, size);
  }

  /** pairJoin, handing back the pair's entry (a real ssh pair resizes and leaves through it). */
  join(ip: string, size: PairSize): JoinedPair {
    const pair: JoinedPair = { ip, size: { ...size } };
    this.joined.push(pair);
    this.presence('joined', ip);
    return pair;
  }

  /** The pair's terminal changed size: the server tells the host the new smallest size (no notice). */
  resizePair(pair: JoinedPair, size: PairSize): void {
    if (!this.joined.includes(pair)) return;
    pair.size = { ...size };
    this.sendSmallest();
  }

  /** This pair leaves (a real ssh pair hanging up); nothing happens for one that has left already. */
  leave(pair: JoinedPair): void {
    const index = this.joined.indexOf(pair);
    if (index < 0) return;
    this.joined.splice(index, 1);
    this.presence('left', pair.ip);
  }

  pairLeave(ip = '198.51.100.7'): void {
    const index = this.joined.map((pair) => pair.ip).lastIndexOf(ip);
    if (index < 0) throw new Error(`pairLeave: no pair from ${ip} is joined`);
    this.joined.splice(index, 1);
    this.presence('left', ip);
  }

  drop(): void {
    this.socket.destroy();
  }

  markClosed(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.reject(
        new Error(
          `connection closed before output matched ${String(w.pattern)}; last output: ${JSON.stringify(this.output().slice(-400))}`,
        ),
      );
    }
    this.waiters.clear();
    this.resolveClosed();
  }
}

interface ConnectionWaiter {
  resolve: (h: HostConnection) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class TestTmateServer {
  readonly host = '127.0.0.1' as const;
  readonly port: number;
  /** 'SHA256:' + unpadded base64 of sha256(host key blob), as `ssh-keygen -l -E sha256` prints it. */
  readonly fingerprint: string;
  /** The host public key as one OpenSSH line ("ssh-ed25519 AAAA..."), e.g. for known_hosts or ssh-keygen. */
  readonly publicKey: string;
  readonly keyType: HostKeyType;
  readonly mode: ServerMode;

  private readonly opts: Required<TestTmateServerOptions>;
  private readonly ssh: ssh2.Server;
  private listener: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  /** ssh2 announces a connection with the peer's port; this finds its socket. */
  private readonly socketsByPort = new Map<number, net.Socket>();
  private readonly live = new Set<Host>();
  private readonly unclaimed: Host[] = [];
  private readonly connWaiters = new Set<ConnectionWaiter>();
  private readonly sessions = new Map<string, SessionRecord>();
  private closing = false;

  private constructor(opts: Required<TestTmateServerOptions>, hostKey: string) {
    this.opts = opts;
    this.mode = opts.mode;
    this.keyType = opts.keyType;
    const parsed = parseHostKey(hostKey);
    const blob = parsed.getPublicSSH();
    this.fingerprint = 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
    this.publicKey = `${parsed.type} ${blob.toString('base64')}`;
    this.port = 0;
    this.ssh = new ssh2.Server({ hostKeys: [hostKey] }, (client, info) => this.onConnection(client, info));
    this.ssh.on('error', () => {
      /* per-connection errors are handled on each client */
    });
  }

  /** Generate a fresh host key and listen on an ephemeral port of 127.0.0.1. */
  static async start(options: TestTmateServerOptions = {}): Promise<TestTmateServer> {
    const mode = options.mode ?? 'self-hosted';
    const opts: Required<TestTmateServerOptions> = {
      mode,
      newTokensOnReconnect: options.newTokensOnReconnect ?? mode === 'self-hosted',
      sayReady: options.sayReady ?? true,
      refuseAuth: options.refuseAuth ?? false,
      keyType: options.keyType ?? 'ed25519',
    };
    const server = new TestTmateServer(opts, generateHostKey(opts.keyType));
    const port = await server.listen(0);
    (server as { port: number }).port = port;
    return server;
  }

  /** The tmate option naming this server's fingerprint: tmate-server-{ed25519,rsa,ecdsa}-fingerprint. */
  get fingerprintOption(): string {
    return `tmate-server-${this.keyType}-fingerprint`;
  }

  /** Lines for a tmate config file pointing tmate at this server (ends with a newline). */
  tmateConfig(): string {
    return [
      `set -g tmate-server-host ${this.host}`,
      `set -g tmate-server-port ${this.port}`,
      `set -g ${this.fingerprintOption} "${this.fingerprint}"`,
      '',
    ].join('\n');
  }

  /** Hosts currently connected (handshake done, connection not closed). */
  connections(): HostConnection[] {
    return [...this.live];
  }

  /**
   * The next host that completes its handshake (HEADER, plus RECONNECT if any) and has not been handed out
   * by an earlier call. Hosts that connected before this call are queued, so there is no race. Hosts whose
   * connection already ended while queued are skipped.
   */
  nextConnection(timeoutMs = 15_000): Promise<HostConnection> {
    while (this.unclaimed.length > 0) {
      const h = this.unclaimed.shift()!;
      if (!h.isClosed) return Promise.resolve(h);
    }
    if (this.closing) return Promise.reject(new Error('server closed'));
    return new Promise((resolve, reject) => {
      const w: ConnectionWaiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.connWaiters.delete(w);
          reject(new Error(`no tmate host connected within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.connWaiters.add(w);
    });
  }

  /**
   * true: stop listening, so new connections are refused (existing ones stay; drop() them if needed).
   * false: listen again on the same port.
   */
  async setRefusing(refuse: boolean): Promise<void> {
    if (this.closing) throw new Error('server closed');
    if (refuse) {
      const l = this.listener;
      this.listener = null;
      if (l)
        await new Promise<void>((resolve) => {
          l.close();
          setImmediate(resolve);
        });
    } else if (!this.listener) {
      await this.listen(this.port);
    }
  }

  /** Stop listening, close every connection, and resolve when all of it is done. */
  async close(): Promise<void> {
    this.closing = true;
    for (const w of this.connWaiters) {
      clearTimeout(w.timer);
      w.reject(new Error('server closed'));
    }
    this.connWaiters.clear();
    const l = this.listener;
    this.listener = null;
    const waits: Promise<void>[] = [];
    if (l) waits.push(new Promise((resolve) => l.close(() => resolve())));
    for (const s of this.sockets) {
      waits.push(
        new Promise((resolve) => {
          if (s.destroyed && s.closed) resolve();
          else {
            s.once('close', () => resolve());
            s.destroy();
          }
        }),
      );
    }
    await Promise.all(waits);
    for (const h of this.live) h.markClosed();
    this.live.clear();
    this.unclaimed.length = 0;
  }

  private listen(port: number): Promise<number> {
    const l = net.createServer((socket) => this.onSocket(socket));
    return new Promise((resolve, reject) => {
      l.once('error', reject);
      l.listen({ host: this.host, port, exclusive: true }, () => {
        l.off('error', reject);
        l.on('error', () => {
          /* ignore after listening */
        });
        this.listener = l;
        const addr = l.address();
        if (addr === null || typeof addr === 'string') reject(new Error('no address'));
        else resolve(addr.port);
      });
    });
  }

  private onSocket(socket: net.Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    const port = socket.remotePort;
    if (port !== undefined) this.socketsByPort.set(port, socket);
    socket.on('error', () => {
      /* ECONNRESET etc. */
    });
    socket.once('close', () => {
      this.sockets.delete(socket);
      if (port !== undefined && this.socketsByPort.get(port) === socket) this.socketsByPort.delete(port);
    });
    this.ssh.injectSocket(socket);
  }

  private onConnection(client: Connection, info: ssh2.ClientInfo): void {
    // ssh2 raises "Invalid Zlib instance" (among others) on compressed connections that close.
    client.on('error', () => {
      /* ignored: the connection ends anyway */
    });
    const socket = this.socketsByPort.get(info.port);
    if (!socket || this.closing) {
      client.end();
      socket?.destroy();
      return;
    }

    // Any other user name is a pair connecting with a share token (the links are `ssh TOKEN@HOST`).
    const pair: PairLogin = { token: null };
    client.on('authentication', (ctx) => {
      if (ctx.username !== 'tmate') {
        this.authenticatePair(ctx, pair);
        return;
      }
      if (!this.opts.refuseAuth && ctx.method === 'none') ctx.accept();
      else ctx.reject(['publickey']);
    });

    let host: Host | null = null;
    client.on('session', (acceptSession) => {
      const session = acceptSession();
      if (pair.token !== null) {
        this.servePair(session, pair.token, client);
        return;
      }
      session.on('pty', (_a, reject) => reject?.());
      session.on('shell', (_a, reject) => reject?.());
      session.on('exec', (_a, reject) => reject?.());
      session.on('subsystem', (accept, reject, sub) => {
        if (sub.name !== 'tmate' || host) {
          reject?.();
          return;
        }
        const channel = accept();
        channel.on('error', () => {
          /* ignored */
        });
        host = new Host(this.opts.mode, channel, socket);
        void this.serve(host, channel);
      });
    });

    const onEnd = (): void => {
      if (!host) return;
      host.markClosed();
      this.live.delete(host);
    };
    client.once('close', onEnd);
    socket.once('close', onEnd);
  }

  /** Read the client's message stream: handshake first, then record PTY_DATA, drain the rest. */
  private async serve(host: Host, channel: ServerChannel): Promise<void> {
    const decoder = new Decoder({ rawStrings: true });
    let phase: 'header' | 'followup' | 'running' = 'header';
    let followupTimer: NodeJS.Timeout | null = null;
    let reconnectionData: string | null = null;

    const finish = (reconnectionData: string | null): void => {
      if (followupTimer) clearTimeout(followupTimer);
      followupTimer = null;
      phase = 'running';
      if (host.isClosed || this.closing) return;
      this.handshake(host, reconnectionData);
    };

    const handle = (msg: unknown): void => {
      if (!Array.isArray(msg) || typeof msg[0] !== 'number') return;
      const type = msg[0];
      if (phase === 'header') {
        if (type !== OUT.HEADER) return;
        host.clientVersion = asText(msg[2]);
        phase = 'followup';
        followupTimer = setTimeout(() => finish(reconnectionData), HEADER_FOLLOWUP_MS);
        return;
      }
      if (phase === 'followup') {
        // A reconnecting client sends RECONNECT right after HEADER; READY ends what the client sends first.
        if (type === OUT.RECONNECT) reconnectionData = asText(msg[1]);
        if (type === OUT.READY) finish(reconnectionData);
      }
      if (type === OUT.PTY_DATA && msg[2] instanceof Uint8Array) {
        host.addOutput(Buffer.from(msg[2]));
      }
      if (type === OUT.EXEC_CMD) recordAuthorizedKey(host, msg.slice(1).map(asText));
    };

    try {
      for await (const msg of decoder.decodeStream(channel)) handle(msg);
    } catch {
      // garbage or a broken channel: the connection is going away
    } finally {
      if (followupTimer) clearTimeout(followupTimer);
    }
  }

  // -------------------------------------------------------------------------------------------------------
  // Pairs: real `ssh -pPORT TOKEN@127.0.0.1` connections, as the upstream server takes them. Public keys
  // only (upstream offers no other method); when the host sent authorized keys, only those keys get in and
  // every other one is refused at authentication ("Permission denied (publickey)"). The pair must ask for
  // a shell with a pty (exec is refused, as upstream without a websocket back end); it is then shown the
  // host's terminal output, from the start and live. What a pair types is not passed to the host.

  /** The live host whose read-write or read-only token this is. */
  private hostForToken(token: string): Host | undefined {
    return [...this.live].find((h) => !h.isClosed && (h.tokens.rw === token || h.tokens.ro === token));
  }

  /** Whether a live host holds this token now (one from before a reconnect with new tokens does not). */
  tokenIsLive(token: string): boolean {
    return this.hostForToken(token) !== undefined;
  }

  private authenticatePair(ctx: AuthContext, pair: PairLogin): void {
    if (ctx.method !== 'publickey') {
      ctx.reject(['publickey']);
      return;
    }
    const host = this.hostForToken(ctx.username);
    if (host && host.authorizedKeys.length > 0 && !keyListed(ctx, host.authorizedKeys)) {
      ctx.reject(['publickey']);
      return;
    }
    // No signature yet: the client only asks whether this key would do; it signs next.
    if (!ctx.signature) {
      ctx.accept();
      return;
    }
    if (!signatureValid(ctx)) {
      ctx.reject(['publickey']);
      return;
    }
    pair.token = ctx.username;
    ctx.accept();
  }

  private servePair(session: Session, token: string, client: Connection): void {
    let terminal: PairSize = { cols: 0, rows: 0 };
    let joined: JoinedPair | null = null;
    let joinedTo: Host | null = null;
    session.on('pty', (accept, _reject, info) => {
      terminal = { cols: info.cols, rows: info.rows };
      accept?.();
    });
    // The pair's terminal resized: as upstream, the host is told the new smallest size.
    session.on('window-change', (accept, _reject, info) => {
      terminal = { cols: info.cols, rows: info.rows };
      accept?.();
      if (joined && joinedTo) joinedTo.resizePair(joined, toldSize(terminal));
    });
    session.on('exec', (_accept, reject) => reject?.());
    session.on('subsystem', (_accept, reject) => reject?.());
    session.on('shell', (accept) => {
      const channel = accept();
      channel.on('error', () => {
        /* ignored */
      });
      channel.on('data', () => {
        /* what a pair types is not passed on */
      });
      const host = this.hostForToken(token);
      if (!host) {
        // A token from a share that has ended (or was never handed out).
        // The words of the upstream server for a token it no longer holds (measured, issue 9).
        channel.write('Invalid or expired session token\r\n');
        channel.exit(1);
        channel.end();
        return;
      }
      host.sshPairs++;
      joined = host.join('127.0.0.1', toldSize(terminal));
      joinedTo = host;
      channel.write(host.outputBytes());
      const unsubscribe = host.onOutput((bytes) => channel.write(bytes));
      let left = false;
      const leave = (): void => {
        if (left) return;
        left = true;
        unsubscribe();
        host.sshPairs--;
        if (!host.isClosed && joined) host.leave(joined);
      };
      channel.once('close', leave);
      void host.closed.then(() => {
        leave();
        if (!channel.destroyed) {
          channel.exit(0);
          channel.end();
        }
        client.end();
      });
    });
  }

  private handshake(host: Host, reconnectionData: string | null): void {
    const resumed =
      reconnectionData !== null && this.opts.mode === 'tmate.io' ? this.sessions.get(reconnectionData) : undefined;
    host.reconnected = resumed !== undefined;
    // A session whose process died is gone with its tokens: the reconnecting host starts a new one.
    if (resumed && this.opts.newTokensOnReconnect) this.sessions.delete(reconnectionData!);
    let record = this.opts.newTokensOnReconnect ? undefined : resumed;
    if (!record) {
      record = {
        tokens: { rw: makeToken(), ro: 'ro-' + makeToken() },
        reconnectionData: 'pairbar-test-' + randomBytes(12).toString('hex'),
      };
      this.sessions.set(record.reconnectionData, record);
    }
    const sshLink = (token: string): string => `ssh ${this.port === 22 ? '' : `-p${this.port} `}${token}@${this.host}`;
    host.tokens = { ...record.tokens };
    host.links = { ssh: sshLink(record.tokens.rw), sshReadOnly: sshLink(record.tokens.ro) };
    // A browser cannot show which key it holds, so a share restricted to keys gets no web links.
    if (this.opts.mode === 'tmate.io' && host.authorizedKeys.length === 0) {
      host.links.web = `https://tmate.io/t/${record.tokens.rw}`;
      host.links.webReadOnly = `https://tmate.io/t/${record.tokens.ro}`;
    }

    if (this.opts.sayReady) {
      if (this.opts.mode === 'tmate.io') {
        // Order as in tmate-websocket's session.ex (finalize_session_init).
        const { web, webReadOnly } = host.links;
        host.notify('Note: clear your terminal before sharing readonly access');
        if (webReadOnly) host.notify(`web session read only: ${webReadOnly}`);
        host.notify(`ssh session read only: ${host.links.sshReadOnly}`);
        if (web) host.notify(`web session: ${web}`);
        host.notify(`ssh session: ${host.links.ssh}`);
        if (host.reconnected) host.notify('Reconnected');
        if (webReadOnly) host.setEnv('tmate_web_ro', webReadOnly);
        host.setEnv('tmate_ssh_ro', host.links.sshReadOnly);
        if (web) host.setEnv('tmate_web', web);
        host.setEnv('tmate_ssh', host.links.ssh);
        host.setEnv('tmate_num_clients', '0');
        host.setEnv('tmate_reconnection_data', record.reconnectionData);
        host.ready();
      } else {
        host.notify('Note: clear your terminal before sharing readonly access');
        host.notify(`ssh session read only: ${host.links.sshReadOnly}`);
        host.setEnv('tmate_ssh_ro', host.links.sshReadOnly);
        host.notify(`ssh session: ${host.links.ssh}`);
        host.setEnv('tmate_ssh', host.links.ssh);
        host.ready();
      }
    }

    this.live.add(host);
    const w = this.connWaiters.values().next();
    if (!w.done) {
      this.connWaiters.delete(w.value);
      clearTimeout(w.value.timer);
      w.value.resolve(host);
    } else {
      this.unclaimed.push(host);
    }
  }
}

interface PairLogin {
  /** Set once a pair's public key is accepted (with a valid signature). */
  token: string | null;
}

/**
 * tmate sends each line of its `tmate-authorized-keys` file as the command
 * `set-option tmate-set authorized_keys=LINE` (EXEC_CMD, before READY, and again after a reconnect).
 */
function recordAuthorizedKey(host: Host, argv: string[]): void {
  const at = argv.indexOf('tmate-set');
  const value = at >= 0 ? argv[at + 1] : undefined;
  if (argv[0] !== 'set-option' || value === undefined || !value.startsWith('authorized_keys=')) return;
  const line = value.slice('authorized_keys='.length).trim();
  if (line !== '' && !host.authorizedKeys.includes(line)) host.authorizedKeys.push(line);
}

/** The key type inside an SSH public key blob (the algorithm a client names may be rsa-sha2-256 for ssh-rsa). */
function blobType(blob: Buffer): string {
  return blob.length >= 4 ? blob.subarray(4, 4 + blob.readUInt32BE(0)).toString('latin1') : '';
}

/** Compared by key blob, as upstream compares keys (the comment and the line's layout do not matter). */
function keyListed(ctx: PublicKeyAuthContext, lines: readonly string[]): boolean {
  return lines.some((line) => {
    const data = line.trim().split(/\s+/)[1];
    return data !== undefined && Buffer.from(data, 'base64').equals(ctx.key.data);
  });
}

function signatureValid(ctx: PublicKeyAuthContext): boolean {
  if (!ctx.signature || !ctx.blob) return false;
  const parsed = ssh2.utils.parseKey(`${blobType(ctx.key.data)} ${ctx.key.data.toString('base64')}`);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key instanceof Error) return false;
  return key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true;
}
