/**
 * Alerting on the search page, as a Grafana or Kibana user looks for it:
 * the header counts the firing alerts, and a panel lists every rule with
 * its state, health and value, the firing alerts with their labels, and
 * opens a rule's query in the search. Without rules, the panel says where
 * rules come from.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { HAVE_CHROMIUM } from './browser.js';
import { ingest, waitFor, type ServerHandle } from './harness.js';
import { pageSuite, recentLines, waitForTotal } from './ui-support.js';

const dir = mkdtempSync(join(tmpdir(), 'logship-ui-alerts-'));
const rules = join(dir, 'rules.yaml');
writeFileSync(
  rules,
  `groups:
  - name: payments
    interval: 1s
    rules:
      - alert: PaymentErrors
        query: 'level:error AND service:payments'
        window: 10m
        group_by: [host]
        above: 0
        annotations: { summary: 'payments are failing on {{ $labels.host }}' }
      - { alert: QuietRule, query: 'level:critical', window: 5m, above: 100 }
`,
);

describe('search page: alerts (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 120_000 }, () => {
  let srv: ServerHandle;
  let page: Page;

  pageSuite({
    server: { configYaml: `rule_files: ["${rules}"]\nalerting: { evaluation_interval: 1s }\n` },
    seed: async (s) => {
      await ingest(s.url, recentLines(6, 10_000, (i) => ({ level: i < 3 ? 'error' : 'info', service: 'payments', host: i === 0 ? 'pay-2' : 'pay-1', message: `charge ${i}` })));
      await waitFor(async () => {
        const a = (await (await fetch(`${s.url}/api/v1/alerts`)).json()) as { data: { alerts: { state: string }[] } };
        return a.data.alerts.filter((x) => x.state === 'firing').length === 2;
      }, { what: 'two PaymentErrors alerts firing (pay-1, pay-2)', timeoutMs: 30_000 });
    },
  }, (s) => ({ srv, page } = s));

  test('the header counts the firing alerts; the panel shows rules, states and labels, and searches a rule\'s events', async () => {
    await page.goto(`${srv.url}/`);
    const button = page.locator('.alerts-button');
    await page.locator('.alerts-button[data-firing="2"]').waitFor();
    assert.equal(await button.getAttribute('aria-label'), 'Alerts, 2 firing');
    await button.click();
    const dialog = page.getByRole('dialog', { name: 'Alerts' });
    await dialog.locator('h2', { hasText: '2 firing, 0 pending, 2 rules' }).waitFor();
    const firing = dialog.locator('[data-rule="PaymentErrors"]');
    assert.equal(await firing.getAttribute('data-state'), 'firing');
    assert.equal(await firing.getAttribute('data-health'), 'ok');
    assert.match(await firing.innerText(), /count of level:error AND service:payments over 10m > 0/);
    const instances = await firing.locator('.alert-instances tbody tr').allInnerTexts();
    assert.equal(instances.length, 2);
    assert.ok(instances.some((t) => /host="pay-1"\s+2/.test(t)), instances.join('\n'));
    assert.ok(instances.some((t) => /host="pay-2"\s+1/.test(t)), instances.join('\n'));
    const quiet = dialog.locator('[data-rule="QuietRule"]');
    assert.equal(await quiet.getAttribute('data-state'), 'inactive');
    assert.equal(await quiet.locator('.alert-instances').count(), 0);

    await firing.getByRole('button', { name: 'Search its events' }).click();
    await dialog.waitFor({ state: 'detached' });
    const url = new URL(page.url());
    assert.equal(url.searchParams.get('q'), 'level:error AND service:payments');
    assert.equal(url.searchParams.get('from'), 'now-10m');
    await waitForTotal(page, 3);

    // Escape closes the panel and gives focus back to the button.
    await button.click();
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await page.evaluate("document.activeElement?.classList.contains('alerts-button')"), true);
  });
});

describe('search page: alerts without rules (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 60_000 }, () => {
  let srv: ServerHandle;
  let page: Page;
  pageSuite({}, (s) => ({ srv, page } = s));

  test('no count in the header; the panel says rules come from rule_files', async () => {
    await page.goto(`${srv.url}/`);
    await page.locator('.alerts-button[data-firing="0"]').waitFor();
    await page.locator('.alerts-button').click();
    const dialog = page.getByRole('dialog', { name: 'Alerts' });
    await dialog.getByText('No alert rules are loaded.').waitFor();
    assert.match(await dialog.innerText(), /rule_files/);
  });
});
