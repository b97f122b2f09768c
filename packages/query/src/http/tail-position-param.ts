import { parseTailPosition, type TailPosition } from '../tail-position.js';
import { apiErrors } from './api-error.js';

/**
 * The tail's resume position (`after`, or the `Last-Event-ID` header), or a
 * coded 400. `param`: where the position came from, named in the refusal as other
 * refusals name theirs. A time past the span of dates (±8.64e15 ms) is no
 * position the server gave (they are events' times): it was taken, and
 * its stream replayed nothing.
 */
export function tailPositionParam(text: string, param: 'after' | 'Last-Event-ID'): TailPosition {
  const position = parseTailPosition(text);
  if (!Number.isFinite(position.ts) || Math.abs(position.ts) > MAX_DATE_MS) {
    throw apiErrors.badParameter(param, `tail position "${text}" is not "<epoch ms>|<event.id>"`, text);
  }
  return position;
}

/** The span of JavaScript dates either side of the epoch. */
const MAX_DATE_MS = 8.64e15;
