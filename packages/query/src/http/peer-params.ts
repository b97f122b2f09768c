/**
 * Parameters of the APIs people come from (Loki's query_range, Elasticsearch's
 * URI search, VictoriaLogs' query) and what each is called here. A Loki user's
 * `?query=…&start=…&direction=forward` was refused as "a parameter this route
 * does not take: "query"", with nothing saying that `q` is the same thing.
 * Only said for a parameter the route refused, so `size` (a terms count on
 * /api/v1/aggregate) is explained only where it is unknown.
 */
const PEER_PARAMS: Readonly<Record<string, string>> = {
  query: 'the query is q here (q=level:error)',
  start: "Loki's start is from here (from=now-1h, an ISO time or an epoch number in seconds, ms or ns)",
  end: "Loki's end is to here (to=now)",
  since: "Loki's since is from here, as a duration before now (from=1h)",
  direction: "Loki's direction is sort here: backward is sort=desc (the default), forward is sort=asc",
  order: 'the order is sort here: sort=desc (newest first, the default) or sort=asc',
  size: "Elasticsearch's size is limit on /api/v1/search (limit=100); size is the number of values on /api/v1/aggregate and /api/v1/fields/NAME/values",
  limit: 'the number of values is size on /api/v1/aggregate and /api/v1/fields/NAME/values (size=10); limit is for /api/v1/search',
  step: "Loki's step is interval on /api/v1/aggregate?type=date_histogram (interval=1m, or auto)",
  search_after: 'the next page is cursor=NEXT_CURSOR here (the previous answer\'s next_cursor)',
  _source: 'the fields returned are fields here (fields=host,status)',
};

/** What `name` is called here, or null when it is no peer's parameter. */
export function peerParamHint(name: string): string | null {
  return Object.hasOwn(PEER_PARAMS, name) ? PEER_PARAMS[name]! : null;
}
