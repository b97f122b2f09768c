/**
 * What the query commands hand node's parseArgs: their arguments with a
 * string flag joined to a value that starts with a dash and a digit. `--from -1h`
 * (the relative time of journalctl's `--since -1h` and of other CLIs) was
 * node's "Option '--from' argument is ambiguous", the whole usage after it;
 * it is `--from=-1h`, which the server reads as an hour before now
 * (time-param.ts), as `now-1h`. A dash then a letter stays a flag, so a
 * flag given without its value (`--from --json`) is still said as such.
 */
type Options = Record<string, { readonly type: 'string' | 'boolean'; readonly short?: string; readonly default?: string | boolean }>;

/** A negative number or a time before now: `-1h`, `-15m`, `-1d/d`, `-5`. */
const DASH_VALUE = /^-\d/;

/** `--from -1h` → `--from=-1h` for the string flags of `options`; nothing after `--` is touched. */
export function joinDashValues(argv: readonly string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const next = argv[i + 1];
    const name = arg.startsWith('--') && !arg.includes('=') ? arg.slice(2) : undefined;
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && DASH_VALUE.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}
