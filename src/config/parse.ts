/**
 * Reading configuration exactly like redis-server 7.0.15: the command
 * line (`[configfile|-] [--directive value ...]`), config files with
 * `include`, and the line-by-line directive loop with its fatal errors.
 *
 * The loop works on binary strings (one char per byte): files are read as
 * latin1 and command-line arguments are converted to their UTF-8 bytes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { splitArgs } from '../util/splitargs';
import { globMatch } from '../util/glob';
import { REDIS_VERSION } from '../version';
import { catRepr, fromBinary, fsPath, strerror, toBinary } from './cstr';
import { DEPRECATED_DIRECTIVES, lookupParam, type ParamDef } from './table';

/**
 * A configuration problem that makes the server exit (status 1), with the
 * exact text redis-server prints.
 *
 * `output` is a binary string (one char per byte): write it with
 * `process[err.stream].write(Buffer.from(err.output, 'latin1'))`.
 */
export class ConfigError extends Error {
  /** What redis-server writes, byte for byte (binary string). */
  readonly output: string;
  /** Where redis-server writes it. */
  readonly stream: 'stderr' | 'stdout';
  /** The bare reason ("Bad directive or wrong number of arguments"). */
  readonly reason: string;
  /** 1-based line number in the text being loaded, when there is one. */
  readonly line?: number;
  readonly exitCode = 1;

  constructor(output: string, stream: 'stderr' | 'stdout', reason: string, line?: number) {
    super(fromBinary(output).trim());
    this.name = 'ConfigError';
    this.output = output;
    this.stream = stream;
    this.reason = reason;
    this.line = line;
  }
}

/** The "*** FATAL CONFIG FILE ERROR ***" text of loadServerConfigFromString(). */
export function fatalConfigText(reason: string, where?: { line: number; text: string }): string {
  let out = `\n*** FATAL CONFIG FILE ERROR (Redis ${REDIS_VERSION}) ***\n`;
  if (where) {
    out += `Reading the configuration file, at line ${where.line}\n`;
    out += `>>> '${where.text}'\n`;
  }
  return out + reason + '\n';
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A serverLog() line as printed before logging is set up ("pid:C date # msg"). */
export function startupLogLine(msg: string, now = new Date()): string {
  const p2 = (n: number) => String(n).padStart(2, '0');
  const date =
    `${p2(now.getDate())} ${MONTHS[now.getMonth()]} ${now.getFullYear()} ` +
    `${p2(now.getHours())}:${p2(now.getMinutes())}:${p2(now.getSeconds())}.` +
    String(now.getMilliseconds()).padStart(3, '0');
  return `${process.pid}:C ${date} # ${msg}\n`;
}

function fatalLog(msg: string): ConfigError {
  return new ConfigError(startupLogLine(msg), 'stdout', msg);
}

// ------------------------------------------------------------ command line

export interface CommandLine {
  /** The config file argument, made absolute (null when none). */
  configFile: string | null;
  /** `-` given: the configuration is also read from standard input. */
  stdin: boolean;
  /** The `--directive value` options turned into config text (binary string). */
  options: string;
  /** Whether redis-server would load any configuration (it does not with no argument). */
  load: boolean;
}

/**
 * main()'s argument handling: `args` are the arguments after the program
 * name. A first argument not starting with '-' is the config file; `-`
 * (first or last) reads stdin; every `--name` starts a new directive line
 * whose arguments are the following words (quoted with sdscatrepr), up to
 * the next `--word` once at least one argument was given.
 */
export function parseCommandLine(args: readonly string[], cwd = process.cwd()): CommandLine {
  const argv = args.map(toBinary);
  const res: CommandLine = { configFile: null, stdin: false, options: '', load: argv.length > 0 };
  let j = 0;
  if (argv.length > 0 && argv[0][0] !== '-') {
    res.configFile = getAbsolutePath(argv[0], cwd);
    j = 1;
  }
  let options = '';
  let handledLastConfigArg = true;
  const last = argv.length - 1;
  for (; j < argv.length; j++) {
    const a = argv[j];
    if (a === '-' && (j === 0 || j === last)) {
      res.stdin = true;
    } else if (handledLastConfigArg && a.startsWith('--')) {
      if (options.length) options += '\n';
      options += a.slice(2) + ' ';
      const split = splitArgs(a);
      if (split !== null && split.length === 1) {
        handledLastConfigArg = false;
        const nextIsOption = j !== last && argv[j + 1].startsWith('--');
        const lower = a.toLowerCase();
        if (nextIsOption && lower === '--save') {
          options += '""';
          handledLastConfigArg = true;
        } else if (j === last && lower === '--save') {
          options += '""';
        } else if (nextIsOption && lower === '--sentinel') {
          handledLastConfigArg = true;
        }
      } else {
        handledLastConfigArg = true;
      }
    } else {
      options += catRepr(a) + ' ';
      handledLastConfigArg = true;
    }
  }
  res.options = options;
  return res;
}

/** getAbsolutePath(): makes a path absolute against the working directory. */
function getAbsolutePath(p: string, cwd: string): string {
  const trimmed = p.replace(/^[ \r\n\t]+|[ \r\n\t]+$/g, '');
  if (trimmed.startsWith('/')) return trimmed;
  return path.resolve(toBinary(cwd), trimmed);
}

// ------------------------------------------------------------ loading

/** What the directive loop applies its results to. */
export interface LoadTarget {
  /** Sets a parameter from a config line; returns an error reason or null. */
  setFromConfig(def: ParamDef, args: string[], line: number): string | null;
  /** Directory relative include paths are resolved against (the current `dir`). */
  cwd(): string;
  /** Reads the whole standard input (binary string). */
  readStdin(): string;
  /** `rename-command from to`; returns an error reason or null. */
  renameCommand(from: string, to: string): string | null;
  /** `user ...`, `loadmodule ...`, `name.with.dot value` (module config). */
  otherDirective(kind: 'user' | 'loadmodule' | 'module-config' | 'sentinel', args: string[]): void;
  /** Checks run at the end of each loaded text (log file, cluster + replicaof). */
  endOfText(): string | null;
}

/** Reads a file the way fopen()+fgets() do (a directory reads as empty). */
function readConfigFile(file: string): string | { error: unknown } {
  try {
    return fs.readFileSync(fsPath(file), 'latin1');
  } catch (e) {
    if ((e as { code?: string }).code === 'EISDIR') return '';
    return { error: e };
  }
}

/**
 * loadServerConfig(): the file (if any), then stdin (if asked), then
 * "\n" + options (if options is not null), as one text.
 */
export function loadServerConfig(
  target: LoadTarget,
  filename: string | null,
  fromStdin: boolean,
  options: string | null,
): void {
  let text = '';
  if (filename !== null) {
    if (/[*?[]/.test(filename)) {
      const cwd = target.cwd();
      for (const f of expandGlob(filename, cwd)) {
        const c = readConfigFile(resolveFrom(cwd, f));
        if (typeof c !== 'string') {
          throw fatalLog(`Fatal error, can't open config file '${f}': ${strerror(c.error)}`);
        }
        text += c;
      }
    } else {
      const c = readConfigFile(resolveFrom(target.cwd(), filename));
      if (typeof c !== 'string') {
        throw fatalLog(`Fatal error, can't open config file '${filename}': ${strerror(c.error)}`);
      }
      text += c;
    }
  }
  if (fromStdin) text += target.readStdin();
  if (options !== null) text += '\n' + options;
  loadServerConfigFromString(target, text);
}

/** loadServerConfigFromString(): the directive loop. Throws ConfigError. */
export function loadServerConfigFromString(target: LoadTarget, config: string): void {
  const lines = config.split('\n');
  let i = 0;
  const die = (reason: string): never => {
    const where = i < lines.length ? { line: i + 1, text: lines[i] } : undefined;
    throw new ConfigError(fatalConfigText(reason, where), 'stderr', reason, where?.line);
  };
  for (i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    lines[i] = line;
    if (line.length === 0 || line[0] === '#') continue;
    // C strings stop at the first NUL byte.
    const argv = splitArgs(line);
    if (argv === null) die('Unbalanced quotes in configuration line');
    const args = argv as string[];
    if (args.length === 0) continue;
    const name = args[0].toLowerCase();

    const def = lookupParam(name);
    if (def) {
      if (!def.multiArg && args.length !== 2) die('wrong number of arguments');
      // A multi-argument parameter given one non-empty argument has it
      // split again (`--save "900 1 300 10"`); unbalanced quotes give none.
      const values = def.multiArg && args.length === 2 && args[1] !== '' ? splitArgs(args[1]) ?? [] : args.slice(1);
      const err = target.setFromConfig(def, values, i + 1);
      if (err !== null) die(err);
      continue;
    }
    if (DEPRECATED_DIRECTIVES.some((d) => d.name === name && d.argc === args.length)) continue;

    if (name === 'include' && args.length === 2) {
      loadServerConfig(target, args[1], false, null);
    } else if (name === 'rename-command' && args.length === 3) {
      const err = target.renameCommand(args[1], args[2]);
      if (err !== null) die(err);
    } else if (name === 'user' && args.length >= 2) {
      target.otherDirective('user', args.slice(1));
    } else if (name === 'loadmodule' && args.length >= 2) {
      target.otherDirective('loadmodule', args.slice(1));
    } else if (name.includes('.')) {
      if (args.length !== 2) die('Module config specified without value');
      target.otherDirective('module-config', args);
    } else if (name === 'sentinel') {
      if (args.length !== 1) die('sentinel directive while not in sentinel mode');
    } else {
      die('Bad directive or wrong number of arguments');
    }
  }
  const err = target.endOfText();
  if (err !== null) die(err);
}

// ------------------------------------------------------------ glob include

/**
 * glob(3) for `include` patterns: the matching paths, spelled like the
 * pattern (relative stays relative), sorted per directory; hidden files
 * need an explicit leading dot.
 */
function expandGlob(pattern: string, cwd: string): string[] {
  const abs = pattern.startsWith('/');
  const parts = pattern.split('/').filter((p, idx) => p.length > 0 || idx === 0);
  let bases: string[] = [abs ? '/' : ''];
  for (let k = abs ? 1 : 0; k < parts.length; k++) {
    const part = parts[k];
    if (part === '') continue;
    const isLast = k === parts.length - 1;
    const next: string[] = [];
    for (const base of bases) {
      if (!/[*?[]/.test(part)) {
        const candidate = base + part;
        if (fs.existsSync(fsPath(resolveFrom(cwd, candidate)))) next.push(isLast ? candidate : candidate + '/');
        continue;
      }
      let entries: string[];
      try {
        entries = fs.readdirSync(fsPath(resolveFrom(cwd, base === '' ? '.' : base)), { encoding: 'latin1' });
      } catch {
        continue;
      }
      entries.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      for (const e of entries) {
        if (e.startsWith('.') && !part.startsWith('.')) continue;
        if (!globMatch(part, e)) continue;
        const candidate = base + e;
        if (!isLast) {
          try {
            if (!fs.statSync(fsPath(resolveFrom(cwd, candidate))).isDirectory()) continue;
          } catch {
            continue;
          }
          next.push(candidate + '/');
        } else {
          next.push(candidate);
        }
      }
    }
    bases = next;
  }
  return bases;
}

function resolveFrom(cwd: string, p: string): string {
  return path.isAbsolute(p) ? p : path.join(cwd, p);
}
