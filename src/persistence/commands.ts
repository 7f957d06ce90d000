/**
 * SAVE, BGSAVE [SCHEDULE], DEBUG RELOAD and INFO persistence's RDB fields,
 * on the server's RdbSaver (saving.ts), created with the server's first
 * use of them (installPersistence at startup).
 */
import fs from 'node:fs';
import type { CommandSpec } from '../server/command';
import type { Client } from '../server/client';
import type { Server } from '../server/server';
import { AofErr, Err } from '../protocol/errors';
import { infoFieldOverrides } from '../commands/info';
import { registerDebug } from '../commands/debug-ext';
import { RdbSaver } from './saving';
import { RdbError } from './rdb/encoding';
import { serverFunctions } from '../scripting/functions/commands';

const savers = new WeakMap<Server, RdbSaver>();

export function rdbSaver(srv: Server): RdbSaver {
  let s = savers.get(srv);
  if (s === undefined) savers.set(srv, (s = new RdbSaver(srv)));
  return s;
}

/**
 * Persistence for a server about to listen: load the dump, save on
 * SHUTDOWN, run save points from the cron, keep -MISCONF in step.
 */
export async function installPersistence(srv: Server, opts: { load: boolean }): Promise<void> {
  const saver = rdbSaver(srv);
  srv.shutdownSave = () => {
    saver.abortBgsave();
    srv.log.notice('Saving the final RDB snapshot before exiting.');
    return saver.saveNow();
  };
  // FLUSHALL stops a BGSAVE and, with save points, saves the empty dataset (flushAllDataAndResetRDB)
  srv.afterFlushAll = () => {
    saver.abortBgsave();
    if (saver.hasSavePoints) saver.saveNow();
  };
  srv.cronJobs.push(() => {
    saver.cron();
    saver.refreshDiskError();
  });
  if (opts.load) await saver.loadAtStartup();
}

function save(c: Client): void {
  const saver = rdbSaver(c.server);
  const err = saver.saveNow(true);
  if (err !== null) return c.error(err);
  c.reply.ok();
}

function bgsave(c: Client, argv: string[]): void {
  let schedule = false;
  if (argv.length > 1) {
    if (argv.length === 2 && argv[1].toLowerCase() === 'schedule') schedule = true;
    else return c.error(Err.syntax);
  }
  const saver = rdbSaver(c.server);
  if (saver.inProgress) {
    if (schedule) {
      saver.scheduled = true;
      return c.reply.status('Background saving scheduled');
    }
    return c.error('ERR Background save already in progress');
  }
  // one background job at a time, as Redis's child: an AOF rewrite is running (persistence/aof)
  if (c.server.aof?.rewriteInProgress) {
    if (!schedule) return c.error(AofErr.bgsaveDuringRewrite);
    saver.scheduled = true;
    return c.reply.status('Background saving scheduled');
  }
  const err = saver.bgsave();
  if (err !== null) return c.error(err);
  c.reply.status('Background saving started');
}

/** DEBUG RELOAD: save, empty the dataset, load the dump back (MERGE, NOFLUSH, NOSAVE as Redis 7.0). */
function debugReload(c: Client, argv: string[]): void {
  const srv = c.server;
  const saver = rdbSaver(srv);
  let flush = true;
  let doSave = true;
  let merge = false;
  for (let i = 2; i < argv.length; i++) {
    const o = argv[i].toLowerCase();
    if (o === 'merge') merge = true;
    else if (o === 'noflush') flush = false;
    else if (o === 'nosave') doSave = false;
    else return c.error('ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.');
  }
  if (doSave) {
    const err = saver.saveNow();
    if (err !== null) return c.error(err);
  }
  if (merge) flush = false;
  let buf: Buffer;
  try {
    buf = fs.readFileSync(saver.path());
  } catch {
    return c.error('ERR Error trying to load the RDB dump, check server logs.');
  }
  if (flush) {
    srv.keyspace.flushDbs(srv.keyspace.dbs);
    serverFunctions(srv).flush();
  }
  try {
    saver.loadBuffer(buf);
  } catch (e) {
    srv.log.warning(`Error loading the RDB dump: ${e instanceof RdbError ? e.message : String(e)}`);
    return c.error('ERR Error trying to load the RDB dump, check server logs.');
  }
  srv.log.notice('DB reloaded by DEBUG RELOAD');
  c.reply.ok();
}

registerDebug('reload', { handler: debugReload, help: ['RELOAD [option ...]', '    Save the RDB on disk and reload it back to memory. Options: MERGE, NOFLUSH, NOSAVE.'] });

infoFieldOverrides.set('rdb_bgsave_in_progress', (srv) => (rdbSaver(srv).inProgress ? 1 : 0));
infoFieldOverrides.set('rdb_last_bgsave_status', (srv) => (rdbSaver(srv).lastBgsaveOk ? 'ok' : 'err'));
infoFieldOverrides.set('rdb_last_bgsave_time_sec', (srv) => rdbSaver(srv).lastBgsaveTimeSec);
infoFieldOverrides.set('rdb_current_bgsave_time_sec', (srv) => rdbSaver(srv).currentSeconds);
infoFieldOverrides.set('rdb_saves', (srv) => rdbSaver(srv).saves);
infoFieldOverrides.set('current_save_keys_processed', (srv) => rdbSaver(srv).progress.done);
infoFieldOverrides.set('current_save_keys_total', (srv) => rdbSaver(srv).progress.total);
infoFieldOverrides.set('rdb_last_load_keys_loaded', (srv) => rdbSaver(srv).lastLoad.keysLoaded);
infoFieldOverrides.set('rdb_last_load_keys_expired', (srv) => rdbSaver(srv).lastLoad.keysExpired);

export const persistenceCommands: CommandSpec[] = [
  { name: 'save', handler: save },
  { name: 'bgsave', handler: bgsave },
];
