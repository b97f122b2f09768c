import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isoTime } from './iso-time.js';

test('isoTime writes what toISOString writes, for any time Date holds, and throws where it throws', () => {
  const edges = [0, 1, 999, 1000, 86_399_999, 86_400_000, 951_782_400_000, 1_709_164_800_000, 253_402_300_799_999, 253_402_300_800_000, -1, -86_400_001, -62_198_755_200_000, 8.64e15, -8.64e15, 1.5, 1_764_000_000_123.999, -0.5];
  let seed = 7;
  const random = (): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const samples = [...edges, ...Array.from({ length: 20_000 }, () => (random() - 0.1) * 3e14), ...Array.from({ length: 5000 }, () => 1.7e12 + random() * 1e10)];
  for (const ms of samples) assert.equal(isoTime(ms), new Date(ms).toISOString(), String(ms));
  for (const bad of [NaN, Infinity, -Infinity, 8.64e15 + 1]) assert.throws(() => isoTime(bad), RangeError);
});
