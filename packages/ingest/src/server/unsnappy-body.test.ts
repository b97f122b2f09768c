import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32c } from './crc32c.js';
import { LogshipError } from './errors.js';
import { unsnappyBody } from './unsnappy-body.js';

const STREAM_ID = Buffer.from([0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59]);
const LINE = '{"line":"framed snappy"}\n';

/** An uncompressed data chunk (type 0x01) holding LINE, with the masked CRC-32C Go's hash/crc32 (Castagnoli) gives for it. */
function framed(data: Buffer, masked: number): Buffer {
  const head = Buffer.alloc(8);
  head[0] = 0x01;
  head.writeUIntLE(data.length + 4, 1, 3);
  head.writeUInt32LE(masked, 4);
  return Buffer.concat([STREAM_ID, head, data]);
}

test('crc32c is CRC-32C (the check value of "123456789", as Go and iSCSI compute it)', () => {
  assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
  assert.equal(crc32c(Buffer.from(LINE)), 0x2c2ff21b);
});

test('a framed snappy body is checked against its chunks\' masked CRC-32C: a damaged byte is a coded 400, not garbage events', () => {
  assert.equal(unsnappyBody(framed(Buffer.from(LINE), 0x86b94337), 1 << 20).toString(), LINE);
  const damaged = Buffer.from(LINE.replace('framed', 'frXmed'));
  const err = (() => {
    try {
      return unsnappyBody(framed(damaged, 0x86b94337), 1 << 20);
    } catch (e) {
      return e;
    }
  })();
  assert.ok(err instanceof LogshipError, `decoded to ${String(err)}`);
  assert.equal(err.code, 'LS_INGEST_BAD_SNAPPY');
  assert.equal(err.statusCode, 400);
  assert.match(err.message, /checksum mismatch in the data chunk at byte 10/);
});
