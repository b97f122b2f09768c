/**
 * How a row shows where an event came from: a file source (the agent's is
 * the file's absolute path) by its file name, as Grafana's and Kibana's
 * compact columns show it. Shared by `logship search` and the search page's
 * row, so both show `nginx-access.log` for `/var/log/…/nginx-access.log`:
 * the CLI printed the whole path, and its text columns went ragged by the
 * length of each file's folder. Other sources (journald, a label) stay as
 * they are.
 */

/** A file source: `/…`, `~/…`, `./…`, `C:\…`, `\\server\…`. */
const FILE_PATH = /^(?:\/|~\/|\.\.?\/|[A-Za-z]:[\\/]|\\\\)/;

export function shortSource(source: string): string {
  if (!FILE_PATH.test(source)) return source;
  const windows = /^(?:[A-Za-z]:|\\\\)/.test(source);
  const name = source.split(windows ? /[\\/]/ : '/').filter((part) => part !== '').at(-1);
  return name ?? source;
}
