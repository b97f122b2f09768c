#!/usr/bin/env -S node --max-semi-space-size=4
// --max-semi-space-size=4 (MiB): under ingest V8 grows this thread's young
// generation to its default maximum (16 MiB semi-spaces, ~48 MiB of RSS) to
// hold the batches being normalized. Capped, 1M events over HTTP on the
// block store: peak RSS 230-241 -> 216-224 MiB, server CPU-seconds the same
// (6 runs each, docs/BLOCK_STORE.md). The store's threads have their own cap
// (src/sqlite/worker-limits.ts). It can only be given on the command line:
// launchers that run `node bin/logship.js` pass it too (scripts/bin-flags.mjs
// reads it from this line).
import { main } from '../dist/cli/main.js';
import { exitWhenReaderCloses, runCommand } from '../dist/cli/cli-io.js';

// `logship search … | head`: a closed pipe ends any command quietly (status 141).
exitWhenReaderCloses();
// Its status; 70 if it stopped without finishing (cli-io.ts).
runCommand(main(process.argv.slice(2)));
