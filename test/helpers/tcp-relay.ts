// A TCP relay on loopback inside the test process, between osm-play and an sshd: the test can watch
// the traffic go by, cut the link at a moment it chooses (as a dropped network would), or hold what
// osm-play sends while it changes the host under it (the run cannot act on the host meanwhile).
import { createConnection, createServer, type Server, type Socket } from 'node:net';

interface Pair {
  client: Socket;
  upstream: Socket;
}

export class TcpRelay {
  private readonly pairs = new Set<Pair>();
  private down = false;
  /** Silent: nothing is forwarded either way, and nothing is closed (a link that just went dead). */
  private silent = false;
  /** While held: the forwards of client chunks, in order, waiting for release(). */
  private held: Array<() => void> | undefined;
  /** Connections accepted so far. */
  accepted = 0;
  /**
   * Called with every chunk a client sends, before it is forwarded. Returning 'drop' keeps the chunk
   * from the server (the hook cut the link and the chunk must not reach the far side).
   */
  onClientData: ((chunk: Buffer) => 'drop' | undefined) | undefined;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetHost: string, targetPort: number): Promise<TcpRelay> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const addr = server.address();
    if (addr === null || typeof addr === 'string') throw new Error('relay has no port');
    const relay = new TcpRelay(server, addr.port);
    server.on('connection', (client) => relay.accept(client, targetHost, targetPort));
    return relay;
  }

  /** Relayed connections open right now. */
  get open(): number {
    return this.pairs.size;
  }

  /** Destroys both sides of every relayed connection, and refuses new ones: the link is down. */
  cut(): number {
    this.down = true;
    const n = this.pairs.size;
    for (const p of this.pairs) {
      p.client.destroy();
      p.upstream.destroy();
    }
    this.pairs.clear();
    return n;
  }

  /** The link goes dead without a word: no data either way, no FIN, no reset; sockets stay open. */
  blackhole(): void {
    this.silent = true;
  }

  /** Keeps what clients send from the server until release(); the server's answers still flow. */
  hold(): void {
    this.held ??= [];
  }

  /** Forwards what was held, in order, and stops holding. */
  release(): void {
    const queued = this.held ?? [];
    this.held = undefined;
    for (const forward of queued) forward();
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket, host: string, port: number): void {
    if (this.down) {
      client.destroy();
      return;
    }
    this.accepted++;
    const upstream = createConnection({ host, port });
    const pair: Pair = { client, upstream };
    this.pairs.add(pair);
    const drop = (): void => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    // Over a dead link one side's close never reaches the other: the server keeps its session
    // until the relay is cut or closed.
    const clientGone = (): void => {
      if (this.silent) client.destroy();
      else drop();
    };
    // A cut or a closed side ends the pair; socket errors are expected once it is cut.
    client.on('error', clientGone);
    upstream.on('error', drop);
    client.on('close', clientGone);
    upstream.on('close', drop);
    const forward = (chunk: Buffer): void => {
      if (this.pairs.has(pair) && !this.silent) upstream.write(chunk);
    };
    client.on('data', (chunk: Buffer) => {
      if (!this.pairs.has(pair) || this.silent) return;
      if (this.onClientData?.(chunk) === 'drop') return;
      if (this.held) this.held.push(() => forward(chunk));
      else forward(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (this.pairs.has(pair) && !this.silent) client.write(chunk);
    });
  }
}
