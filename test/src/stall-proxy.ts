/**
 * A loopback TCP relay between a client and a real server that can stop
 * passing the server's bytes on for a while: the network of a reader that
 * falls behind (a phone on a slow link, a laptop asleep), which the server
 * meets as a socket that stops draining. Nothing is changed in what passes.
 */
import { createServer, connect, type Socket } from 'node:net';

export interface StallProxy {
  url: string;
  /** Stops reading from the server on every open connection (new ones flow). */
  stall(): void;
  /** Passes on what was held, and what comes next. */
  release(): void;
  close(): Promise<void>;
}

export async function startStallProxy(targetPort: number): Promise<StallProxy> {
  const pairs = new Set<{ client: Socket; upstream: Socket }>();
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    const pair = { client, upstream };
    pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', drop);
    upstream.on('close', () => { if (upstream.readableEnded) return; drop(); });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    stall: () => {
      for (const { client, upstream } of pairs) {
        upstream.unpipe(client);
        upstream.pause();
      }
    },
    release: () => {
      for (const { client, upstream } of pairs) upstream.pipe(client);
    },
    close: () => new Promise((resolve) => {
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream.destroy();
      }
      server.close(() => resolve());
    }),
  };
}
