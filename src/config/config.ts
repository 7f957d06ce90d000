/**
 * The live server configuration: loading (command line, files, object),
 * typed fast reads, CONFIG GET / CONFIG SET / CONFIG REWRITE semantics of
 * Redis 7.0.15, and change listeners.
 *
 * Reading values on hot paths: `cfg.values.hz`, `cfg.values['maxmemory-policy']`
 * (a plain object, updated in place on every successful change; arrays and
 * objects inside it are replaced, never mutated, so do not cache them), or
 * the typed helpers `cfg.num('hz')`, `cfg.bool('protected-mode')`,
 * `cfg.str('dir')`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { globMatch } from '../util/glob';
import { catRepr, fsPath, strerror, toBinary } from './cstr';
import {
  ConfigError,
  loadServerConfig,
  loadServerConfigFromString,
  parseCommandLine,
  type LoadTarget,
} from './parse';
import { overwriteConfigFile, readOldConfig, rewriteParam, RewriteState, type RewriteSink } from './rewrite';
import {
  lookupParam,
  PARAMS,
  type BoolParam,
  type ConfigValues,
  type NumParam,
  type ParamDef,
  type ParamName,
  type StrParam,
} from './table';
import {
  cloneRaw,
  defaultRaw,
  fastValue,
  formatParam,
  isDefaultRaw,
  setParam,
  type RawValue,
  type SetContext,
} from './values';

export { ConfigError };

export interface ConfigOptions {
  /** Initial working directory: default `dir`, base of relative paths (default process.cwd()). */
  cwd?: string;
  /** Supplies standard input for `tredis-server -` (binary string; default: read fd 0). */
  readStdin?: () => string;
  /** Whether a command exists, for `rename-command` validation (default: every command exists). */
  commandExists?: (name: string) => boolean;
}

/**
 * Called after a CONFIG SET changed one or more of the parameters the
 * listener subscribed to (once per CONFIG SET, whatever the number of
 * them). Read the new values from `config`. Return an error message (or
 * throw) to make the CONFIG SET fail: every value of that CONFIG SET is
 * then restored and every listener it triggered is called again.
 */
export type ChangeListener = (changed: readonly ParamName[], config: Config) => string | void;

export interface SetOptions {
  /** The dataset is loading: parameters flagged denyLoading are refused with -LOADING. */
  loading?: boolean;
  /** The client is local (for enable-protected-configs local). */
  localClient?: boolean;
}

/** What Config.set returns for a -LOADING refusal. */
export const LOADING_ERROR = 'LOADING Redis is loading the dataset in memory';

type DirectiveValue = string | number | boolean | string[] | undefined;

interface Listener {
  names: Set<string> | null;
  fn: ChangeListener;
}

export class Config {
  /** Current values, by primary parameter name. Cheap to read; do not write. */
  readonly values: ConfigValues;
  /** Absolute path of the config file (binary string), or null when none. */
  configFile: string | null = null;
  /** `rename-command` directives seen (tredis does not apply them). */
  readonly renamedCommands: [string, string][] = [];
  /** `user` directives seen (arguments after `user`). */
  readonly users: string[][] = [];
  /** `loadmodule` directives seen (path and arguments). */
  readonly modules: string[][] = [];
  /**
   * Module configs (`name.with.dot value`). Redis aborts at startup when
   * any is left unclaimed by a module ("Module Configuration detected
   * without loadmodule directive or no ApplyConfig call: aborting").
   */
  readonly moduleConfigs: [string, string][] = [];
  /** Warnings (e.g. a failed CONFIG SET apply); assign to route them to the log. */
  warn: (msg: string) => void = () => {};

  private readonly raw = new Map<string, RawValue>();
  private readonly opts: ConfigOptions;
  private readonly initialCwd: string;
  private readonly listeners: Listener[] = [];
  private readonly rewriteHooks: ((sink: RewriteSink) => void)[] = [];
  private readonly seen = new Set<string>();
  private readonly otherSeen = new Set<string>();
  private readonly removedCommands = new Set<string>();
  private readonly addedCommands = new Set<string>();
  private loadState = { saveLoaded: false };

  /** A configuration with every parameter at its default. */
  constructor(opts: ConfigOptions = {}) {
    this.opts = opts;
    this.initialCwd = toBinary(opts.cwd ?? process.cwd());
    const values: Record<string, unknown> = {};
    for (const def of PARAMS as readonly ParamDef[]) {
      const r = defaultRaw(def, this.initialCwd);
      this.raw.set(def.name, r);
      values[def.name] = fastValue(def, r);
    }
    this.values = values as ConfigValues;
    this.installBuiltinAppliers();
  }

  /**
   * The apply steps of Redis's own that only depend on the configuration
   * (run after a CONFIG SET like any listener).
   */
  private installBuiltinAppliers(): void {
    // applyWatchdogPeriod(): at least two timer periods.
    this.onChange('watchdog-period', () => {
      this.clampWatchdog();
    });
    // resizeReplicationBacklog(): CONFIG_REPL_BACKLOG_MIN_SIZE.
    this.onChange('repl-backlog-size', () => {
      const def = lookupParam('repl-backlog-size')!;
      if ((this.raw.get(def.name) as bigint) < 16384n) this.store(def, 16384n);
    });
    // tredis has no TLS: enabling it fails like Redis without usable certificates.
    this.onChange(['tls-port', 'tls-replication', 'tls-cluster'], () => {
      if (this.values['tls-port'] !== 0 || this.values['tls-replication'] || this.values['tls-cluster']) {
        return 'Unable to update TLS configuration. Check server logs.';
      }
    });
  }

  private clampWatchdog(): void {
    const def = lookupParam('watchdog-period')!;
    const period = this.raw.get(def.name) as bigint;
    const min = BigInt(Math.trunc(1000 / this.values.hz) * 2);
    if (period !== 0n && period < min) this.store(def, min);
  }

  // ------------------------------------------------------------ loading

  /**
   * Loads the configuration like redis-server's main(): `args` are the
   * arguments after the program name (`[configfile|-] [--name value ...]`).
   * Throws ConfigError with the exact fatal text on any problem.
   */
  static load(args: readonly string[], opts: ConfigOptions = {}): Config {
    const cfg = new Config(opts);
    const cl = parseCommandLine(args, cfg.initialCwd);
    cfg.configFile = cl.configFile;
    if (cl.load) loadServerConfig(cfg.target(), cl.configFile, cl.stdin, cl.options);
    cfg.finishLoad();
    return cfg;
  }

  /**
   * Programmatic configuration: `{port: 0, save: '', appendonly: 'no'}`.
   * Booleans become yes/no, numbers decimal; a string for a multi-argument
   * parameter is split on spaces like CONFIG SET does (`save: '900 1'`),
   * an array gives the arguments one by one. Entries are applied in order
   * as config-file lines; throws ConfigError like a bad config file.
   */
  static fromObject(directives: Record<string, DirectiveValue>, opts: ConfigOptions = {}): Config {
    const cfg = new Config(opts);
    const lines: string[] = [];
    for (const [key, v] of Object.entries(directives)) {
      if (v === undefined) continue;
      const name = toBinary(key);
      let args: string[];
      if (Array.isArray(v)) args = v.map((x) => toBinary(String(x)));
      else if (typeof v === 'boolean') args = [v ? 'yes' : 'no'];
      else if (typeof v === 'number') args = [String(v)];
      else {
        const s = toBinary(v);
        const def = lookupParam(name);
        args = def?.multiArg && s !== '' ? s.split(' ') : [s];
      }
      lines.push(`${name} ${args.map(catRepr).join(' ')}`);
    }
    if (lines.length) loadServerConfigFromString(cfg.target(), lines.join('\n'));
    cfg.finishLoad();
    return cfg;
  }

  private finishLoad(): void {
    this.loadState = { saveLoaded: false };
    this.clampWatchdog();
  }

  private target(): LoadTarget {
    return {
      setFromConfig: (def, args) => {
        const res = setParam(def, args, this.ctx(def, true));
        if (!res.ok) return res.err;
        this.store(def, res.raw);
        this.seen.add(def.name);
        return null;
      },
      cwd: () => this.raw.get('dir') as string,
      readStdin: () => (this.opts.readStdin ? this.opts.readStdin() : fs.readFileSync(0, 'latin1')),
      renameCommand: (from, to) => {
        const exists = (n: string) => {
          const l = n.toLowerCase();
          if (this.removedCommands.has(l)) return false;
          if (this.addedCommands.has(l)) return true;
          return this.opts.commandExists ? this.opts.commandExists(l) : true;
        };
        if (!exists(from)) return 'No such command in rename-command';
        this.removedCommands.add(from.toLowerCase());
        if (to.length !== 0) {
          if (exists(to) && to.toLowerCase() !== from.toLowerCase()) return 'Target command name already exists';
          this.addedCommands.add(to.toLowerCase());
        }
        this.renamedCommands.push([from, to]);
        this.otherSeen.add('rename-command');
        return null;
      },
      otherDirective: (kind, args) => {
        if (kind === 'user') {
          this.users.push(args);
          this.otherSeen.add('user');
        } else if (kind === 'loadmodule') {
          this.modules.push(args);
          this.otherSeen.add('loadmodule');
        } else if (kind === 'module-config') {
          this.moduleConfigs.push([args[0], args[1]]);
          this.otherSeen.add(args[0]);
        }
      },
      endOfText: () => {
        const logfile = this.raw.get('logfile') as string;
        if (logfile !== '') {
          try {
            fs.closeSync(fs.openSync(fsPath(this.resolvePath(logfile)), 'a'));
          } catch (e) {
            return `Can't open the log file: ${strerror(e)}`;
          }
        }
        if (this.raw.get('cluster-enabled') === true && this.raw.get('replicaof') !== null) {
          return 'replicaof directive not allowed in cluster mode';
        }
        return null;
      },
    };
  }

  private ctx(def: ParamDef, loading: boolean): SetContext {
    return {
      current: this.raw.get(def.name)!,
      loading,
      loadState: this.loadState,
      cwd: this.raw.get('dir') as string,
      peek: (n) => this.raw.get(n) ?? null,
    };
  }

  private store(def: ParamDef, raw: RawValue): void {
    this.raw.set(def.name, raw);
    (this.values as Record<string, unknown>)[def.name] = fastValue(def, raw);
  }

  // ------------------------------------------------------------ reads

  /** A numeric parameter (percent values of maxmemory-clients are negative). */
  num(name: NumParam): number {
    return this.values[name];
  }

  /** A yes/no parameter. */
  bool(name: BoolParam): boolean {
    return this.values[name];
  }

  /** A string or enum parameter, or `dir` ('' for unset strings). */
  str(name: StrParam): string {
    return this.values[name];
  }

  /** Any parameter's value, typed. */
  value<N extends ParamName>(name: N): ConfigValues[N] {
    return this.values[name];
  }

  /** CONFIG GET text of one parameter (name or alias, any case), or null if unknown. */
  getText(name: string): string | null {
    const def = lookupParam(name);
    return def ? formatParam(def, this.raw.get(def.name)!) : null;
  }

  /** A path relative to `dir` made absolute (Redis chdir()s to `dir`; tredis does not). */
  resolvePath(p: string): string {
    return path.resolve(this.raw.get('dir') as string, p);
  }

  /** Whether the parameter's value must be redacted (requirepass, masterauth, ...). */
  static isSensitive(name: string): boolean {
    return lookupParam(name)?.sensitive === true;
  }

  /** The table entry of a parameter (name or alias, any case). */
  static definition(name: string): ParamDef | undefined {
    return lookupParam(name);
  }

  /**
   * CONFIG GET: names without glob characters are looked up exactly (and
   * returned spelled as asked; hidden parameters are only found this way),
   * others are matched case-insensitively against every name and alias.
   * Each name appears once.
   */
  get(patterns: readonly string[]): [string, string][] {
    const out: [string, string][] = [];
    const taken = new Set<string>();
    for (const pat of patterns) {
      if (!/[[*?]/.test(pat)) {
        const key = pat.toLowerCase();
        if (taken.has(key)) continue;
        const def = lookupParam(pat);
        if (def) {
          taken.add(key);
          out.push([pat, formatParam(def, this.raw.get(def.name)!)]);
        }
        continue;
      }
      for (const def of PARAMS as readonly ParamDef[]) {
        if (def.hidden) continue;
        for (const key of def.alias ? [def.name, def.alias] : [def.name]) {
          if (taken.has(key) || !globMatch(pat, key, true)) continue;
          taken.add(key);
          out.push([key, formatParam(def, this.raw.get(def.name)!)]);
        }
      }
    }
    return out;
  }

  // ------------------------------------------------------------ CONFIG SET

  /**
   * Subscribes to changes made by CONFIG SET (`set`) of the given
   * parameters (primary names; '*' for all). Returns an unsubscribe function.
   */
  onChange(names: ParamName | readonly ParamName[] | '*', fn: ChangeListener): () => void {
    const l: Listener = {
      names: names === '*' ? null : new Set(typeof names === 'string' ? [names] : names),
      fn,
    };
    this.listeners.push(l);
    return () => {
      const i = this.listeners.indexOf(l);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /**
   * CONFIG SET name value [name value ...], applied atomically: returns
   * null on success or the error reply text (without the leading '-'),
   * e.g. "ERR Unknown option or number of arguments for CONFIG SET - 'x'".
   * (An odd argument count is the caller's "ERR syntax error".)
   */
  set(pairs: readonly (readonly [string, string])[], opts: SetOptions = {}): string | null {
    const n = pairs.length;
    const defs: ParamDef[] = [];
    const entryNames: string[] = [];
    let invalid = false;
    let unknownName: string | null = null;
    let denyLoading = false;
    let errstr: string | null = null;
    let errArg = '';

    for (let i = 0; i < n; i++) {
      const name = pairs[i][0];
      const def = lookupParam(name);
      if (!def) {
        if (!invalid) {
          unknownName = name;
          invalid = true;
        }
        continue;
      }
      if (invalid) continue;
      if (def.immutable || (def.protected && !this.protectedAllowed(opts))) {
        errstr = def.immutable ? "can't set immutable config" : "can't set protected config";
        errArg = name;
        invalid = true;
        continue;
      }
      if (opts.loading && def.denyLoading) {
        denyLoading = true;
        invalid = true;
        continue;
      }
      const entry = name.toLowerCase() === def.alias ? def.alias : def.name;
      for (let j = 0; j < i; j++) {
        if (defs[j] === def && entryNames[j] === entry) {
          errstr = 'duplicate parameter';
          errArg = name;
          invalid = true;
          break;
        }
      }
      defs[i] = def;
      entryNames[i] = entry;
    }

    const fmtErr = (): string => {
      if (denyLoading) return LOADING_ERROR;
      if (unknownName !== null) return `ERR Unknown option or number of arguments for CONFIG SET - '${unknownName}'`;
      if (errstr !== null) return `ERR CONFIG SET failed (possibly related to argument '${errArg}') - ${errstr}`;
      return `ERR CONFIG SET failed (possibly related to argument '${errArg}')`;
    };
    if (invalid) return fmtErr();

    // Back up, then set every value (not applied yet).
    const backup = defs.map((d) => cloneRaw(this.raw.get(d.name)!));
    const scheduled: { l: Listener; first: string; names: ParamName[] }[] = [];
    const changedNames: string[] = [];
    for (let i = 0; i < n; i++) {
      const def = defs[i];
      const value = pairs[i][1];
      const args = def.multiArg ? (value === '' ? [] : value.split(' ')) : [value];
      const res = setParam(def, args, this.ctx(def, false));
      if (!res.ok) {
        this.restore(defs, backup, i);
        errstr = res.err;
        errArg = entryNames[i];
        return fmtErr();
      }
      this.store(def, res.raw);
      if (!res.changed) continue;
      changedNames.push(def.name);
      for (const l of this.listeners) {
        if (l.names && !l.names.has(def.name)) continue;
        const s = scheduled.find((x) => x.l === l);
        if (s) {
          if (!s.names.includes(def.name as ParamName)) s.names.push(def.name as ParamName);
        } else {
          scheduled.push({ l, first: entryNames[i], names: [def.name as ParamName] });
        }
      }
    }

    // Apply.
    for (const s of scheduled) {
      const err = this.callListener(s.l, s.names);
      if (err !== null) {
        this.warn(
          `Failed applying new configuration. Possibly related to new ${s.first} setting. Restoring previous settings.`,
        );
        this.restore(defs, backup, n);
        for (const r of scheduled) {
          const e2 = this.callListener(r.l, r.names);
          if (e2 !== null) this.warn(`Failed applying restored failed CONFIG SET command: ${e2}`);
        }
        errstr = err === '' ? null : err;
        errArg = s.first;
        return fmtErr();
      }
    }

    for (const name of changedNames) this.seen.add(name);
    return null;
  }

  private callListener(l: Listener, names: ParamName[]): string | null {
    try {
      const r = l.fn(names, this);
      return typeof r === 'string' ? r : null;
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  }

  private restore(defs: ParamDef[], backup: RawValue[], count: number): void {
    for (let i = count - 1; i >= 0; i--) this.store(defs[i], backup[i]);
  }

  private protectedAllowed(opts: SetOptions): boolean {
    const mode = this.values['enable-protected-configs'];
    return mode === 'yes' || (mode === 'local' && opts.localClient === true);
  }

  // ------------------------------------------------------------ CONFIG REWRITE

  /**
   * Registers an extra rewriter, run after the parameters (for directives
   * owned elsewhere, e.g. `user` lines once ACLs exist).
   */
  addRewriteHook(hook: (sink: RewriteSink) => void): void {
    this.rewriteHooks.push(hook);
  }

  /** The text CONFIG REWRITE would write, given the old file content. */
  rewriteContent(old: string): string {
    const state = new RewriteState(old);
    const cwd = this.raw.get('dir') as string;
    for (const def of PARAMS as readonly ParamDef[]) rewriteParam(def, this.raw.get(def.name)!, state, cwd);
    for (const hook of this.rewriteHooks) hook(state);
    // No module is ever loaded: Redis drops the loadmodule lines then.
    state.markProcessed('loadmodule');
    state.removeOrphaned();
    return state.content();
  }

  /** CONFIG REWRITE: null on success, else the error reply text. */
  rewrite(): string | null {
    if (this.configFile === null) return 'ERR The server is running without a config file';
    try {
      const content = this.rewriteContent(readOldConfig(this.configFile));
      overwriteConfigFile(this.configFile, content);
      return null;
    } catch (e) {
      const msg = strerror(e);
      this.warn(`CONFIG REWRITE failed: ${msg}`);
      return `ERR Rewriting config file: ${msg}`;
    }
  }

  // ------------------------------------------------------------ misc

  /**
   * Directives given (config file, command line, object or CONFIG SET)
   * that tredis does not implement, so the server can log each once:
   * parameters not flagged `implemented` whose value differs from the
   * default, then rename-command / user / loadmodule / module configs.
   */
  unimplementedSeen(): string[] {
    const out: string[] = [];
    const cwd = this.raw.get('dir') as string;
    for (const name of this.seen) {
      const def = lookupParam(name)!;
      if (!def.implemented && !isDefaultRaw(def, this.raw.get(def.name)!, cwd)) out.push(def.name);
    }
    for (const o of this.otherSeen) out.push(o);
    return out;
  }
}
