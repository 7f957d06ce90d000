/**
 * EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT, as Redis 7.0's eval.c
 * answers them.
 */
import { freeScriptCache, subFlushMode } from '../memory/lazyfree';
import type { Client } from '../server/client';
import type { CommandSpec } from '../server/command';
import type { Server } from '../server/server';
import { Err } from '../protocol/errors';
import { toSafeInt } from '../util/numbers';
import { helpHandler } from '../commands/shared';
import { feedMonitors } from '../server/dispatch';
import { infoFieldOverrides } from '../commands/info';
import { scriptMemory } from '../memory/used';
import { ScriptEngine, Script, ScriptFlag, sha1hex, shebangFlags } from './engine';

const engines = new WeakMap<Server, ScriptEngine>();

/** The server's script engine, created with its Lua state on first use. */
export function scriptEngine(srv: Server): ScriptEngine {
  let e = engines.get(srv);
  if (e === undefined) engines.set(srv, (e = new ScriptEngine(srv)));
  return e;
}

infoFieldOverrides.set('number_of_cached_scripts', (srv) => engines.get(srv)?.scripts.size ?? 0);
scriptMemory.evalCaches = (srv) => engines.get(srv)?.cacheBytes ?? 0;
scriptMemory.evalScripts = (srv) => engines.get(srv)?.scripts.size ?? 0;

/** numkeys, checked as evalGenericCommand checks it; null after replying an error. */
function numKeys(c: Client, argv: string[]): number | null {
  const n = toSafeInt(argv[2]);
  if (n === null) {
    c.error(Err.notInteger);
    return null;
  }
  if (n > argv.length - 3) {
    c.error("ERR Number of keys can't be greater than number of args");
    return null;
  }
  if (n < 0) {
    c.error("ERR Number of keys can't be negative");
    return null;
  }
  return n;
}

function evalGeneric(bySha: boolean, readOnly: boolean): (c: Client, argv: string[]) => void {
  return (c, argv) => {
    // EVAL is skip-monitor: shown here, so the commands it calls follow it
    if (c.server.monitors.size !== 0) feedMonitors(c.server, c, argv);
    const n = numKeys(c, argv);
    if (n === null) return;
    const engine = scriptEngine(c.server);
    let script: Script | string | undefined;
    if (bySha) {
      script = engine.scripts.get(argv[1]) ?? engine.scripts.get(argv[1].toLowerCase());
      if (script === undefined) return c.error('NOSCRIPT No matching script. Please use EVAL.');
    } else {
      script = engine.load(argv[1]);
      if (typeof script === 'string') return c.error(script);
    }
    // *_RO refuses a script whose shebang does not promise no writes (scriptPrepareForRun)
    if (readOnly && (script.flags & (ScriptFlag.evalCompat | ScriptFlag.noWrites)) === 0) {
      return c.error('ERR Can not execute a script with write flag using *_ro command.');
    }
    // the script's effects are propagated, not EVAL itself
    c.preventPropagate = true;
    engine.exec(c, script, argv, argv.slice(3, 3 + n), argv.slice(3 + n), readOnly);
  };
}

/** The flags of the script an EVAL / EVALSHA names (cached or from its shebang); null for an unknown SHA or a bad shebang. */
function scriptFlagsOf(c: Client, argv: string[], bySha: boolean): number | null {
  const engine = scriptEngine(c.server);
  const cached = engine.scripts.get(bySha ? argv[1].toLowerCase() : sha1hex(argv[1]));
  if (cached !== undefined) return cached.flags;
  if (bySha) return null;
  const sb = shebangFlags(argv[1]);
  return typeof sb === 'string' ? null : sb.flags;
}

/**
 * Whether an EVAL / EVALSHA may write (evalGetCommandFlags): unless its
 * script declares no-writes; an unknown SHA may.
 */
function scriptMayWrite(bySha: boolean, readOnly = false): (c: Client, argv: string[]) => boolean {
  return (c, argv) => {
    const flags = scriptFlagsOf(c, argv, bySha);
    // a legacy script keeps the command's own flags (EVAL_RO is read-only); declared flags replace them
    if (flags === null || flags & ScriptFlag.evalCompat) return !readOnly;
    return (flags & ScriptFlag.noWrites) === 0;
  };
}

/** Whether it is deny-oom (scriptFlagsToCmdFlags): a script with declared flags unless allow-oom or no-writes. */
function scriptDeniesOom(bySha: boolean): (c: Client, argv: string[]) => boolean {
  return (c, argv) => {
    const flags = scriptFlagsOf(c, argv, bySha);
    if (flags === null || flags & ScriptFlag.evalCompat) return false;
    return (flags & (ScriptFlag.allowOom | ScriptFlag.noWrites)) === 0;
  };
}

/** EVAL's keys (COMMAND GETKEYS): numkeys at 2, the keys after it. */
function evalKeys(argv: string[]): number[] {
  const n = toSafeInt(argv[2] ?? '');
  if (n === null || n < 0 || n > argv.length - 3) return [];
  return Array.from({ length: n }, (_, i) => 3 + i);
}

function scriptLoad(c: Client, argv: string[]): void {
  const s = scriptEngine(c.server).load(argv[2]);
  if (typeof s === 'string') return c.error(s);
  c.reply.bulk(s.sha);
}

function scriptExists(c: Client, argv: string[]): void {
  const scripts = scriptEngine(c.server).scripts;
  c.reply.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) c.reply.int(scripts.has(argv[i].toLowerCase()) ? 1 : 0);
}

function scriptFlush(c: Client, argv: string[]): void {
  const async = subFlushMode(c, argv);
  if (async === null) return c.error('ERR SCRIPT FLUSH only support SYNC|ASYNC option');
  const engine = scriptEngine(c.server);
  freeScriptCache(c.server, engine.scripts.size, async);
  engine.reset();
  c.reply.ok();
}

function scriptKill(c: Client): void {
  const engine = scriptEngine(c.server);
  // a function is running: FUNCTION KILL is the one to use
  if (engine.busy === null && c.server.busyScript !== null) return c.error(c.server.busyScript);
  const refused = engine.kill();
  if (refused !== null) return c.error(refused);
  c.reply.ok();
}

function scriptDebug(c: Client, argv: string[]): void {
  const mode = argv[2].toLowerCase();
  if (mode === 'no') return c.reply.ok();
  if (mode === 'yes' || mode === 'sync') return c.error('ERR tredis has no Lua debugger (SCRIPT DEBUG NO only)');
  c.error('ERR Use SCRIPT DEBUG YES/SYNC/NO');
}

const SCRIPT_HELP = [
  'DEBUG (YES|SYNC|NO)',
  '    Set the debug mode for subsequent scripts executed.',
  'EXISTS <sha1> [<sha1> ...]',
  '    Return information about the existence of the scripts in the script cache.',
  'FLUSH [ASYNC|SYNC]',
  '    Flush the Lua scripts cache. Very dangerous on replicas.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the scripts cache.',
  '    * SYNC: Synchronously flush the scripts cache.',
  'KILL',
  '    Kill the currently executing Lua script.',
  'LOAD <script>',
  '    Load a script into the scripts cache without executing it.',
];

export const scriptingCommands: CommandSpec[] = [
  { name: 'eval', handler: evalGeneric(false, false), getKeys: evalKeys, mayWrite: scriptMayWrite(false), denyOom: scriptDeniesOom(false) },
  { name: 'evalsha', handler: evalGeneric(true, false), getKeys: evalKeys, mayWrite: scriptMayWrite(true), denyOom: scriptDeniesOom(true) },
  { name: 'eval_ro', handler: evalGeneric(false, true), getKeys: evalKeys, mayWrite: scriptMayWrite(false, true), denyOom: scriptDeniesOom(false) },
  { name: 'evalsha_ro', handler: evalGeneric(true, true), getKeys: evalKeys, mayWrite: scriptMayWrite(true, true), denyOom: scriptDeniesOom(true) },
  {
    name: 'script',
    subcommands: [
      { name: 'load', handler: scriptLoad },
      { name: 'exists', handler: scriptExists },
      { name: 'flush', handler: scriptFlush },
      { name: 'kill', handler: scriptKill },
      { name: 'debug', handler: scriptDebug },
      { name: 'help', handler: helpHandler(SCRIPT_HELP) },
    ],
  },
];
