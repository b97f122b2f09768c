import { parseArgs } from 'node:util';
import { Agent } from './agent.js';
import { loadConfig, placeInFile, type AgentConfig, type FileSourceConfig, type SourceConfig } from './config.js';
import { AgentError, agentError } from './errors.js';
import { createLogger } from './log.js';
import { canListNow, directoryAdvice, directoryIncludes } from './include-directories.js';
import { globBase, globDepth, PathMatcher, walkFiles } from './glob.js';
import { isPodLogPath } from './kubernetes-pod-log.js';
import { accessAdvice } from './read-failures.js';
import { didYouMean } from './did-you-mean.js';
import { AGENT_VERSION } from './version.js';
import { checkDataDir } from './data-dir-lock.js';
import { exitWhenReaderCloses } from './closed-pipe.js';

const USAGE = 'logship-agent --config FILE [--check] [--version]';
const OPTIONS = ['--config', '--check', '--help', '--version'];

/**
 * What the peers call our options, by name without dashes: Promtail's
 * `-config.file` and `-check-syntax` / `-dry-run`, Filebeat's `test config`,
 * Vector's `validate`. Promtail's `-config.file=…` was even taken for `-c`
 * with the value `onfig.file=…`, and the agent said it could not read a
 * file of that name.
 */
const PEER_OPTIONS: Readonly<Record<string, string>> = {
  'config.file': 'write --config FILE', 'config-file': 'write --config FILE', config_file: 'write --config FILE',
  'config.expand-env': 'not needed: ${VAR} in the config is always replaced',
  'check-syntax': 'write --check', 'check-config': 'write --check', 'dry-run': 'write --check', validate: 'write --check', test: 'write --check',
};

/** What to write instead of the argument parseArgs refused (its message names it), or of a peer's option. */
function usageHint(arg: string): string {
  const name = arg.replace(/^--?/, '').split('=')[0]!;
  const peer = PEER_OPTIONS[name];
  if (peer !== undefined) return `; ${peer}`;
  if (!arg.startsWith('-')) return '';
  const near = didYouMean(`--${name}`, OPTIONS);
  return near !== undefined ? `; did you mean ${near}?` : '';
}

function usageError(detail: string): number {
  const e = agentError('LS_AGENT_USAGE', `${USAGE} (${detail})`);
  console.error(`${e.code}: ${e.message}`);
  return 2;
}

/**
 * `logship-agent --config FILE`: runs until SIGTERM/SIGINT (graceful stop:
 * flush, deliver for up to shutdown_timeout_ms, spool the rest, checkpoint),
 * reloads the config on SIGHUP. `--check` validates the config and exits.
 * Resolves with the exit code.
 */
export async function main(argv: string[]): Promise<number> {
  let values: { config?: string; check?: boolean; help?: boolean; version?: boolean };
  const peer = argv.find((a) => a.startsWith('-') && PEER_OPTIONS[a.replace(/^--?/, '').split('=')[0]!] !== undefined);
  if (peer !== undefined) return usageError(`Unknown option '${peer.split('=')[0]}'${usageHint(peer)}`);
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        config: { type: 'string', short: 'c' }, check: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, version: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (err) {
    const message = (err as Error).message;
    const arg = /(?:option|argument) '([^']+)'/.exec(message)?.[1];
    return usageError(message + (arg !== undefined ? usageHint(arg) : ''));
  }
  // The agent itself logs to stderr; only these print to stdout, often into a pager or `head`.
  if (values.help || values.version || values.check) exitWhenReaderCloses();
  if (values.help) {
    console.log(`Usage: ${USAGE}`);
    return 0;
  }
  if (values.version) {
    console.log(`logship-agent ${AGENT_VERSION}`);
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
    const place = placeInFile(configPath);
    for (const [i, src] of config.sources.entries()) {
      // How many files match now: a typo in a path (/var/log/ngnix/*.log) read nothing, and only the start's `files: 0` said so.
      const now = src.type === 'journald' ? null : await matchingNow(src);
      const count = now === null ? '' : now.partial ? ` — ${now.total} or more files now` : now.total === 0 ? ' — no file matches now' : ` — ${now.total} file${now.total === 1 ? '' : 's'} now`;
      console.log(`  ${src.name} (${src.type}): ${sourceReads(src)}${count}`);
      if (src.type === 'journald') {
        // As for an include's folder that is not there (no file matches now), a warning, not a refusal: it may
        // be made later (a journal-remote collector's first file). The source waits for it (journal-directory.ts).
        const state = src.directory === undefined ? true : canListNow(src.directory);
        const at = `sources[${i}].directory${place(['sources', i, 'directory'])}`;
        if (state === false) console.log(`    warning: ${at}: ${src.directory} is no directory now; the source waits for it (/health lists it as waiting) and reads its journal once it is`);
        else if (state !== true) console.log(`    warning: ${at}: ${src.directory} cannot be listed by this user (${state.message})`);
        continue;
      }
      if (now !== null && now.total > 0) for (const glob of now.none) console.log(`    note: ${glob} matches no file now`);
      for (const dir of directoryIncludes(src.include)) console.log(`    warning: ${directoryAdvice(dir)}`);
      // Run as the agent's user (the unit's ExecStartPre): a directory closed to it would be read by no one.
      for (const dir of new Set(src.include.map(globBase))) {
        const state = canListNow(dir);
        if (state !== true && state !== false) console.log(`    warning: ${dir} cannot be listed by this user (${state.message})${accessAdvice()}`);
      }
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
  // SIGHUP too, from the start to the exit: Node ends a process on a signal it
  // does not listen to, so a reload asked for while the agent started (a
  // config deployed and reloaded right after `systemctl start`) or stopped
  // killed it without its graceful stop. One while starting reloads once
  // started; one while stopping is ignored.
  let reloadDuringStart = false;
  let reloader: (() => void) | null = null;
  process.on('SIGHUP', () => {
    if (reloader !== null) reloader();
    else reloadDuringStart = true;
  });
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
  log.info('The agent started.', { version: AGENT_VERSION, server: config.server.url, host: config.host, pid: process.pid });

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
      void reloading.then(() => agent.stop()).then(
        () => resolve(0),
        (err: unknown) => { log.error('Stopping failed.', { error: String(err) }); resolve(1); },
      );
    };
    reloader = (): void => {
      if (stopping) log.info('The agent is stopping; the config is not reloaded.');
      else onHup();
    };
    stopper = onStop;
    if (stopDuringStart !== null) onStop(stopDuringStart);
    else if (reloadDuringStart) onHup();
  });
}

/**
 * How many files a source's includes match now, and which includes match
 * none (none at all may be a host without the kubelet's or docker's
 * directory yet; one of several, a typo such as /var/log/ngnix/*.log).
 */
async function matchingNow(src: FileSourceConfig): Promise<{ total: number; none: string[]; partial?: true }> {
  const files = new Set<string>();
  const none: string[] = [];
  let visited = 0;
  for (const glob of src.include) {
    const matcher = new PathMatcher([glob], src.exclude, src.type === 'kubernetes' ? isPodLogPath : undefined);
    let n = 0;
    // A `**` under a large tree is not walked to its end: the count is a hint, not an inventory.
    const full = await walkFiles(globBase(glob), globDepth(glob), (p) => {
      if (++visited > WALK_LIMIT) throw WALK_LIMIT;
      if (!matcher.matches(p)) return;
      n++;
      files.add(p);
    }).then(() => true, (err: unknown) => { if (err === WALK_LIMIT) return false; throw err; });
    if (!full) return { total: files.size, none: [], partial: true };
    if (n === 0) none.push(glob);
  }
  return { total: files.size, none };
}

const WALK_LIMIT = 20_000;

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
