/**
 * FUNCTION (LOAD, DELETE, FLUSH, LIST, DUMP, RESTORE, STATS, KILL, HELP),
 * FCALL and FCALL_RO, as Redis 7.0.15 answers them.
 *
 * FUNCTION LOAD / DELETE / FLUSH / RESTORE propagate themselves as
 * received (they count a change, as Redis's do, when they succeed); FCALL
 * propagates the effects of the function, as EVAL does.
 */
import { freeScriptCache, subFlushMode } from '../../memory/lazyfree';
import type { Client } from '../../server/client';
import type { CommandSpec } from '../../server/command';
import type { Server } from '../../server/server';
import { AdminErr } from '../../protocol/errors';
import { toInt64, toSafeInt } from '../../util/numbers';
import { compileGlob } from '../../util/glob';
import { configValue, helpHandler } from '../../commands/shared';
import { feedMonitors } from '../../server/dispatch';
import { infoFieldOverrides } from '../../commands/info';
import { scriptMemory } from '../../memory/used';
import { libraryBytes } from '../../memory/estimate';
import { ScriptFlag } from '../engine';
import { FUNCTION_FLAGS } from './engine';
import { Functions, Library, RestorePolicy } from './library';
import { dumpPayload, parsePayload } from './payload';

const registries = new WeakMap<Server, Functions>();

/** The server's functions, created with their Lua state on first use. */
export function serverFunctions(srv: Server): Functions {
  let f = registries.get(srv);
  if (f === undefined) registries.set(srv, (f = new Functions(srv)));
  return f;
}

infoFieldOverrides.set('number_of_functions', (srv) => registries.get(srv)?.ctx.functionCount ?? 0);
infoFieldOverrides.set('number_of_libraries', (srv) => registries.get(srv)?.ctx.libraries.size ?? 0);
scriptMemory.functionsCaches = (srv) => {
  const f = registries.get(srv);
  let n = 0;
  if (f !== undefined) for (const lib of f.ctx.libraries.values()) n += libraryBytes(lib.name, lib.code, lib.functions.length);
  return n;
};

const BUSY_FUNCTION = 'BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.';

/** A FUNCTION subcommand that changed the libraries: counted as a change, so it is propagated. */
function changed(c: Client): void {
  c.server.keyspace.dirty++;
}

function functionLoad(c: Client, argv: string[]): void {
  let replace = false;
  for (let i = 2; i < argv.length - 1; i++) {
    if (argv[i].toLowerCase() === 'replace') replace = true;
    else return c.error(`ERR Unknown option given: ${argv[i]}`);
  }
  const r = serverFunctions(c.server).create(argv[argv.length - 1], replace);
  if (typeof r !== 'string') return c.error(oneLine(r.error));
  changed(c);
  c.reply.bulk(r);
}

function functionDelete(c: Client, argv: string[]): void {
  if (!serverFunctions(c.server).delete(argv[2])) return c.error('ERR Library not found');
  changed(c);
  c.reply.ok();
}

function functionFlush(c: Client, argv: string[]): void {
  if (argv.length > 3) return c.error(AdminErr.subcommandSyntax(argv[1], 'function'));
  const async = subFlushMode(c, argv);
  if (async === null) return c.error('ERR FUNCTION FLUSH only supports SYNC|ASYNC option');
  const fns = serverFunctions(c.server);
  freeScriptCache(c.server, fns.ctx.functionCount, async);
  fns.flush();
  changed(c);
  c.reply.ok();
}

function functionList(c: Client, argv: string[]): void {
  let withCode = false;
  let pattern: string | null = null;
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i].toLowerCase();
    if (!withCode && arg === 'withcode') {
      withCode = true;
    } else if (pattern === null && arg === 'libraryname') {
      if (i >= argv.length - 1) return c.error('ERR library name argument was not given');
      pattern = argv[++i];
    } else {
      return c.error(`ERR Unknown argument ${argv[i]}`);
    }
  }
  let libs = [...serverFunctions(c.server).ctx.libraries.values()];
  if (pattern !== null) {
    const match = compileGlob(pattern, true);
    libs = libs.filter((l) => match(l.name));
  }
  const r = c.reply;
  r.array(libs.length);
  for (const lib of libs) listLibrary(c, lib, withCode);
}

function listLibrary(c: Client, lib: Library, withCode: boolean): void {
  const r = c.reply;
  r.map(withCode ? 4 : 3);
  r.bulk('library_name');
  r.bulk(lib.name);
  r.bulk('engine');
  r.bulk('LUA');
  r.bulk('functions');
  r.array(lib.functions.length);
  for (const f of lib.functions) {
    r.map(3);
    r.bulk('name');
    r.bulk(f.name);
    r.bulk('description');
    if (f.description === null) r.nullBulk();
    else r.bulk(f.description);
    r.bulk('flags');
    const names = FUNCTION_FLAGS.filter(([, bit]) => (f.flags & bit) !== 0);
    r.set(names.length);
    for (const [name] of names) r.status(name);
  }
  if (withCode) {
    r.bulk('library_code');
    r.bulk(lib.code);
  }
}

function functionDump(c: Client): void {
  const codes = [...serverFunctions(c.server).ctx.libraries.values()].map((l) => l.code);
  const compress = configValue(c.server, 'rdbcompression', 'yes') === 'yes';
  c.reply.bulkBuffer(dumpPayload(codes, compress));
}

function functionRestore(c: Client, argv: string[]): void {
  if (argv.length > 4) return c.error(AdminErr.subcommandSyntax(argv[1], 'function'));
  let policy: RestorePolicy = 'append';
  if (argv.length === 4) {
    const p = argv[3].toLowerCase();
    if (p !== 'flush' && p !== 'append' && p !== 'replace') {
      return c.error('ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.');
    }
    policy = p;
  }
  const codes = parsePayload(Buffer.from(argv[2], 'latin1'));
  if (typeof codes === 'string') return c.error(codes);
  const err = serverFunctions(c.server).restore(codes, policy);
  if (err !== null) return c.error(oneLine(err));
  changed(c);
  c.reply.ok();
}

function functionStats(c: Client): void {
  const fns = serverFunctions(c.server);
  const running = fns.busy;
  // an EVAL script is running: FUNCTION STATS is refused as Redis refuses it
  if (running === null && c.server.busyScript !== null) return c.error(c.server.busyScript);
  const r = c.reply;
  r.map(2);
  r.bulk('running_script');
  if (running === null) {
    r.nullBulk();
  } else {
    r.map(3);
    r.bulk('name');
    r.bulk(running.sha);
    r.bulk('command');
    r.bulks(fns.runningArgv);
    r.bulk('duration_ms');
    r.int(Date.now() - running.start);
  }
  r.bulk('engines');
  r.map(1);
  r.bulk('LUA');
  r.map(2);
  r.bulk('libraries_count');
  r.int(fns.ctx.libraries.size);
  r.bulk('functions_count');
  r.int(fns.ctx.functionCount);
}

function functionKill(c: Client): void {
  const fns = serverFunctions(c.server);
  // an EVAL script is running: SCRIPT KILL is the one to use
  if (fns.busy === null && c.server.busyScript !== null) return c.error(c.server.busyScript);
  const refused = fns.busy === null ? 'NOTBUSY No scripts in execution right now.' : fns.engine.kill();
  if (refused !== null) return c.error(refused);
  c.reply.ok();
}

/** Errors as Redis writes them: one line. */
function oneLine(msg: string): string {
  return msg.replace(/[\r\n]/g, ' ');
}

function fcall(readOnly: boolean): (c: Client, argv: string[]) => void {
  return (c, argv) => {
    // FCALL is skip-monitor: shown here, so the commands it calls follow it
    if (c.server.monitors.size !== 0) feedMonitors(c.server, c, argv);
    const fns = serverFunctions(c.server);
    const name = argv[1];
    const f = fns.ctx.functions.get(name) ?? fns.ctx.functions.get(name.toLowerCase());
    if (f === undefined) return c.error('ERR Function not found');
    const keys = numKeys(argv[2]);
    if (keys === null) return c.error('ERR Bad number of keys provided');
    if (keys > argv.length - 3) return c.error("ERR Number of keys can't be greater than number of args");
    if (keys < 0) return c.error("ERR Number of keys can't be negative");
    if (readOnly && (f.flags & ScriptFlag.noWrites) === 0) {
      return c.error('ERR Can not execute a script with write flag using *_ro command.');
    }
    // the function's effects are propagated, not FCALL itself
    c.preventPropagate = true;
    const engine = fns.engine;
    engine.exec(c, f.script, argv, argv.slice(3, 3 + keys), argv.slice(3 + keys), readOnly);
    if (engine.busy !== null) {
      // suspended past busy-reply-threshold: other clients are told to use FUNCTION KILL
      c.server.busyScript = BUSY_FUNCTION;
      fns.runningArgv = argv.slice();
    }
  };
}

/**
 * Whether an FCALL / FCALL_RO may write (fcallGetCommandFlags): the
 * function's flags decide (FCALL_RO of a function without no-writes too,
 * though it is then refused); for an unknown function, the command's own
 * (FCALL may replicate, FCALL_RO does not).
 */
function fcallMayWrite(readOnly: boolean): (c: Client, argv: string[]) => boolean {
  return (c, argv) => {
    const f = registries.get(c.server)?.ctx.functions.get(argv[1].toLowerCase());
    return f === undefined ? !readOnly : (f.flags & ScriptFlag.noWrites) === 0;
  };
}

/** Whether an FCALL is deny-oom: a function without allow-oom or no-writes; an unknown one is not. */
function fcallDeniesOom(c: Client, argv: string[]): boolean {
  const f = registries.get(c.server)?.ctx.functions.get(argv[1].toLowerCase());
  return f !== undefined && (f.flags & (ScriptFlag.allowOom | ScriptFlag.noWrites)) === 0;
}

/** numkeys as a long long (string2ll): past the safe integers, ±Infinity keeps its sign for the range checks. */
function numKeys(arg: string): number | null {
  const n = toSafeInt(arg);
  if (n !== null) return n;
  const big = toInt64(arg);
  return big === null ? null : big < 0n ? -Infinity : Infinity;
}

/** FCALL's keys (COMMAND GETKEYS): numkeys at 2, the keys after it. */
function fcallKeys(argv: string[]): number[] {
  const n = numKeys(argv[2] ?? '');
  if (n === null || n < 0 || n > argv.length - 3) return [];
  return Array.from({ length: n }, (_, i) => 3 + i);
}

const FUNCTION_HELP = [
  'LOAD [REPLACE] <FUNCTION CODE>',
  '    Create a new library with the given library name and code.',
  'DELETE <LIBRARY NAME>',
  '    Delete the given library.',
  'LIST [LIBRARYNAME PATTERN] [WITHCODE]',
  '    Return general information on all the libraries:',
  '    * Library name',
  '    * The engine used to run the Library',
  '    * Library description',
  '    * Functions list',
  '    * Library code (if WITHCODE is given)',
  '    It also possible to get only function that matches a pattern using LIBRARYNAME argument.',
  'STATS',
  '    Return information about the current function running:',
  '    * Function name',
  '    * Command used to run the function',
  '    * Duration in MS that the function is running',
  '    If no function is running, return nil',
  '    In addition, returns a list of available engines.',
  'KILL',
  '    Kill the current running function.',
  'FLUSH [ASYNC|SYNC]',
  '    Delete all the libraries.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the libraries.',
  '    * SYNC: Synchronously flush the libraries.',
  'DUMP',
  '    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command',
  'RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]',
  '    Restore the libraries represented by the given payload, it is possible to give a restore policy to',
  '    control how to handle existing libraries (default APPEND):',
  '    * FLUSH: delete all existing libraries.',
  '    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.',
  '    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old',
  '      libraries with the new libraries (notice that even on this option there is a chance of failure',
  '      in case of functions name collision with another library).',
];

export const functionCommands: CommandSpec[] = [
  { name: 'fcall', handler: fcall(false), getKeys: fcallKeys, mayWrite: fcallMayWrite(false), denyOom: fcallDeniesOom },
  { name: 'fcall_ro', handler: fcall(true), getKeys: fcallKeys, mayWrite: fcallMayWrite(true), denyOom: fcallDeniesOom },
  {
    name: 'function',
    subcommands: [
      { name: 'load', handler: functionLoad },
      { name: 'delete', handler: functionDelete },
      { name: 'flush', handler: functionFlush },
      { name: 'list', handler: functionList },
      { name: 'dump', handler: functionDump },
      { name: 'restore', handler: functionRestore },
      { name: 'stats', handler: functionStats },
      { name: 'kill', handler: functionKill },
      { name: 'help', handler: helpHandler(FUNCTION_HELP) },
    ],
  },
];
