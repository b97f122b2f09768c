/**
 * JSON text of a parsed JSON value, written with an explicit stack instead of
 * recursion. `JSON.stringify` recurses once per nesting level, so an object
 * 5,000 levels deep (which `JSON.parse` accepts) throws a RangeError and,
 * before this, failed the whole ingest batch. The sender controls the depth;
 * the call stack must not depend on it.
 *
 * Output equals `JSON.stringify(value)` for values JSON.parse produces. With
 * `maxChars`, writing stops once the text is longer than that (the caller
 * truncates to its byte limit anyway), so a huge value costs no more than the
 * limit to serialize.
 */
export function jsonText(value: unknown, maxChars = Infinity): string {
  let out = '';
  type Frame =
    | { array: unknown[]; i: number }
    | { object: Record<string, unknown>; keys: string[]; i: number; wrote: boolean };
  const stack: Frame[] = [];

  // Writes a scalar, or opens a container (pushing its frame).
  const open = (v: unknown): void => {
    if (v === null || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') {
      out += JSON.stringify(v);
    } else if (Array.isArray(v)) {
      out += '[';
      stack.push({ array: v, i: 0 });
    } else if (typeof v === 'object') {
      out += '{';
      stack.push({ object: v as Record<string, unknown>, keys: Object.keys(v), i: 0, wrote: false });
    } else {
      // undefined, functions, symbols: JSON.stringify writes null inside arrays.
      out += 'null';
    }
  };

  open(value);
  while (stack.length > 0 && out.length <= maxChars) {
    const top = stack[stack.length - 1]!;
    if ('array' in top) {
      if (top.i >= top.array.length) {
        out += ']';
        stack.pop();
        continue;
      }
      if (top.i > 0) out += ',';
      open(top.array[top.i++]);
    } else {
      if (top.i >= top.keys.length) {
        out += '}';
        stack.pop();
        continue;
      }
      const key = top.keys[top.i++]!;
      const v = top.object[key];
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
      if (top.wrote) out += ',';
      top.wrote = true;
      out += `${JSON.stringify(key)}:`;
      open(v);
    }
  }
  return out;
}
