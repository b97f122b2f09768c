/**
 * Real headless Chromium for the search page tests: Debian's `chromium`
 * driven by playwright-core (Playwright's own browser download cannot reach
 * its host here). One browser per test file; pages are reused.
 *
 * Without /usr/bin/chromium the tests skip with a warning, except under
 * CI=true (scripts/test-deps.sh installs it there).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot } from './harness.js';

export const CHROMIUM = process.env.LOGSHIP_TEST_CHROMIUM ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) {
  if (process.env.CI === 'true') throw new Error(`CI=true but ${CHROMIUM} is missing (scripts/test-deps.sh installs chromium)`);
  console.warn(`WARNING: ${CHROMIUM} not found: the search page tests are SKIPPED`);
}

/** Where the tests write their screenshots (git-ignored); docs/screenshot.png is copied from here. */
export const SCREENSHOT_DIR = join(repoRoot, 'test', 'screenshots');

export async function launchChromium(): Promise<Browser> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    // Without the background-networking flags Chromium keeps calling home,
    // which on a closed network only costs time.
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}

/** Page errors and failed requests are collected so a test can show them when it fails. */
export function watchPage(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  return problems;
}
