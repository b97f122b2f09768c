/**
 * A new empty plain object for a record built field by field (an event, a
 * line's flattened fields). Its prototype is Object.prototype, so it is a
 * plain object to every reader, deepStrictEqual included; but it is made by
 * `new`, and V8 gives objects made by a constructor room for ~10 fields in
 * the object itself. An object literal has room for what it is written
 * with, and an event's ~15 fields added one by one reallocated its field
 * store several times: 0.6 → 0.2 µs for an object of 18 fields.
 */
const Record = function (): void {} as unknown as { new (): object; prototype: object };
Record.prototype = Object.prototype;

export function plainRecord<T extends object>(): T {
  return new Record() as T;
}
