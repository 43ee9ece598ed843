/**
 * A TCP proxy on 127.0.0.1 in front of a server, for tests of what a client does on a bad link:
 *  - client → server at a limited rate (`bytesPerSec`; Infinity for full speed): a slow link for
 *    backpressure tests. The rate is enforced by pausing the client socket, so TCP flow control
 *    pushes back on the sender exactly as a slow network would;
 *  - server → client can be held (`holdReplies()`): the server's bytes are kept, in order, until
 *    `releaseReplies()`, so the client sees a server that has stopped answering while the
 *    connection stays up and the server (and its other clients) carry on.
 */
import * as net from 'node:net';

export interface SlowProxy {
  readonly port: number;
  readonly url: string;
  /** Bytes forwarded client → server so far. */
  readonly forwardedBytes: number;
  /** From now on keep every byte the server sends to its clients (nothing reaches them). */
  holdReplies(): void;
  /** Deliver the kept bytes, in order, and forward at once again. */
  releaseReplies(): void;
  close(): Promise<void>;
}

export async function startSlowProxy(targetPort: number, bytesPerSec: number): Promise<SlowProxy> {
  let forwarded = 0;
  let holding = false;
  const held: { client: net.Socket; data: Buffer }[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    upstream.on('data', (d) => {
      if (holding) held.push({ client, data: d });
      else client.write(d);
    });
    // Client → server: forward a chunk, then pause long enough that the average rate holds.
    client.on('data', (d) => {
      forwarded += d.length;
      upstream.write(d);
      if (!Number.isFinite(bytesPerSec)) return;
      client.pause();
      setTimeout(() => client.resume(), Math.max(1, Math.round((d.length / bytesPerSec) * 1000)));
    });
    const end = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: `nats://127.0.0.1:${port}`,
    get forwardedBytes() {
      return forwarded;
    },
    holdReplies() {
      holding = true;
    },
    releaseReplies() {
      holding = false;
      for (const { client, data } of held.splice(0)) if (!client.destroyed) client.write(data);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
