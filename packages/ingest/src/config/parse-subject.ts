/**
 * A certificate subject as written in `auth.tls_clients[].subject`:
 * `CN=web-1` or `CN=web-1, O=Acme` (RFC 4514 order does not matter here).
 * Values may escape a comma or equals sign with a backslash.
 */
export type Subject = ReadonlyMap<string, string>;

export function parseSubject(text: string): Subject {
  const out = new Map<string, string>();
  for (const part of splitUnescaped(text, ',')) {
    const eq = indexUnescaped(part, '=');
    if (eq <= 0) throw new Error(`"${part.trim()}" is not ATTRIBUTE=value (e.g. CN=web-1)`);
    const key = part.slice(0, eq).trim().toUpperCase();
    const value = unescape(part.slice(eq + 1).trim());
    if (!/^[A-Z][A-Z0-9.-]*$/.test(key) || value === '') throw new Error(`"${part.trim()}" is not ATTRIBUTE=value (e.g. CN=web-1)`);
    if (out.has(key)) throw new Error(`names ${key} twice`);
    out.set(key, value);
  }
  if (out.size === 0) throw new Error('is empty');
  return out;
}

/**
 * True when every attribute the configured subject names has that value in
 * the certificate's subject (node's `getPeerCertificate().subject`, where a
 * repeated attribute is an array). Attributes not named are not looked at.
 */
export function subjectMatches(wanted: Subject, cert: Readonly<Record<string, string | string[] | undefined>>): boolean {
  for (const [key, value] of wanted) {
    const got = cert[key];
    if (Array.isArray(got) ? !got.includes(value) : got !== value) return false;
  }
  return true;
}

function splitUnescaped(text: string, sep: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === sep) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.filter((p) => p.trim() !== '');
}

function indexUnescaped(text: string, ch: string): number {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === ch) return i;
  }
  return -1;
}

function unescape(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}
