/**
 * A rule evaluated over a partial answer, in the Alerts panel (Chromium, a
 * real server and store): today's partition file damaged while the server
 * was stopped, the rule's window reads past it, and the rules API marks the
 * evaluation `partial` with its `warnings` (docs/ALERTING.md "Partial
 * answers"). The panel says the evaluation was partial and not acted on,
 * and names the day with its cause in the words a search's notice uses.
 * It said "failing:" and the server's lastError, as for a read that failed.
 */
import assert from 'node:assert/strict';
import { closeSync, openSync, readdirSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { HAVE_CHROMIUM, launchChromium, screenshot } from './browser.js';
import { chownTree, NOBODY } from './file-owner.js';
import { ingest, removeDir, startServer, stopAll, tempDir, waitFor, type ServerHandle } from './harness.js';
import { PAGE_WAIT_MS, recentLines } from './ui-support.js';

interface RulesAnswer {
  data: { groups: { rules: { name: string; health: string; partial?: boolean; warnings?: { code: string; partition: string }[] }[] }[] };
}

describe('search page: a rule evaluated over a partial answer (Chromium)', { skip: !HAVE_CHROMIUM, timeout: 180_000 }, () => {
  let root: string;
  let browser: Browser | undefined;
  let srv: ServerHandle;
  let damaged: string[];

  before(async () => {
    root = await tempDir('logship-ui-alerts-partial-');
    const asRoot = process.getuid?.() === 0;
    const as = asRoot ? { as: { uid: NOBODY, gid: NOBODY } } : {};
    const rules = join(root, 'rules.yaml');
    writeFileSync(rules, `groups:
  - name: checkout
    interval: 1s
    rules:
      - { alert: CheckoutErrors, query: 'level:error', window: 1h, above: 0 }
      - { alert: CheckoutQuiet, query: 'level:error', window: 1h, below: 1 }
`);
    const dataDir = join(root, 'data');
    if (asRoot) chownTree(root, NOBODY);
    const configYaml = `rule_files: ["${rules}"]\nalerting: { evaluation_interval: 1s }\n`;
    const first = await startServer({ dataDir, configYaml, ...as });
    assert.equal((await ingest(first.url, recentLines(3, 1000, (i) => ({ level: 'error', message: `checkout failed ${i}` })))).stored, 3);
    assert.equal(await first.stop('SIGTERM'), 0);
    // Every partition there is (today's; yesterday's too if the events straddle midnight): its header overwritten.
    const folder = join(dataDir, 'blocks');
    damaged = readdirSync(folder).filter((f) => f.endsWith('.db'));
    assert.ok(damaged.length > 0, `no partition in ${folder}`);
    for (const f of damaged) {
      const fd = openSync(join(folder, f), 'r+');
      writeSync(fd, Buffer.alloc(16, 0x5a), 0, 16, 0);
      closeSync(fd);
    }
    srv = await startServer({ dataDir, configYaml, port: first.port, ...as });
    await waitFor(async () => {
      const a = (await (await fetch(`${srv.url}/api/v1/rules`)).json()) as RulesAnswer;
      return a.data.groups[0]?.rules.every((r) => r.partial === true) === true;
    }, { what: 'both rules evaluated over a partial answer', timeoutMs: 30_000 });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await stopAll();
    await removeDir(root);
  });

  test('the rule says its last evaluation was partial, not acted on, and which day it lacked and why', async () => {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: 'UTC' });
    context.setDefaultTimeout(PAGE_WAIT_MS);
    const page = await context.newPage();
    await page.goto(`${srv.url}/`);
    await page.locator('.alerts-button').click();
    const dialog = page.getByRole('dialog', { name: 'Alerts' });
    const rule = dialog.locator('[data-rule="CheckoutErrors"]');
    await rule.waitFor();
    const text = await rule.innerText();
    // A count over part of the window is at most the whole's: what was read may fire it, nothing is resolved.
    assert.match(text, /Partial: its last evaluation read only part of its 1h window, so it resolved nothing: a firing alert stays firing until an evaluation reads the whole window \(what it read can still fire it\)\./);
    // A `below` rule is not acted on at all.
    assert.match(await dialog.locator('[data-rule="CheckoutQuiet"]').innerText(), /Partial: its last evaluation read only part of its 1h window, so it was not acted on: its alerts keep their state until an evaluation reads the whole window\./);
    // Not said as a read that failed.
    assert.doesNotMatch(text, /failing/);
    assert.equal(await rule.getAttribute('data-health'), 'err');
    assert.equal(await rule.getAttribute('data-partial'), 'true');
    const items = rule.locator('.rule-partial li');
    const said = await items.evaluateAll((els) => els.map((e) => [e.getAttribute('data-partition'), e.getAttribute('data-code')]));
    assert.ok(said.length > 0 && said.every(([p, code]) => damaged.includes(p!) && code === 'LS_STORE_CORRUPT_PARTITION'), JSON.stringify(said));
    for (const item of await items.allInnerTexts()) {
      assert.match(item, /^\d{4}-\d{2}-\d{2} \(UTC\), class errors: its file is damaged: restore it from a backup or move it aside \(LS_STORE_CORRUPT_PARTITION\)$/);
    }
    await screenshot(page, 'alerts-partial');
    await context.close();
  });
});
