import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Metrics } from './metrics.js';

/**
 * `GET /health`, `GET /metrics` and `GET /files` (and HEAD) on the local metrics.listen
 * address. A plain node:http server: three routes do not justify a framework in an agent
 * that runs on every host.
 */
export async function startHealthServer(
  listen: string,
  metrics: Metrics,
  /** `status` is 'healthy' or 'degraded'; degraded answers 503 so that a probe alerts. */
  health: () => { status: 'healthy' | 'degraded' } & Record<string, unknown>,
  collect: () => void,
  /** `GET /files`: what each file source follows now. */
  files: () => unknown = () => ({}),
): Promise<{ server: Server; port: number; close: () => Promise<void> }> {
  const at = listen.lastIndexOf(':');
  const host = listen.slice(0, at).replace(/^\[|\]$/g, '') || '127.0.0.1';
  const port = Number(listen.slice(at + 1));
  const server = createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    // HEAD as GET (node:http sends no body for it): `curl -I` and probes that use HEAD.
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
    } else if (url === '/health') {
      const h = health();
      res.writeHead(h.status === 'healthy' ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(h));
    } else if (url === '/files') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(files()));
    } else if (url === '/metrics') {
      collect();
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(metrics.render());
    } else {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found","routes":["/health","/metrics","/files"]}');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
