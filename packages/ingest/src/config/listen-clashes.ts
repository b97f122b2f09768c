import type { ServerConfig } from './server-config.js';
import { parseListen } from './parse-listen.js';

export type Transport = 'tcp' | 'udp';

/** Every listener of the config: its key, its address and whether it takes TCP or UDP. */
export function configuredListeners(config: Pick<ServerConfig, 'listen' | 'syslog' | 'otlp'>): { key: string; address: string; transport: Transport }[] {
  const all: [string, string | undefined, Transport][] = [
    ['listen', config.listen, 'tcp'],
    ['syslog.listen_tcp', config.syslog.listen_tcp, 'tcp'],
    ['syslog.listen_tls', config.syslog.listen_tls, 'tcp'],
    ['syslog.listen_udp', config.syslog.listen_udp, 'udp'],
    ['otlp.grpc_listen', config.otlp.grpc_listen, 'tcp'],
  ];
  return all.flatMap(([key, address, transport]) => (address === undefined ? [] : [{ key, address, transport }]));
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * Whether two hosts bound on one port of one transport collide: the same
 * address, or a wildcard covering the other (`::` is dual-stack in Node,
 * so it covers every address; `0.0.0.0`, and `:PORT`, every IPv4 one).
 * Host names are compared as written: the bind itself names the rest.
 */
function hostsOverlap(a: string, b: string): boolean {
  if (a === b || a === '::' || b === '::') return true;
  return (a === '0.0.0.0' && IPV4.test(b)) || (b === '0.0.0.0' && IPV4.test(a));
}

/** Two keys on one port: `key` (the later in the config's order) takes the port of `other`. */
export interface ListenClash {
  key: string;
  other: string;
  /** `are both 127.0.0.1:7700`, or `are 0.0.0.0:7700 and 127.0.0.1:7700, one port`. */
  both: string;
}

/**
 * Two keys of the config on one port (`otlp.grpc_listen` set to `listen`'s
 * address, `0.0.0.0:7700` beside `127.0.0.1:7700`): the config's mistake,
 * which the loader names at the second key's line (load-server-config.ts),
 * before anything binds: the bind said only "the address is already in use
 * (by another logship, or another program)", sending the operator to look
 * for a program that was this config. A TCP and a UDP listener may share a
 * port number; port 0 is a port of its own each time. An address that does
 * not parse is left to parseListen's own mistake.
 */
export function listenClashes(config: Pick<ServerConfig, 'listen' | 'syslog' | 'otlp'>): ListenClash[] {
  const listeners = configuredListeners(config).flatMap((l) => {
    try {
      return [{ ...l, ...parseListen(l.address) }];
    } catch {
      return [];
    }
  });
  const clashes: ListenClash[] = [];
  listeners.forEach((b, j) => {
    for (const a of listeners.slice(0, j)) {
      if (a.transport !== b.transport || a.port === 0 || a.port !== b.port || !hostsOverlap(a.host, b.host)) continue;
      clashes.push({ key: b.key, other: a.key, both: a.address === b.address ? `are both ${a.address}` : `are ${b.address} and ${a.address}, one port` });
    }
  });
  return clashes;
}
