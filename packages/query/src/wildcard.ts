/**
 * `*` / `?` wildcard patterns (the WildcardNode `pattern`: `\` escapes the
 * next character, so `\*` is a literal star). Matching is the iterative glob
 * algorithm — O(pattern × value) in the worst case, never exponential — over
 * Unicode code points, against the whole value.
 */

type Piece = { star: true } | { star: false; any: boolean; cp: number };

export function parseWildcard(pattern: string): Piece[] {
  const pieces: Piece[] = [];
  const cps = Array.from(pattern);
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i]!;
    if (c === '\\' && i + 1 < cps.length) {
      pieces.push({ star: false, any: false, cp: cps[++i]!.codePointAt(0)! });
    } else if (c === '*') {
      // `**` is the same as `*`.
      if (!(pieces.length && pieces[pieces.length - 1]!.star)) pieces.push({ star: true });
    } else if (c === '?') {
      pieces.push({ star: false, any: true, cp: 0 });
    } else {
      pieces.push({ star: false, any: false, cp: c.codePointAt(0)! });
    }
  }
  return pieces;
}

/** The literal text of a pattern with its escapes removed, or null if it has wildcards. */
export function wildcardLiteral(pattern: string): string | null {
  let out = '';
  for (const p of parseWildcard(pattern)) {
    if (p.star || p.any) return null;
    out += String.fromCodePoint(p.cp);
  }
  return out;
}

export function compileWildcard(pattern: string): (value: string) => boolean {
  const pieces = parseWildcard(pattern);
  return (value: string): boolean => {
    const cps = Array.from(value, (c) => c.codePointAt(0)!);
    let p = 0;
    let v = 0;
    let starP = -1;
    let starV = 0;
    while (v < cps.length) {
      const piece = pieces[p];
      if (piece && !piece.star && (piece.any || piece.cp === cps[v])) {
        p++;
        v++;
      } else if (piece && piece.star) {
        starP = p++;
        starV = v;
      } else if (starP >= 0) {
        p = starP + 1;
        v = ++starV;
      } else {
        return false;
      }
    }
    while (p < pieces.length && pieces[p]!.star) p++;
    return p === pieces.length;
  };
}
