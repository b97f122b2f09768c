/**
 * A backwards time range in the page's words: the API's sentence
 * (backwardsRange, also the CLI's) with the picker's field names, so the
 * page, `logship search` and `GET /api/v1/search` tell it the same way and
 * the user is told what to type where (`From now-1h, To now`).
 */
import { backwardsRange, type RangeWords } from '@logship/query/browser';

const PAGE_WORDS: RangeWords = {
  name: (p) => (p === 'from' ? 'From' : 'To'),
  write: (p, v) => `${p === 'from' ? 'From' : 'To'} ${v}`,
  sep: ', ',
};

/** The whole line, the API's LS_API_BAD_RANGE message as a sentence. `toDefaulted`: To was left empty (now). */
export function backwardsRangeText(from: string, to: string, toDefaulted = false): string {
  return `The time range is backwards: ${backwardsRange(from, to, toDefaulted, PAGE_WORDS)}`;
}
