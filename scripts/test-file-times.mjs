/**
 * A node --test reporter that prints, once the run ends, the slowest test
 * files: the sum of each file's top-level tests and suites (a file's own
 * module loading is not in it). The TAP log names tests, not files, and the
 * suite's time is watched against CI's limit (BENCHMARKS.md, "test suite:
 * how long CI takes"), so the run says where its time goes.
 */
const SHOWN = 25;

export default async function* testFileTimes(source) {
  const perFile = new Map();
  for await (const { type, data } of source) {
    if ((type === 'test:pass' || type === 'test:fail') && data.nesting === 0 && data.file) {
      perFile.set(data.file, (perFile.get(data.file) ?? 0) + (data.details?.duration_ms ?? 0));
    }
  }
  const rows = [...perFile].sort((a, b) => b[1] - a[1]);
  const total = rows.reduce((sum, [, ms]) => sum + ms, 0);
  const cwd = `${process.cwd()}/`;
  yield `# the ${Math.min(SHOWN, rows.length)} slowest of ${rows.length} test files (seconds of their top-level tests; ${Math.round(total / 1000)} s in all, files run three at a time)\n`;
  for (const [file, ms] of rows.slice(0, SHOWN)) {
    yield `# ${(ms / 1000).toFixed(1).padStart(7)}  ${file.startsWith(cwd) ? file.slice(cwd.length) : file}\n`;
  }
}
