/*
 * The text of each stream label written as a bare JSON number in a Loki JSON
 * push, as written: `{"stream": {"id": 12345678901234567890}}` is the label
 * id="12345678901234567890". Loki's JSON decoder keeps a label value's bytes;
 * JSON.parse makes a double of it (12345678901234567000, and 1e400 is
 * Infinity, whose JSON text is null), so those values are read again here.
 *
 *   {"streams": [ {"stream": {name: <number>, …}, …}, … ]}  ─►  stream index ─► name ─► number text
 *
 * Only run on a body JSON.parse accepted and only when a stream has a number
 * label, so it skips values without checking them. A name given twice keeps
 * its last value, and a key given twice its last object, as JSON.parse does.
 */

export type NumberLabelTexts = Map<number, Map<string, string>>;

export function numberLabelTexts(text: string): NumberLabelTexts {
  let found: NumberLabelTexts = new Map();
  eachMember(text, 0, (key, start) => {
    if (key !== 'streams') return;
    found = new Map();
    let index = 0;
    eachElement(text, start, (elementStart) => {
      const streamIndex = index++;
      eachMember(text, elementStart, (streamKey, streamStart) => {
        if (streamKey !== 'stream') return;
        const labels = new Map<string, string>();
        found.set(streamIndex, labels);
        eachMember(text, streamStart, (name, valueStart, valueEnd) => {
          const c = text.charCodeAt(valueStart);
          if (c === 0x2d || (c >= 0x30 && c <= 0x39)) labels.set(name, text.slice(valueStart, valueEnd));
          else labels.delete(name);
        });
      });
    });
  });
  return found;
}

function skipSpace(t: string, i: number): number {
  while (i < t.length && (t[i] === ' ' || t[i] === '\t' || t[i] === '\n' || t[i] === '\r')) i++;
  return i;
}

/** From an opening quote to just past its closing one. */
function skipString(t: string, i: number): number {
  for (i++; i < t.length; i++) {
    if (t[i] === '\\') i++;
    else if (t[i] === '"') return i + 1;
  }
  return i;
}

/** From a value's first character to just past it. */
function skipValue(t: string, i: number): number {
  const c = t[i];
  if (c === '"') return skipString(t, i);
  if (c === '{' || c === '[') {
    let depth = 0;
    for (; i < t.length; i++) {
      const d = t[i];
      if (d === '"') i = skipString(t, i) - 1;
      else if (d === '{' || d === '[') depth++;
      else if ((d === '}' || d === ']') && --depth === 0) return i + 1;
    }
    return i;
  }
  while (i < t.length && !/[\s,}\]]/.test(t[i]!)) i++;
  return i;
}

/** Each member of the object whose value starts at i (nothing when it is no object). */
function eachMember(t: string, i: number, visit: (key: string, start: number, end: number) => void): void {
  i = skipSpace(t, i);
  if (t[i] !== '{') return;
  i = skipSpace(t, i + 1);
  while (t[i] === '"') {
    const keyEnd = skipString(t, i);
    const key = JSON.parse(t.slice(i, keyEnd)) as string;
    const start = skipSpace(t, skipSpace(t, keyEnd) + 1);
    const end = skipValue(t, start);
    visit(key, start, end);
    i = skipSpace(t, end);
    if (t[i] !== ',') return;
    i = skipSpace(t, i + 1);
  }
}

/** Each element of the array whose value starts at i (nothing when it is no array). */
function eachElement(t: string, i: number, visit: (start: number) => void): void {
  i = skipSpace(t, i);
  if (t[i] !== '[') return;
  i = skipSpace(t, i + 1);
  while (i < t.length && t[i] !== ']') {
    const end = skipValue(t, i);
    visit(i);
    i = skipSpace(t, end);
    if (t[i] !== ',') return;
    i = skipSpace(t, i + 1);
  }
}
