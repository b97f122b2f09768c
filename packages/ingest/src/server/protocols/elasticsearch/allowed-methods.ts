/**
 * The methods each Elasticsearch-compatible path takes, so a known path
 * asked with another method answers as Elasticsearch does (405 with
 * `Allow`), not "no handler found" (400): a client that sent `GET /_bulk`
 * or `PATCH /idx/_doc/1` learns the method is wrong, not the path.
 *
 * A path is matched as the router matches it: a static segment before a
 * parameter at the first place they differ (`/_bulk` before `/:index`),
 * which gives what Elasticsearch answers (`GET /_bulk`: allowed POST, PUT).
 */
export class AllowedMethods {
  private readonly routes: { segments: string[]; methods: Set<string> }[] = [];

  /** Records a route as registered (relative to the plugin's prefix); GET brings HEAD, as the router adds it. */
  add(methods: readonly string[], url: string): void {
    const segments = split(url);
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
    const segments = split(path);
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
}

/** Segments of a path; a trailing slash is dropped, as Elasticsearch reads `/logs/_doc/` as `/logs/_doc`. */
function split(path: string): string[] {
  return path.split('/').filter((s, i, all) => !(s === '' && (i === 0 || i === all.length - 1)));
}

function matches(pattern: string[], segments: string[]): boolean {
  return pattern.length === segments.length && pattern.every((p, i) => (p.startsWith(':') ? segments[i] !== '' : p === segments[i]));
}

function moreSpecific(a: string[], b: string[]): boolean {
  for (let i = 0; i < a.length; i++) {
    const pa = a[i]!.startsWith(':');
    const pb = b[i]!.startsWith(':');
    if (pa !== pb) return !pa;
  }
  return false;
}
