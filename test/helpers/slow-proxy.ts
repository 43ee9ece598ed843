/**
 * A TCP proxy on 127.0.0.1 that forwards client → server at a limited rate (server → client at
 * full speed): a slow link for backpressure tests. The rate is enforced by pausing the client
 * socket, so TCP flow control pushes back on the sender exactly as a slow network would.
 */
import * as net from 'node:net';

export interface SlowProxy {
  readonly port: number;
  readonly url: string;
  /** Bytes forwarded client → server so far. */
  readonly forwardedBytes: number;
  close(): Promise<void>;
}

export async function startSlowProxy(targetPort: number, bytesPerSec: number): Promise<SlowProxy> {
  let forwarded = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    upstream.on('data', (d) => client.write(d));
    // Client → server: forward a chunk, then pause long enough that the average rate holds.
    client.on('data', (d) => {
      forwarded += d.length;
      upstream.write(d);
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
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
