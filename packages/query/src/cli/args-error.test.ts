import assert from 'node:assert/strict';
import { parseArgs } from 'node:util';
import { test } from 'node:test';
import { argsErrorMessage } from './args-error.js';

const OPTIONS = {
  from: { type: 'string' },
  limit: { type: 'string' },
  follow: { type: 'boolean', short: 'f' },
  json: { type: 'boolean' },
} as const;

/** The message for argv as node's own parser refuses it. */
function messageFor(argv: string[]): string {
  try {
    parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (err) {
    return argsErrorMessage(err, argv, OPTIONS);
  }
  throw new Error(`parseArgs took ${argv.join(' ')}`);
}

test("a peer's flag is answered with how it is written here", () => {
  assert.equal(messageFor(['level:error', '--since', '1h']), "Unknown option --since: logcli's --since 1h is --from now-1h here.");
  assert.match(messageFor(['x', '-o', 'jsonl']), /^Unknown option -o: --json prints one JSON event per line/);
  assert.match(messageFor(['x', '--tail']), /^Unknown option --tail: --follow \(or -f\)/);
  assert.match(messageFor(['x', '--start=2026-12-01']), /^Unknown option --start: --from/);
  assert.match(messageFor(['x', '--last', '1h']), /^Unknown option --last: --from now-1h \(or --from 1h/);
  assert.match(messageFor(['x', '--max-time', '5']), /^Unknown option --max-time: --timeout DURATION/);
});

test('top and stats take --size: their --limit says so', () => {
  const top = { from: { type: 'string' }, size: { type: 'string' } } as const;
  let message = '';
  try {
    parseArgs({ args: ['host', '--limit', '3'], allowPositionals: true, options: top });
  } catch (err) {
    message = argsErrorMessage(err, ['host', '--limit', '3'], top);
  }
  assert.equal(message, 'Unknown option --limit: --size N (how many values) here; --limit N is for search.');
});

test('a misspelt flag gets the nearest one; a name far from all gets none', () => {
  assert.equal(messageFor(['x', '--limti', '3']), 'Unknown option --limti: did you mean --limit?');
  assert.equal(messageFor(['x', '--colour']), 'Unknown option --colour.');
});

test("a query that starts with '-' (Lucene's NOT) is told how to pass it", () => {
  assert.equal(messageFor(['-level:debug']),
    "-level:debug reads as a flag: a query that starts with '-' goes after '--' (logship search -- '-level:debug'), or write it with NOT (NOT level:debug).");
});

test("other mistakes keep node's message", () => {
  try {
    parseArgs({ args: ['--limit'], options: OPTIONS });
    assert.fail('parsed');
  } catch (err) {
    assert.equal(argsErrorMessage(err, ['--limit'], OPTIONS), (err as Error).message);
  }
});
