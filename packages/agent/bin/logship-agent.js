#!/usr/bin/env -S node --max-semi-space-size=1
// --max-semi-space-size=1 (MiB): under load V8 grows the young generation to
// its default maximum (16 MiB semi-spaces, ~48 MiB of RSS) however little
// survives each scavenge; capped, peak RSS stays under 100 MiB at 100,000+
// lines/s (figures in docs/AGENT.md, "Performance"). It can only be given on
// the command line: launchers that run `node bin/logship-agent.js` directly
// should pass it too (bench/agent.bench.mjs reads it from this line).
import { main } from '../dist/cli.js';

main(process.argv.slice(2)).then(
  (code) => { if (typeof code === 'number') process.exitCode = code; },
  (err) => { console.error(err instanceof Error ? err.message : err); process.exitCode = 1; },
);
