// Writes NAME.gz and NAME.br next to each built asset, so `logship serve`
// (@fastify/static with preCompressed) sends them without compressing per
// request. Usage: node precompress.mjs DIR
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dir = process.argv[2];
if (!dir) throw new Error('usage: precompress.mjs DIR');
for (const name of readdirSync(dir)) {
  if (!/\.(js|css|svg|html|json)$/.test(name)) continue;
  const path = join(dir, name);
  const data = readFileSync(path);
  writeFileSync(`${path}.gz`, gzipSync(data, { level: 9 }));
  writeFileSync(`${path}.br`, brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
}
