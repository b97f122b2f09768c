import type { ServerConfig } from '../config/server-config.js';
import { configErrors } from '../config/config-errors.js';
import { parseListen } from '../config/parse-listen.js';
import { MistakeList } from '../errors/mistake-list.js';

export type Transport = 'tcp' | 'udp';

/** Every listener of the config: its key, its address and whether it takes TCP or UDP. */
export function configuredListeners(config: ServerConfig): { key: string; address: string; transport: Transport }[] {
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

/**
 * Two keys of the config on one port (`otlp.grpc_listen` set to `listen`'s
 * address, `0.0.0.0:7700` beside `127.0.0.1:7700`), named as the config
 * mistake it is, before anything binds: the bind said only "the address is
 * already in use (by another logship, or another program)", sending the
 * operator to look for a program that was this config. A TCP and a UDP
 * listener may share a port number; port 0 is a port of its own each time.
 * Throws LS_CONFIG_INVALID, each pair named.
 */
export function checkListenClashes(config: ServerConfig): void {
  const listeners = configuredListeners(config).map((l) => ({ ...l, ...parseListen(l.address) }));
  const mistakes = new MistakeList();
  listeners.forEach((b, j) => {
    for (const a of listeners.slice(0, j)) {
      if (a.transport !== b.transport || a.port === 0 || a.port !== b.port || !hostsOverlap(a.host, b.host)) continue;
      const both = a.address === b.address ? `are both ${a.address}` : `are ${b.address} and ${a.address}, one port`;
      mistakes.add(configErrors.configInvalid(b.key, `takes the port of ${a.key}: ${b.key} and ${a.key} ${both}; give each listener a port of its own`));
    }
  });
  mistakes.throwIfAny();
}
