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
    // A cut or a closed side ends the pair; socket errors are expected once it is cut.
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', drop);
    upstream.on('close', drop);
    const forward = (chunk: Buffer): void => {
      if (this.pairs.has(pair)) upstream.write(chunk);
    };
    client.on('data', (chunk: Buffer) => {
      if (!this.pairs.has(pair)) return;
      if (this.onClientData?.(chunk) === 'drop') return;
      if (this.held) this.held.push(() => forward(chunk));
      else forward(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (this.pairs.has(pair)) client.write(chunk);
    });
  }
}
