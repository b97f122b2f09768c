/**
 * A loopback TCP relay between a client and a real server that passes a
 * client's closing on to the server only when told: the server goes on
 * counting a connection its client has already given up, as it does until
 * the close reaches it (a request on another connection can get there
 * first). What passes is not changed.
 *
 * With `untilNextAnswer`, held closes also pass on by themselves once the
 * server answers a request the client sent after them: that request got to
 * the server first, as on a link where a close is just overtaken.
 */
import { createServer, connect, type Socket } from 'node:net';

export interface LateCloseProxy {
  url: string;
  /** Closes, towards the server, the connections whose clients have closed. */
  passCloses(): void;
  close(): Promise<void>;
}

export interface LateCloseOptions {
  untilNextAnswer?: boolean;
}

export async function startLateCloseProxy(targetPort: number, opts: LateCloseOptions = {}): Promise<LateCloseProxy> {
  const upstreams = new Set<Socket>();
  const held = new Set<Socket>();
  const passCloses = () => {
    for (const upstream of held) upstream.destroy();
  };
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    upstreams.add(upstream);
    if (opts.untilNextAnswer) {
      // Sent after a close was held: its answer, when it comes, passes
      // the closes on first (before the client reads it).
      let sentAfterClose = false;
      client.on('data', () => {
        if (held.size > 0) sentAfterClose = true;
      });
      upstream.on('data', () => {
        if (!sentAfterClose) return;
        sentAfterClose = false;
        passCloses();
      });
    }
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
    passCloses,
    close: () => new Promise((resolve) => {
      for (const upstream of upstreams) upstream.destroy();
      server.close(() => resolve());
    }),
  };
}
