/**
 * The text precheck never rejects a value whose lower-cased form holds
 * every token (it may pass values the matcher then rejects).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, tokenize } from '@logship/query';
import { LOWER_TO_ASCII, textPrecheck } from './text-precheck.js';

test('LOWER_TO_ASCII is every character outside ASCII whose toLowerCase() holds ASCII, on this engine', () => {
  let found = '';
  for (let c = 0x80; c <= 0x10ffff; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue;
    const s = String.fromCodePoint(c);
    if (/[\x00-\x7f]/.test(s.toLowerCase())) found += s;
  }
  assert.equal(found, LOWER_TO_ASCII);
});

test('no value holding the tokens (after lower-casing) is rejected', () => {
  const rng = createRng(5);
  const alphabet = ['a', 'B', 'k', 'K', '\u212a', 'i', 'I', '\u0130', 'n', 'É', 'é', 'ß', ' ', '-', '1', '.', '*', 'ö'];
  const word = (n: number): string => Array.from({ length: n }, () => rng.pick(alphabet)).join('');
  for (let i = 0; i < 20_000; i++) {
    const v = word(rng.int(0, 12));
    const tokens = rng.chance(0.5) ? tokenize(v).slice(0, 2) : tokenize(word(rng.int(1, 4)));
    const holds = tokens.every((t) => v.toLowerCase().includes(t));
    if (holds) assert.ok(textPrecheck(tokens)(v), `${JSON.stringify(v)} holds ${JSON.stringify(tokens)}`);
  }
  assert.equal(textPrecheck(['login'])('LOGIN failed'), true);
  assert.equal(textPrecheck(['kelvin'])('\u212aELVIN'), true);
  assert.equal(textPrecheck(['login', 'failed'])('login ok'), false);
  assert.equal(textPrecheck(['login'])(42), false);
});
