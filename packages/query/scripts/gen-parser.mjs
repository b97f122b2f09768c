#!/usr/bin/env node
// Generates src/grammar/parser.generated.ts from src/grammar/query.peggy.
// The grammar is the only source; the generated file is committed so the
// package builds without peggy, and `--check` (CI) fails when it is stale.
//
//   node scripts/gen-parser.mjs          write the parser
//   node scripts/gen-parser.mjs --check  exit 1 if the committed file differs
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import peggy from 'peggy';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const grammarPath = join(root, 'src/grammar/query.peggy');
const outPath = join(root, 'src/grammar/parser.generated.ts');

const grammar = readFileSync(grammarPath, 'utf8');
const source = peggy.generate(grammar, {
  output: 'source',
  format: 'es',
  grammarSource: 'query.peggy',
});

const header = [
  '// GENERATED — do not edit. Source: src/grammar/query.peggy',
  `// Regenerate with \`pnpm --filter @logship/query run gen\` (peggy ${peggy.VERSION}).`,
  '// @ts-nocheck',
  '/* eslint-disable */',
  '',
].join('\n');
const output = header + source + (source.endsWith('\n') ? '' : '\n');

if (process.argv.includes('--check')) {
  const current = existsSync(outPath) ? readFileSync(outPath, 'utf8') : '';
  if (current !== output) {
    console.error('parser.generated.ts is stale: run `pnpm --filter @logship/query run gen` and commit it.');
    process.exit(1);
  }
  console.log('parser.generated.ts is up to date.');
} else {
  writeFileSync(outPath, output);
  console.log(`wrote ${outPath}`);
}
