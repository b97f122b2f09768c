import { ConfigMistakes } from '../errors/config-mistakes.js';
import { loadServerConfig } from '../config/load-server-config.js';
import { loadRuleFiles } from '../rules/load-rule-files.js';
import { firesOnPart, partialError } from '../rules/rule-left-out.js';
import { testRules } from '../rules/test-rules.js';
import { formatValue } from '../rules/render-template.js';
import { openStore } from '../store/open-store.js';
import { errors } from '../server/errors.js';
import type { CliIo } from './cli-io.js';
import { parseCommandFlags } from './parse-command-flags.js';
import { requireLocalStore } from './require-local-store.js';
import { RULES_USAGE } from './command-usage.js';
export { RULES_USAGE };


/**
 * `rules check` reads rule files as the server would (like `promtool check
 * rules`): exit 0 when every file loads, 1 with every mistake found otherwise.
 * `rules test` also evaluates every rule now against the configured store
 * and prints what would fire, with values; it changes no alert state. An
 * evaluation over part of its window is marked as the server marks it
 * (docs/ALERTING.md "Partial answers"): what was left out, and that it
 * would keep its alerts' state (an `above` count, rate or max may still
 * fire, nothing resolves); the exit status is then 1, as for an error.
 */
export async function rulesCommand(argv: string[], io: CliIo, now: () => number = Date.now): Promise<number> {
  const flags = parseCommandFlags(argv, ['config', 'data', 'store', 'esUrl', 'json']);
  const [action, ...files] = flags.positionals;
  if (flags.help) {
    io.stdout.write(`usage: ${RULES_USAGE}\n`);
    return 0;
  }
  if ((action !== 'check' && action !== 'test') || files.length === 0) throw errors.cliUsage(`usage: ${RULES_USAGE}`);
  const config = loadServerConfig(flags);
  const loadOpts = { defaultInterval_ms: config.alerting.evaluation_interval_ms, savedQueries: config.saved_queries };

  if (action === 'check') {
    let failed = 0;
    for (const file of files) {
      io.stdout.write(`Checking ${file}\n`);
      try {
        const { groups } = loadRuleFiles([file], loadOpts);
        const rules = groups.reduce((n, g) => n + g.rules.length, 0);
        io.stdout.write(`  SUCCESS: ${rules} rules found\n`);
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        if (typeof code !== 'string') throw err;
        failed++;
        io.stdout.write('  FAILED:\n');
        // Every mistake of the file, as promtool lists them; each one's code
        // on its first line, so a caret line below stays under its query.
        for (const m of err instanceof ConfigMistakes ? [err.first, ...err.more] : [err as Error & { code: string }]) {
          const [first, ...rest] = m.message.split('\n');
          io.stdout.write(`${indent([`${first} (${m.code})`, ...rest].join('\n'))}\n`);
        }
      }
    }
    return failed > 0 ? 1 : 0;
  }

  const { groups } = loadRuleFiles(files, loadOpts);
  // Opening a folder with no store made an empty one (./logship-data when
  // run without --config), and every rule then read "no value": never fires.
  if (config.store.type === 'sqlite') {
    requireLocalStore(config.data, "; rules test evaluates the rules against the server's store: give its data folder (--data DIR) or its config (--config FILE)");
  }
  const store = await openStore(config, { threads: false });
  try {
    const at = now();
    const results = await testRules(groups, store, config.alerting, at);
    if (flags.json) {
      io.stdout.write(
        `${JSON.stringify({
          time: new Date(at).toISOString(),
          rules: results.map((r) => ({
            group: r.group,
            alert: r.rule.name,
            error: r.error,
            partial: r.warnings.length > 0,
            ...(r.warnings.length > 0 ? { warnings: r.warnings } : {}),
            series: r.series,
          })),
        })}\n`,
      );
      return results.some((r) => r.error || r.warnings.length > 0) ? 1 : 0;
    }
    for (const r of results) {
      const cond = r.rule.above !== null ? `> ${r.rule.above}` : `< ${r.rule.below}`;
      // A ratio's value is a share, not a count: the line names its denominator.
      const ratio = r.rule.ratioTo ? ` / count of '${r.rule.ratioTo.query}'` : '';
      io.stdout.write(`${r.group}/${r.rule.name}: ${r.rule.aggregateText} of '${r.rule.query}'${ratio} over ${r.rule.window_ms / 1000}s ${cond}\n`);
      if (r.error) {
        io.stdout.write(`  ERROR: ${r.error}\n`);
        continue;
      }
      const partial = r.warnings.length > 0;
      const firesOnly = partial && firesOnPart(r.rule);
      if (partial) io.stdout.write(`  PARTIAL: ${partialError(r.warnings, firesOnly)}\n`);
      if (r.series.length === 0) io.stdout.write(`  no value (no matching events in ${partial ? 'what was read of ' : ''}the window)\n`);
      for (const s of r.series) {
        const labels = Object.entries(s.labels).map(([k, v]) => `${k}="${v}"`).join(', ');
        const fire = r.rule.for_ms > 0 ? `WOULD FIRE (after ${r.rule.for_ms / 1000}s pending)` : 'WOULD FIRE';
        // Over part of the window only an above count, rate or max acts, and only to fire.
        const verdict = partial && !firesOnly
          ? 'not acted on (partial: its alerts would keep their state)'
          : s.active ? fire : partial ? 'not above in what was read (resolves nothing: partial)' : 'ok';
        io.stdout.write(`  ${labels ? `{${labels}} ` : ''}value ${formatValue(s.value)}: ${verdict}\n`);
      }
    }
    return results.some((r) => r.error || r.warnings.length > 0) ? 1 : 0;
  } finally {
    await store.close();
  }
}

function indent(text: string): string {
  return text.split('\n').map((l) => `    ${l}`).join('\n');
}
