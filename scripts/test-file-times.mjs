/**
 * A node --test reporter that prints, once the run ends, the slowest test
 * files: the sum of each file's top-level tests and suites (a file's own
 * module loading is not in it). The TAP log names tests, not files, and the
 * suite's time is watched against CI's limit (BENCHMARKS.md, "test suite:
 * how long CI takes"), so the run says where its time goes.
 *
 * Then the tests that did not pass, by file: CI keeps only the end of a long
 * log, and a cancelled test (one awaiting a promise nothing will settle, so
 * the runner gives up on its file) counts in neither "fail" nor any "not ok"
 * that reaches that end.
 */
const SHOWN = 25;
const FAILED_SHOWN = 40;

export default async function* testFileTimes(source) {
  const perFile = new Map();
  const failed = [];
  for await (const { type, data } of source) {
    if ((type === 'test:pass' || type === 'test:fail') && data.nesting === 0 && data.file) {
      perFile.set(data.file, (perFile.get(data.file) ?? 0) + (data.details?.duration_ms ?? 0));
    }
    // A parent failing because its subtests did is said by its subtests.
    const error = data?.details?.error;
    if (type === 'test:fail' && error?.failureType !== 'subtestsFailed') {
      failed.push({ file: data.file ?? '', name: data.name, kind: error?.failureType ?? 'failed', message: String(error?.cause?.message ?? error?.message ?? '').split('\n')[0] });
    }
  }
  const cwd = `${process.cwd()}/`;
  const shortName = (file) => (file.startsWith(cwd) ? file.slice(cwd.length) : file);
  const rows = [...perFile].sort((a, b) => b[1] - a[1]);
  const total = rows.reduce((sum, [, ms]) => sum + ms, 0);
  yield `# the ${Math.min(SHOWN, rows.length)} slowest of ${rows.length} test files (seconds of their top-level tests; ${Math.round(total / 1000)} s in all, files run three at a time)\n`;
  for (const [file, ms] of rows.slice(0, SHOWN)) {
    yield `# ${(ms / 1000).toFixed(1).padStart(7)}  ${shortName(file)}\n`;
  }
  if (failed.length === 0) return;
  yield `# ${failed.length} tests did not pass (failed or cancelled)${failed.length > FAILED_SHOWN ? `, the first ${FAILED_SHOWN}` : ''}:\n`;
  for (const { file, name, kind, message } of failed.slice(0, FAILED_SHOWN)) {
    yield `#   ${shortName(file)}: ${name} [${kind}] ${message.slice(0, 300)}\n`;
  }
}
