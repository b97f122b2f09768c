import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { isUtf8 } from 'node:buffer';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { levelFromSyslogPriority } from '../../../normalize/level-from.js';
import { parseListen } from '../../../config/parse-listen.js';
import { errors, LogshipError } from '../../errors.js';
import { listening } from '../../listen-failure.js';
import type { IngestContext, IngestItem } from '../../ingest-batch.js';
import { ingestBatch } from '../../ingest-batch.js';
import type { TlsCredentials } from '../../tls-credentials.js';
import { FACILITIES, parseSyslog, type SyslogMessage } from './parse-syslog.js';
import { splitDatagram } from './syslog-datagram.js';
import { SyslogTcpFramer } from './syslog-tcp-framer.js';

/*
 * Syslog in (off unless `syslog.listen_tcp` / `listen_udp` / `listen_tls` are set):
 *
 *   TCP / TLS conn ─► SyslogTcpFramer (octet-counting | LF or NUL) ─┐
 *   UDP datagram ─► splitDatagram (a line starting <PRI> is a message) ─┴─► parseSyslog ─► envelope item ─► batch
 *   batch: every FLUSH_MS or FLUSH_ITEMS ─► ingestBatch('syslog') (serialized, in arrival order)
 *
 * Syslog has no acknowledgement, so durability is what TCP backpressure
 * gives: while more than MAX_PENDING items wait for the store, TCP sockets
 * are paused and senders (rsyslog's queue) hold their messages. UDP
 * datagrams that arrive then are dropped and counted, as any UDP receiver
 * would drop them.
 */

const FLUSH_MS = 100;
const FLUSH_ITEMS = 2000;
const MAX_PENDING = 20_000;

export interface SyslogConfig {
  listen_tcp?: string;
  listen_udp?: string;
  listen_tls?: string;
  tls_cert_file?: string;
  tls_key_file?: string;
}

export interface SyslogListeners {
  /** Bound `host:port`s (port 0 resolved), for logs and tests. */
  tcp?: string;
  udp?: string;
  tls?: string;
  /** New certificate and key for new TLS connections (SIGHUP); open ones keep theirs. */
  replaceTls(credentials: TlsCredentials): void;
  /** Stops accepting, flushes what arrived, resolves once it is stored. */
  close(): Promise<void>;
}

/**
 * `tls`: the credentials of the TLS listener (server.ts reads them: the
 * syslog's own tls_cert_file/tls_key_file, else the server's `tls` block).
 */
export async function startSyslogListeners(config: SyslogConfig, ctx: IngestContext, tls?: TlsCredentials): Promise<SyslogListeners> {
  const pending: IngestItem[] = [];
  const sockets = new Set<Socket>();
  let ref = 0;
  let timer: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();
  let inFlight = 0;
  let paused = false;

  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    const items = pending.splice(0, pending.length);
    inFlight += items.length;
    chain = chain.then(async () => {
      try {
        const outcome = await ingestBatch(ctx, 'syslog', items);
        for (const e of outcome.errors.slice(0, 3)) ctx.log.debug({ code: e.code }, `A syslog message was rejected: ${e.reason}`);
      } catch (err) {
        ctx.log.error({ err, messages: items.length }, 'The store could not commit syslog messages; they are lost (syslog has no acknowledgement to retry from).');
        ctx.metrics.eventsByProtocol.inc({ protocol: 'syslog', outcome: 'rejected' }, items.length);
      } finally {
        inFlight -= items.length;
        if (paused && inFlight + pending.length < MAX_PENDING / 2) {
          paused = false;
          for (const s of sockets) s.resume();
        }
      }
    });
  };

  const accept = (frame: Buffer, transport: 'tcp' | 'udp' | 'tls', peer: string): void => {
    if (transport === 'udp' && paused) {
      ctx.metrics.eventsByProtocol.inc({ protocol: 'syslog', outcome: 'rejected' });
      return;
    }
    pending.push(toItem(++ref, frame, transport, peer, ctx.now(), ctx.defaultTimeZone));
    if (pending.length >= FLUSH_ITEMS) flush();
    else timer ??= setTimeout(flush, FLUSH_MS);
    if (!paused && inFlight + pending.length >= MAX_PENDING) {
      paused = true;
      for (const s of sockets) s.pause();
    }
  };
  const oversized = (bytes: number): void => {
    pending.push({ kind: 'failed', ref: ++ref, error: errors.lineTooLong(bytes, ctx.limits.max_line_bytes) });
    timer ??= setTimeout(flush, FLUSH_MS);
  };

  const servers: Server[] = [];
  let udpSocket: UdpSocket | undefined;
  const out: SyslogListeners = {
    replaceTls() {
      // No TLS listener: nothing to replace.
    },
    async close() {
      await Promise.all([
        ...servers.map((srv) => new Promise<void>((r) => srv.close(() => r()))),
        new Promise<void>((r) => (udpSocket ? udpSocket.close(() => r()) : r())),
        // Give each open connection's last bytes to the framer, then close it.
        ...[...sockets].map((s) => new Promise<void>((r) => {
          s.once('close', () => r());
          s.end();
          setTimeout(() => s.destroy(), 2000).unref();
        })),
      ]);
      flush();
      await chain;
    },
  };

  const onConnection = (transport: 'tcp' | 'tls') => (socket: Socket): void => {
    sockets.add(socket);
    if (paused) socket.pause();
    const peer = `${socket.remoteAddress ?? ''}`;
    const framer = new SyslogTcpFramer(ctx.limits.max_line_bytes, (f) => accept(f, transport, peer), oversized);
    socket.on('data', (chunk: Buffer) => framer.push(chunk));
    socket.on('end', () => framer.end());
    socket.on('error', (err) => ctx.log.debug({ err }, `A syslog ${transport.toUpperCase()} connection failed.`));
    socket.on('close', () => sockets.delete(socket));
  };
  const listen = async (srv: Server, address: string, key: string): Promise<string> => {
    const { host, port } = parseListen(address);
    await listening(key, address, () => new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen({ host, port }, () => resolve());
    }));
    servers.push(srv);
    const a = srv.address();
    return typeof a === 'object' && a ? `${host}:${a.port}` : address;
  };

  const bindAll = async (): Promise<void> => {
    if (config.listen_tcp !== undefined) out.tcp = await listen(createServer(onConnection('tcp')), config.listen_tcp, 'syslog.listen_tcp');
    if (config.listen_tls !== undefined) {
      // RFC 5425: the same framing inside TLS (senders use octet counting).
      if (!tls) throw errors.configInvalid('syslog.listen_tls', 'needs syslog.tls_cert_file and syslog.tls_key_file, or a tls block');
      // With the server's client CA, syslog senders need a certificate too (RFC 5425 §5.3).
      const mutual = tls.context.ca !== undefined;
      const tlsServer = createTlsServer({ ...tls.context, requestCert: mutual, rejectUnauthorized: mutual }, onConnection('tls'));
      tlsServer.on('tlsClientError', (err) => ctx.log.debug({ err }, 'A syslog TLS handshake failed.'));
      out.tls = await listen(tlsServer, config.listen_tls, 'syslog.listen_tls');
      out.replaceTls = (credentials) => tlsServer.setSecureContext(credentials.context);
    }
    if (config.listen_udp !== undefined) {
      const { host, port } = parseListen(config.listen_udp);
      udpSocket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
      udpSocket.on('message', (msg, rinfo) => {
        for (const frame of splitDatagram(msg)) accept(frame, 'udp', rinfo.address);
      });
      const udp = udpSocket;
      await listening('syslog.listen_udp', config.listen_udp, () => new Promise<void>((resolve, reject) => {
        udp.once('error', reject);
        udp.bind(port, host, () => resolve());
      }));
      // Once bound: a failed bind is the start's error, not also a logged one.
      udp.on('error', (err) => ctx.log.error({ err }, 'The syslog UDP socket failed.'));
      out.udp = `${host}:${udpSocket.address().port}`;
    }
  };
  try {
    await bindAll();
  } catch (err) {
    // What did bind is released: the start fails, and a port left held
    // would be reported busy by the check of every listener that follows
    // (server.ts), and held until the process exits.
    await Promise.all([
      ...servers.map((srv) => new Promise<void>((r) => srv.close(() => r()))),
      new Promise<void>((r) => {
        if (!udpSocket) return r();
        try {
          udpSocket.close(() => r());
        } catch {
          // Already closed by its failed bind.
          r();
        }
      }),
    ]);
    throw err;
  }
  return out;
}


/** One syslog message ─► the envelope the normalizer takes (see docs/PROTOCOLS.md for the fields). */
/** `timeZone`: the server's `ingest.default_timezone`, for RFC 3164's offset-less times. */
export function toItem(ref: number, frame: Buffer, transport: 'tcp' | 'udp' | 'tls', peer: string, now: number, timeZone = 'UTC'): IngestItem {
  const text = frame.toString('utf8');
  let msg: SyslogMessage;
  try {
    msg = parseSyslog(text, now, timeZone);
  } catch (err) {
    if (err instanceof LogshipError) return { kind: 'failed', ref, error: err };
    throw err;
  }
  const meta: Record<string, unknown> = {
    source: 'syslog',
    'syslog.facility': FACILITIES[msg.facility] ?? String(msg.facility),
    'syslog.severity': msg.severity,
    'syslog.transport': transport,
    'syslog.format': msg.format,
  };
  if (msg.hostname) meta.host = msg.hostname;
  else if (peer) meta.host = peer;
  if (msg.appName) meta['syslog.appname'] = msg.appName;
  if (msg.procId) meta['syslog.procid'] = msg.procId;
  if (msg.msgId) meta['syslog.msgid'] = msg.msgId;
  for (const [id, params] of Object.entries(msg.structuredData)) {
    for (const [name, value] of Object.entries(params)) meta[`syslog.sd.${id}.${name}`] = value;
  }
  // No event.id: the normalizer derives the content id (normalize/content-id.ts) from the
  // message's fields, so a sender's resend after a reconnect stores nothing twice.
  return {
    kind: 'envelope',
    ref,
    content: msg.message,
    meta,
    time: msg.time,
    // Not meta: a JSON message's own level and logger win over the PRI and
    // APP-NAME, which stay as syslog.severity and syslog.appname (NormalizeOptions.level).
    level: levelFromSyslogPriority(msg.severity),
    ...(msg.appName ? { logger: msg.appName } : {}),
    bytes: frame.length,
    invalidUtf8: !isUtf8(frame),
  };
}
