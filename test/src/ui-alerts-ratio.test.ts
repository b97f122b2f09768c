/**
 * A ratio rule (`ratio_to`) in the Alerts panel: its value is the share of
 * the denominator's events its query matches, and the panel said "count of
 * job:nginx AND status:>=500 over 5m > 0.01", a threshold of a hundredth of
 * an event. It says the ratio now, as `logship rules test` does.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM } from './browser.js';
import { type ServerHandle } from './harness.js';
import { pageSuite } from './ui-support.js';

const dir = mkdtempSync(join(tmpdir(), 'logship-ui-alerts-ratio-'));
const rules = join(dir, 'rules.yaml');
writeFileSync(
  rules,
  `groups:
  - name: nginx
    rules:
      - alert: High5xxRatio
        query: 'job:nginx AND status:>=500'
        ratio_to: 'job:nginx'
        window: 5m
        above: 0.01
      - { alert: ManyErrors, query: 'level:error', window: 5m, above: 100 }
`,
);

describe('search page: a ratio rule in the Alerts panel (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 60_000 }, () => {
  let srv: ServerHandle;
  let page: Page;
  let problems: string[] = [];

  pageSuite({ server: { configYaml: `rule_files: ["${rules}"]\n` } }, (s) => ({ srv, page, problems } = s));

  test('reads count of its query / count of ratio_to, the bound as a share too; a count rule as before', async () => {
    await page.goto(`${srv.url}/`);
    await page.locator('.alerts-button').click();
    const dialog = page.getByRole('dialog', { name: 'Alerts' });
    const ratio = dialog.locator('[data-rule="High5xxRatio"] .rule-head code');
    assert.equal(await ratio.innerText(), 'count of job:nginx AND status:>=500 / count of job:nginx over 5m > 0.01 (1%)');
    assert.equal(await dialog.locator('[data-rule="ManyErrors"] .rule-head code').innerText(), 'count of level:error over 5m > 100');
    assert.deepEqual(problems, []);
  });
});
