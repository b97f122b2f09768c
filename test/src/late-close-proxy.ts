/**
 * A loopback TCP relay between a client and a real server that passes a
 * client's closing on to the server only when told: the server goes on
 * counting a connection its client has already given up, as it does until
 * the close reaches it (a request on another connection can get there
 * first). What passes is not changed.
 */
import { createServer, connect, type Socket } from 'node:net';

export interface LateCloseProxy {
  url: string;
  /** Closes, towards the server, the connections whose clients have closed. */
  passCloses(): void;
  close(): Promise<void>;
}

export async function startLateCloseProxy(targetPort: number): Promise<LateCloseProxy> {
  const upstreams = new Set<Socket>();
  const held = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    upstreams.add(upstream);
    // The client's end is not passed on (end: false): that is the point.
    client.pipe(upstream, { end: false });
    upstream.pipe(client);
    const clientGone = () => {
      if (upstream.destroyed) return;
      upstream.unpipe(client);
      upstream.resume(); // what the server still writes goes nowhere
      held.add(upstream);
    };
    client.on('end', clientGone);
    client.on('close', clientGone);
    client.on('error', () => client.destroy());
    upstream.on('error', () => upstream.destroy());
    upstream.on('close', () => {
      upstreams.delete(upstream);
      held.delete(upstream);
      client.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    passCloses: () => {
      for (const upstream of held) upstream.destroy();
    },
    close: () => new Promise((resolve) => {
      for (const upstream of upstreams) upstream.destroy();
      server.close(() => resolve());
    }),
  };
}
