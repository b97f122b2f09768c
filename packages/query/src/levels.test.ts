import { test } from 'node:test';
import assert from 'node:assert/strict';
import { levelFromQuery, levelRank, normalizeLevel } from './levels.js';

const table: Array<[string | number, string | undefined]> = [
  ['ERROR', 'error'],
  ['error', 'error'],
  [' Warn ', 'warning'],
  ['WARNING', 'warning'],
  ['err', 'error'],
  ['fatal', 'critical'],
  ['CRIT', 'critical'],
  ['emerg', 'emergency'],
  ['informational', 'info'],
  ['notice', 'notice'],
  ['trace', 'trace'],
  // pino / bunyan
  [10, 'trace'],
  [20, 'debug'],
  [30, 'info'],
  [40, 'warning'],
  [50, 'error'],
  [60, 'critical'],
  [35, 'info'],
  // syslog / journald PRIORITY
  [0, 'emergency'],
  [1, 'alert'],
  [2, 'critical'],
  [3, 'error'],
  ['3', 'error'],
  [4, 'warning'],
  [5, 'notice'],
  [6, 'info'],
  [7, 'debug'],
  [8, undefined],
  [-1, undefined],
  [2.5, undefined],
  ['loud', undefined],
  ['', undefined],
  ['constructor', undefined],
  // zerolog's ConsoleWriter
  ['TRC', 'trace'],
  ['DBG', 'debug'],
  ['INF', 'info'],
  ['WRN', 'warning'],
  ['ERR', 'error'],
  ['FTL', 'critical'],
  ['PNC', 'emergency'],
  // java.util.logging
  ['FINEST', 'trace'],
  ['FINER', 'debug'],
  ['FINE', 'debug'],
  ['CONFIG', 'debug'],
  ['SEVERE', 'error'],
  // loguru
  ['SUCCESS', 'notice'],
  // winston
  ['silly', 'trace'],
  ['http', undefined],
  // Go's log/slog between its levels
  ['DEBUG-4', 'trace'],
  ['DEBUG-2', 'trace'],
  ['DEBUG+2', 'debug'],
  ['INFO+2', 'info'],
  ['WARN+2', 'warning'],
  ['INFO-2', 'debug'],
  ['ERROR+2', 'error'],
  ['ERROR+4', 'critical'],
  ['ERROR+x', undefined],
  ['NOTICE+1', undefined],
];
for (const [input, expected] of table) {
  test(`normalizeLevel(${JSON.stringify(input)}) is ${String(expected)}`, () => {
    assert.equal(normalizeLevel(input), expected);
  });
}

test('levelFromQuery knows names, not numbers', () => {
  assert.equal(levelFromQuery('Fatal'), 'critical');
  assert.equal(levelFromQuery('50'), undefined);
  assert.equal(levelFromQuery('3'), undefined);
  assert.equal(levelFromQuery('__proto__'), undefined);
});

test('levelRank orders trace < … < emergency', () => {
  assert.ok(levelRank('trace') < levelRank('debug'));
  assert.ok(levelRank('warning') < levelRank('error'));
  assert.ok(levelRank('alert') < levelRank('emergency'));
});
