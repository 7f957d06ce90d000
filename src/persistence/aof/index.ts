/**
 * The AOF layer's entry points: installing it on a server (propagation
 * sink, config listeners), BGREWRITEAOF, DEBUG LOADAOF and the INFO lines.
 */
import type { Server } from '../../server/server';
import type { Client } from '../../server/client';
import type { CommandSpec } from '../../server/command';
import { registerDebug } from '../../commands/debug-ext';
import { AofErr } from '../../protocol/errors';
import { updateClock } from '../../server/clock';
import { Aof, AofError, AofState } from './aof';
import { LoadStatus } from './load';
import { rdbSaver } from '../commands';
import { serverFunctions } from '../../scripting/functions/commands';

export { Aof, AofError, AofState };

/**
 * Give the server its AOF: every propagated command is fed to it, and
 * CONFIG SET appendonly switches it on (a rewrite creates the base) or off.
 * Loading happens later, in startup().
 */
export function installAof(srv: Server): Aof {
  const aof = new Aof(srv);
  srv.aof = aof;
  // the AOF registers its propagation sink itself while it is on (Aof.state)
  // one background job at a time, as Redis's child: a rewrite asked for during a BGSAVE is scheduled
  aof.otherJobActive = () => rdbSaver(srv).inProgress;
  // -MISCONF while AOF writes fail (persistence/saving.ts computes the gate for both)
  aof.onWriteStatus = () => rdbSaver(srv).refreshDiskError();
  // updateAppendonly()
  srv.config?.onChange('appendonly', (_names, cfg) => {
    const on = cfg.values.appendonly;
    if (!on && aof.state !== AofState.Off) aof.stop();
    else if (on && aof.state === AofState.Off && !aof.start()) return AofErr.cantTurnOn;
  });
  return aof;
}

function bgrewriteaof(c: Client): void {
  const aof = c.server.aof;
  if (aof === null) return c.error(AofErr.cantRewrite);
  const r = aof.bgrewriteaof();
  if ('err' in r) return c.error(r.err);
  c.reply.status(r.ok);
}

/**
 * DEBUG LOADAOF: write what is buffered, empty the dataset and load it
 * again from the files the manifest on disk names.
 */
function debugLoadAof(c: Client): void {
  const srv = c.server;
  const aof = srv.aof;
  if (aof === null) return c.error(AofErr.cantRewrite);
  if (aof.state === AofState.On) aof.writeNow();
  // emptyData(): the keys and the functions (the AOF loads them again)
  srv.keyspace.flushDbs(srv.keyspace.dbs);
  serverFunctions(srv).flush();
  try {
    aof.loadManifestFromDisk();
  } catch (e) {
    return c.error(`ERR ${(e as Error).message}`);
  }
  aof.deleteHistory();
  const st = aof.loadFiles();
  updateClock();
  // Redis exits here; an embedded server reports it instead (README: known differences)
  if (st !== LoadStatus.Ok && st !== LoadStatus.Empty && st !== LoadStatus.NotExist) return c.error(AofErr.loadFailed);
  srv.keyspace.dirty = 0;
  // the reload is no write to propagate (Redis's dirty going down)
  c.preventPropagate = true;
  srv.log.warning('Append Only File loaded by DEBUG LOADAOF');
  c.reply.ok();
}

registerDebug('loadaof', {
  argc: (n) => n === 2,
  handler: debugLoadAof,
  help: ['LOADAOF', '    Flush the AOF buffers on disk and reload the AOF in memory.'],
});

export const aofCommands: CommandSpec[] = [{ name: 'bgrewriteaof', handler: bgrewriteaof }];
