/**
 * JSON as Python's `json.dumps` writes it by default (`allow_nan=True`),
 * which python-json-logger, structlog's JSONRenderer and loguru's
 * `serialize=True` all use: a float that is NaN or infinite is written as
 * the bare word `NaN`, `Infinity` or `-Infinity`, which JSON.parse refuses,
 * so one such value cost the line its level, time and fields (and a line
 * posted to the ingest API was refused). Those words outside strings are
 * read as the strings `"NaN"`, `"Infinity"` and `"-Infinity"`: a field
 * holds a finite number or text, and the value is kept, not dropped.
 *
 * Only for text JSON.parse refused (the caller tries it first), so valid
 * lines pay nothing. Returns undefined when the text is still not JSON.
 */
export function parsePythonJson(text: string): unknown {
  if (!text.includes('NaN') && !text.includes('Infinity')) return undefined;
  let out = '';
  let last = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
      continue;
    }
    const word = c === 0x4e ? 'NaN' : c === 0x49 ? 'Infinity' : c === 0x2d && text.startsWith('Infinity', i + 1) ? '-Infinity' : undefined;
    if (word === undefined || !text.startsWith(word, i)) continue;
    out += `${text.slice(last, i)}"${word}"`;
    last = i + word.length;
    i = last - 1;
  }
  if (last === 0) return undefined;
  try {
    return JSON.parse(out + text.slice(last));
  } catch {
    return undefined;
  }
}
