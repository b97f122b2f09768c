/**
 * The methods each registered path takes, so a known path asked with
 * another method answers 405 with `Allow`, not 404 "no route" (RFC 9110
 * §15.5.6): a client that sent `DELETE /api/v1/search` or `GET /_bulk`
 * learns the method is wrong, not the path. The app (app.ts) keeps one for
 * its routes, the Elasticsearch plugin one for its own (es-routes.ts).
 *
 * A path is matched as the router matches it: a static segment before a
 * parameter at the first place they differ (`/_bulk` before `/:index`),
 * which gives what Elasticsearch answers (`GET /_bulk`: allowed POST, PUT);
 * a `*` segment takes the rest of the path (`/assets/*`).
 */
export class AllowedMethods {
  private readonly routes: { segments: string[]; methods: Set<string> }[] = [];

  /**
   * `ignoreTrailingSlash`: `/x/` is `/x`, as Elasticsearch reads
   * `/logs/_doc/`; otherwise a trailing slash is a path of its own, as
   * fastify's router has it, so `/api/v1/search/` (404 for GET) stays 404.
   */
  constructor(private readonly opts: { ignoreTrailingSlash: boolean }) {}

  /** Records a route as registered (relative to the plugin's prefix); GET brings HEAD, as the router adds it. */
  add(methods: readonly string[], url: string): void {
    const segments = this.split(url);
    let route = this.routes.find((r) => r.segments.join('/') === segments.join('/'));
    if (!route) {
      route = { segments, methods: new Set() };
      this.routes.push(route);
    }
    for (const m of methods) route.methods.add(m);
    if (route.methods.has('GET')) route.methods.add('HEAD');
  }

  /** The methods of the route `path` (no prefix, no query) falls under, sorted; null when none does. */
  lookup(path: string): string[] | null {
    const segments = this.split(path);
    let best: string[] | null = null;
    let bestMethods: Set<string> | null = null;
    for (const r of this.routes) {
      if (!matches(r.segments, segments)) continue;
      if (best === null || moreSpecific(r.segments, best)) {
        best = r.segments;
        bestMethods = r.methods;
      }
    }
    return bestMethods ? [...bestMethods].sort() : null;
  }

  /** Segments of a path: `/` is `['']`, `/a/` is `['a', '']` unless trailing slashes are ignored. */
  private split(path: string): string[] {
    const segments = path.split('/').slice(1);
    return this.opts.ignoreTrailingSlash ? segments.filter((s, i, all) => !(s === '' && i === all.length - 1)) : segments;
  }
}

const isParam = (segment: string): boolean => segment.startsWith(':') || segment === '*';

function matches(pattern: string[], segments: string[]): boolean {
  if (pattern[pattern.length - 1] === '*') {
    const fixed = pattern.length - 1;
    return segments.length >= pattern.length && pattern.slice(0, fixed).every((p, i) => segmentMatches(p, segments[i]!));
  }
  return pattern.length === segments.length && pattern.every((p, i) => segmentMatches(p, segments[i]!));
}

const segmentMatches = (pattern: string, segment: string): boolean => (pattern.startsWith(':') ? segment !== '' : pattern === '*' || pattern === segment);

function moreSpecific(a: string[], b: string[]): boolean {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const pa = isParam(a[i]!);
    const pb = isParam(b[i]!);
    if (pa !== pb) return !pa;
  }
  return false;
}
