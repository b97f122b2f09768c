import { useCallback, useState } from 'preact/hooks';
import { mergeWarnings, type AnswerWarning } from './answer-warnings.js';

export interface AnswerNotes {
  /** The current search's left-out partitions, one each, from all its answers so far. */
  warnings: readonly AnswerWarning[];
  /** A new search: the notes shown go; returns `noted(signal)`. */
  start: (signal: AbortSignal) => <T extends Warned>(answer: T) => T;
  /** Passes an answer of the search `signal` belongs to on, its warnings noted unless that search was left. */
  noted: (signal: AbortSignal | undefined) => <T extends Warned>(answer: T) => T;
}

type Warned = { warnings?: AnswerWarning[] };

/**
 * The `warnings` of one search's answers (the first page, the histograms,
 * the next pages), gathered as they come. A search's answers that come
 * after another has started are not noted: they belong to a search no
 * longer shown (its signal is aborted).
 */
export function useAnswerWarnings(): AnswerNotes {
  const [warnings, setWarnings] = useState<readonly AnswerWarning[]>([]);
  const noted = useCallback((signal: AbortSignal | undefined) => <T extends Warned>(answer: T): T => {
    if (signal !== undefined && !signal.aborted && answer.warnings !== undefined && answer.warnings.length > 0) {
      const more = answer.warnings;
      setWarnings((shown) => mergeWarnings(shown, more));
    }
    return answer;
  }, []);
  const start = useCallback((signal: AbortSignal) => {
    setWarnings([]);
    return noted(signal);
  }, [noted]);
  return { warnings, start, noted };
}
