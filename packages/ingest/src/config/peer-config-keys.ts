/**
 * server.yaml keys as other servers (and logship's own agent) name them,
 * with what to write here instead. `data_dir:` (the agent's key for its
 * folder), Loki's `http_listen_port:` and `retention_period:`, or
 * Elasticsearch's `path.data` were "unknown config key" with no word of
 * `data` or `listen`, and `path` was told `did you mean "auth"?`.
 */

const LISTEN_FORMS = 'listen: "127.0.0.1:7700" for this host only, ":7700" for every address, with auth.tokens';
const LISTEN = `the address is \`listen: HOST:PORT\` here (${LISTEN_FORMS})`;
const DATA = 'the data folder is `data: DIR` here (data: /var/lib/logship)';
const RETENTION = 'retention is `retention: { default_days: 30 }` here, with classes for other periods (retention.classes)';

/** Full key paths (`retention.period`) and top-level names. */
const PEER_KEYS: Readonly<Record<string, string>> = {
  port: LISTEN, listen_port: LISTEN, http_listen_port: LISTEN, http_port: LISTEN, bind: LISTEN, address: LISTEN, listen_address: LISTEN,
  server: `${LISTEN}; server.url is the agent's key, in its agent.yaml`,
  data_dir: `${DATA}; data_dir is the agent's key`, data_path: DATA, path: `${DATA}, Elasticsearch's path.data`,
  retention_period: RETENTION, retention_days: RETENTION, 'retention.period': RETENTION, 'retention.days': RETENTION,
};

/** What to write instead of the unknown key at `path`, when it is a peer's name for one of ours. */
export function peerKeyHint(path: string): string | undefined {
  return Object.hasOwn(PEER_KEYS, path) ? PEER_KEYS[path] : undefined;
}

/** `listen: 7700`, which YAML reads as a number, was told only "must be string". */
export const LISTEN_NOT_TEXT = `must be HOST:PORT, as text (${LISTEN_FORMS})`;
