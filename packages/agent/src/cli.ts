import { parseArgs } from 'node:util';
import { Agent } from './agent.js';
import { loadConfig, type AgentConfig, type SourceConfig } from './config.js';
import { AgentError, agentError } from './errors.js';
import { createLogger } from './log.js';
import { directoryAdvice, directoryIncludes } from './include-directories.js';
import { checkDataDir } from './data-dir-lock.js';

const USAGE = 'logship-agent --config FILE [--check]';

/**
 * `logship-agent --config FILE`: runs until SIGTERM/SIGINT (graceful stop:
 * flush, deliver for up to shutdown_timeout_ms, spool the rest, checkpoint),
 * reloads the config on SIGHUP. `--check` validates the config and exits.
 * Resolves with the exit code.
 */
export async function main(argv: string[]): Promise<number> {
  let values: { config?: string; check?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { config: { type: 'string', short: 'c' }, check: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (err) {
    const e = agentError('LS_AGENT_USAGE', `${USAGE} (${(err as Error).message})`);
    console.error(`${e.code}: ${e.message}`);
    return 2;
  }
  if (values.help) {
    console.log(`Usage: ${USAGE}`);
    return 0;
  }
  if (!values.config) {
    const e = agentError('LS_AGENT_USAGE', USAGE);
    console.error(`${e.code}: ${e.message}`);
    return 2;
  }
  const configPath = values.config;
  let config: AgentConfig;
  try {
    config = loadConfig(configPath);
  } catch (err) {
    if (err instanceof AgentError) {
      console.error(`${err.code}: ${err.message}`);
      return 2;
    }
    throw err;
  }
  if (values.check) {
    try {
      await checkDataDir(config.data_dir);
    } catch (err) {
      if (!(err instanceof AgentError)) throw err;
      console.error(`${err.code}: ${err.message}`);
      return 2;
    }
    console.log(`The config is valid: ${config.sources.length} source(s), server ${config.server.url}.`);
    // What each source reads, presets' defaults included: an operator sees what `type: kubernetes` alone means.
    for (const src of config.sources) {
      console.log(`  ${src.name} (${src.type}): ${sourceReads(src)}`);
      if (src.type !== 'journald') for (const dir of directoryIncludes(src.include)) console.log(`    warning: ${directoryAdvice(dir)}`);
    }
    return 0;
  }
  const log = createLogger(config.log_level);
  // A stop asked for while the agent starts (systemd stopping it at boot) is
  // kept and done once it has started: the default action would kill it
  // with its data_dir lock and checkpoints as they were. One listener per
  // signal for the whole run, never removed: with one for the start and
  // another after it, a SIGTERM that came as the start ended was lost (the
  // signal was read after the first listener went and before the second
  // was added), and the agent ran on until killed (1 stop in 5 in a loop).
  let stopDuringStart: string | null = null;
  let stopper: ((signal: string) => void) | null = null;
  const onSignal = (signal: string) => (): void => {
    if (stopper !== null) stopper(signal);
    else stopDuringStart ??= signal;
  };
  process.on('SIGTERM', onSignal('SIGTERM'));
  process.on('SIGINT', onSignal('SIGINT'));
  let agent: Agent;
  try {
    agent = await Agent.start(config, log);
  } catch (err) {
    if (err instanceof AgentError) {
      console.error(`${err.code}: ${err.message}`);
      return 2;
    }
    throw err;
  }
  log.info('The agent started.', { server: config.server.url, host: config.host, pid: process.pid });

  return new Promise<number>((resolve) => {
    let reloading = Promise.resolve();
    const onHup = (): void => {
      reloading = reloading.then(async () => {
        let next: AgentConfig;
        try {
          next = loadConfig(configPath);
        } catch (err) {
          log.error('The new config is invalid; the running config is kept.', {
            code: (err as AgentError).code, error: (err as Error).message,
          });
          return;
        }
        await agent.reload(next);
      }).catch((err: unknown) => log.error('Reloading the config failed.', { error: String(err) }));
    };
    let stopping = false;
    const onStop = (signal: string): void => {
      // A second signal while stopping ends the agent at once, by the signal's
      // default action, as before (Ctrl-C twice); nothing acknowledged is lost,
      // checkpoints move only with the server's answers.
      if (stopping) {
        process.removeAllListeners(signal);
        process.kill(process.pid, signal);
        return;
      }
      stopping = true;
      log.info('The agent is stopping.', { signal });
      process.off('SIGHUP', onHup);
      void reloading.then(() => agent.stop()).then(
        () => resolve(0),
        (err: unknown) => { log.error('Stopping failed.', { error: String(err) }); resolve(1); },
      );
    };
    process.on('SIGHUP', onHup);
    stopper = onStop;
    if (stopDuringStart !== null) onStop(stopDuringStart);
  });
}

function sourceReads(src: SourceConfig): string {
  if (src.type === 'journald') {
    const units = [...src.units, ...src.user_units, ...src.matches];
    return `${units.length > 0 ? units.join(', ') : 'every unit'}${src.directory !== undefined ? ` in ${src.directory}` : ''}${lineFilters(src)}`;
  }
  return src.include.join(', ') + (src.exclude.length > 0 ? ` (not ${src.exclude.join(', ')})` : '') + lineFilters(src);
}

function lineFilters(src: SourceConfig): string {
  return (src.include_lines.length > 0 ? `; ships only lines matching ${src.include_lines.join(' | ')}` : '')
    + (src.exclude_lines.length > 0 ? `; drops lines matching ${src.exclude_lines.join(' | ')}` : '');
}
