/**
 * Server administration commands: CONFIG, TIME, LASTSAVE, SHUTDOWN and
 * MONITOR. INFO lives in info.ts; DEBUG, SLOWLOG and LATENCY in
 * diagnostics.ts.
 */
import type { CommandSpec } from '../server/command';
import type { Client } from '../server/client';
import type { Server } from '../server/server';
import { AdminErr, Err } from '../protocol/errors';
import { clientInfoHooks } from './client';
import { configOf, configValue, helpHandler, isLocalClient } from './shared';

// ---------------------------------------------------------------- CONFIG

function configGet(c: Client, argv: string[]): void {
  const cfg = configOf(c.server);
  const pairs = cfg ? cfg.get(argv.slice(2)) : [];
  c.reply.map(pairs.length);
  for (const [k, v] of pairs) {
    c.reply.bulk(k);
    c.reply.bulk(v);
  }
}

function configSet(c: Client, argv: string[]): void {
  if (argv.length % 2 !== 0) return c.error(Err.syntax);
  const pairs: [string, string][] = [];
  for (let i = 2; i < argv.length; i += 2) pairs.push([argv[i], argv[i + 1]]);
  const cfg = configOf(c.server);
  const err = cfg ? cfg.set(pairs, { loading: false, localClient: isLocalClient(c) }) : AdminErr.configSetUnknown(argv[2]);
  if (err !== null) return c.error(err);
  c.reply.ok();
}

/** CONFIG RESETSTAT: server stats, command and error stats, latency histograms (not SLOWLOG nor the LATENCY monitor). */
export function resetStats(srv: Server): void {
  srv.stats.reset();
  for (const cmd of srv.registry.all()) cmd.resetStats();
  const ks = srv.keyspace.stats;
  ks.hits = ks.misses = ks.expiredKeys = ks.evictedKeys = 0;
  ks.expiredStalePerc = 0;
  ks.expireCycleCpuMs = 0;
}

function configResetstat(c: Client): void {
  resetStats(c.server);
  c.reply.ok();
}

function configRewrite(c: Client): void {
  const cfg = configOf(c.server);
  const err = cfg ? cfg.rewrite() : AdminErr.noConfigFile;
  if (err !== null) {
    c.server.log.warning(`CONFIG REWRITE failed: ${err.replace(/^ERR /, '')}`);
    return c.error(err);
  }
  c.server.log.notice('CONFIG REWRITE executed with success.');
  c.reply.ok();
}

const CONFIG_HELP = [
  'GET <pattern>',
  '    Return parameters matching the glob-like <pattern> and their values.',
  'SET <directive> <value>',
  '    Set the configuration <directive> to <value>.',
  'RESETSTAT',
  '    Reset statistics reported by the INFO command.',
  'REWRITE',
  '    Rewrite the configuration file.',
];

// ---------------------------------------------------------------- TIME, LASTSAVE

function time(c: Client): void {
  const us = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  const sec = Math.floor(us / 1e6);
  c.reply.array(2);
  c.reply.bulk(String(sec));
  c.reply.bulk(String(us - sec * 1e6));
}

function lastsave(c: Client): void {
  c.reply.int(c.server.lastSave);
}

// ---------------------------------------------------------------- SHUTDOWN

function shutdown(c: Client, argv: string[]): void {
  const srv = c.server;
  let nosave = false;
  let save = false;
  let now = false;
  let force = false;
  let abort = false;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i].toLowerCase();
    if (a === 'nosave') nosave = true;
    else if (a === 'save') save = true;
    else if (a === 'now') now = true;
    else if (a === 'force') force = true;
    else if (a === 'abort') abort = true;
    else return c.error(Err.syntax);
  }
  if ((abort && (nosave || save || now || force)) || (nosave && save)) return c.error(Err.syntax);
  // a script past busy-reply-threshold: only SHUTDOWN NOSAVE ends the server
  if (!nosave && srv.busyScript !== null) return c.error(srv.busyScript);
  // A shutdown never waits here (there are no replicas to catch up), so
  // there is never one in progress to abort.
  if (abort) return c.error(AdminErr.noShutdown);
  if (!now && clientInfoHooks.denyBlocking(c)) return c.error(AdminErr.shutdownDenyBlocking);

  srv.log.warning('User requested shutdown...');
  // the AOF: written and fsynced; a first rewrite still running refuses the exit unless FORCE
  if (srv.aof !== null && !srv.aof.prepareForShutdown(force)) {
    srv.log.warning('Errors trying to shut down the server. Check the logs for more information.');
    return c.error(AdminErr.shutdownFailed);
  }
  const savePoints = configValue(srv, 'save', '') !== '';
  if ((savePoints && !nosave) || save) {
    srv.log.notice('Saving the final RDB snapshot before exiting.');
    const err = srv.shutdownSave ? srv.shutdownSave() : 'tredis has no RDB persistence yet';
    if (err !== null) {
      srv.log.warning(`Failed saving the DB: ${err}`);
      if (!force) {
        srv.log.warning("Error trying to save the DB, can't exit.");
        srv.log.warning('Errors trying to shut down the server. Check the logs for more information.');
        return c.error(AdminErr.shutdownFailed);
      }
      srv.log.warning('Error trying to save the DB. Exit anyway.');
    }
  }
  if (srv.settings.pidfile) srv.log.notice('Removing the pid file.');
  srv.log.warning('Redis is now ready to exit, bye bye...');
  // The caller gets no reply: its connection closes with the server.
  void srv.shutdown();
}

// ---------------------------------------------------------------- MONITOR

function monitor(c: Client): void {
  if (clientInfoHooks.denyBlocking(c)) return c.error(AdminErr.monitorDenyBlocking);
  // already a monitor (or a replica): ignored, without a reply
  if (c.monitor || clientInfoHooks.isReplica(c)) return;
  c.monitor = true;
  c.server.monitors.add(c);
  c.reply.ok();
}

// ---------------------------------------------------------------- registry

export const serverCommands: CommandSpec[] = [
  {
    name: 'config',
    subcommands: [
      { name: 'get', handler: configGet },
      { name: 'set', handler: configSet },
      { name: 'resetstat', handler: configResetstat },
      { name: 'rewrite', handler: configRewrite },
      { name: 'help', handler: helpHandler(CONFIG_HELP) },
    ],
  },
  { name: 'time', handler: time },
  { name: 'lastsave', handler: lastsave },
  { name: 'shutdown', handler: shutdown },
  { name: 'monitor', handler: monitor },
];
