/**
 * The Alertmanager and Prometheus configs docs/ALERTING.md gives to copy
 * are checked by the real tools' own checkers (amtool from
 * prometheus-alertmanager, promtool from prometheus): the Alertmanager
 * routing example had receivers without the global settings they need, and
 * `amtool check-config` refused it ("no global SMTP smarthost set").
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { removeDir, repoRoot, tempDir } from './harness.js';

const run = promisify(execFile);
const AMTOOL = '/usr/bin/amtool';
const PROMTOOL = '/usr/bin/promtool';
const missing = [AMTOOL, PROMTOOL].filter((b) => !existsSync(b));
if (missing.length > 0 && process.env.CI === 'true') throw new Error(`CI=true but ${missing.join(', ')} missing (scripts/test-deps.sh installs prometheus and prometheus-alertmanager)`);
if (missing.length > 0) console.warn(`WARNING: ${missing.join(', ')} missing: the ALERTING.md config checks are SKIPPED`);
const skip = missing.length > 0 ? `${missing.join(', ')} missing` : false;

const doc = readFileSync(join(repoRoot, 'docs/ALERTING.md'), 'utf8');
/** The first ```yaml block after `heading` (a line of the page). */
function yamlAfter(heading: string): string {
  const at = doc.indexOf(heading);
  assert.ok(at >= 0, `docs/ALERTING.md has no "${heading}"`);
  const block = /```yaml\n([\s\S]*?)```/.exec(doc.slice(at));
  assert.ok(block, `no yaml block after "${heading}"`);
  return block[1]!;
}

let dir: string;
before(async () => { dir = await tempDir('logship-alerting-docs-'); });
after(async () => { await removeDir(dir); });

test("ALERTING.md's Alertmanager routing example passes amtool check-config", { skip }, async () => {
  const file = join(dir, 'alertmanager.yml');
  await writeFile(file, yamlAfter('Route them in Alertmanager'));
  const r = await run(AMTOOL, ['check-config', file]).then((x) => ({ code: 0, out: x.stdout }), (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }));
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /SUCCESS/);
});

test("ALERTING.md's Prometheus rules over log_metrics pass promtool check rules", { skip }, async () => {
  const file = join(dir, 'prometheus-rules.yml');
  await writeFile(file, yamlAfter('Then your rules stay as they were'));
  const r = await run(PROMTOOL, ['check', 'rules', file]).then((x) => ({ code: 0, out: x.stdout }), (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }));
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /SUCCESS: 3 rules found/);
});
