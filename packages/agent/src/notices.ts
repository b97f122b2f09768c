/**
 * What the agent has said about a file (its byte order mark, that another
 * source reads it too, that it is compressed), kept across config reloads:
 * a reload starts the sources anew, and each said it all again for every
 * file it found. One notice per file and what it says (the key names both:
 * a change, such as another source reading the file now, is said again).
 * Bounded: on a host whose rotated files get new names every day, the
 * oldest keys go first (then one may be said again).
 */
export class Notices {
  private readonly said = new Set<string>();

  constructor(private readonly max = 10_000) {}

  /** True the first time `parts` is asked about, false after. */
  first(...parts: readonly (string | number)[]): boolean {
    const key = parts.join('\u0000');
    if (this.said.has(key)) return false;
    if (this.said.size >= this.max) this.said.delete(this.said.values().next().value!);
    this.said.add(key);
    return true;
  }
}
