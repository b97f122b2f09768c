/**
 * What a backwards time range is told, in the words of whoever reads it:
 * the API's parameters (`from=now-1h`) or the CLI's flags (`--from
 * now-1h`). One wording for both, so `logship search --from now+1h` and
 * `GET /api/v1/search?from=now%2B1h` say the same thing.
 */

export interface RangeWords {
  /** How a parameter is named in a sentence: `"from"`, `--from`. */
  name(param: 'from' | 'to'): string;
  /** How a parameter with a value is written: `from=now-1h`, `--from now-1h`. */
  write(param: 'from' | 'to', value: string): string;
  /** Between two parameters written together. */
  readonly sep: string;
}

export const API_WORDS: RangeWords = {
  name: (p) => `"${p}"`,
  write: (p, v) => `${p}=${v}`,
  sep: '&',
};

export const CLI_WORDS: RangeWords = {
  name: (p) => `--${p}`,
  write: (p, v) => `--${p} ${v}`,
  sep: ' ',
};

/** `now+1h` → `now-1h`: a future offset that most likely meant the past. */
const FUTURE_OFFSET = /^\s*now\s*\+\s*(\d+\s*[a-zA-Z]+)\s*$/;

/**
 * The sentence after "the time range is backwards: ". `toDefaulted`: the
 * request gave no `to`, which is then now, so a `from` in the future (a
 * `now+1h` meant as `now-1h`) is after it; that answered 200 with nothing.
 */
export function backwardsRange(from: string, to: string, toDefaulted: boolean, words: RangeWords): string {
  const [f, t] = [words.name('from'), words.name('to')];
  if (!toDefaulted) {
    return `${f} ${from} is after ${t} ${to}; swap them: ${words.write('from', to)}${words.sep}${words.write('to', from)}`;
  }
  const past = FUTURE_OFFSET.exec(from);
  const hint = past ? `for the ${past[1]!.replace(/\s+/g, '')} before now write ${words.write('from', `now-${past[1]!.replace(/\s+/g, '')}`)}; ` : '';
  return `${f} ${from} is in the future, after ${t}, which defaults to now when not given; ${hint}to search ahead of now give a ${t} after ${f} as well`;
}
