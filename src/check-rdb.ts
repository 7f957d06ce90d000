#!/usr/bin/env node
/**
 * tredis-check-rdb <file.rdb>: reads an RDB file the way the server loads
 * it (into a server that does not listen) and reports, in the spirit of
 * redis-check-rdb, what it found or where it broke: the offset and the
 * reason. Exit status 0 when the file loads, 1 when it does not.
 */
import fs from 'node:fs';
import { Server } from './server/server';
import { commandFamilies } from './commands';
import { buildSettings, configFromDirectives } from './server/boot';
import { createLogger } from './server/log';
import { RdbLoader } from './persistence/rdb/file';
import { RdbError } from './persistence/rdb/encoding';
import { valueLoadOptions } from './persistence/rdb/values';

function main(args: string[]): number {
  if (args.length !== 1) {
    process.stderr.write('Usage: tredis-check-rdb <rdb-file-name>\n');
    return 1;
  }
  const file = args[0];
  const out = (s: string) => process.stdout.write(`${s}\n`);
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    out(`Cannot check RDB file ${file}: ${(e as Error).message}`);
    return 1;
  }
  const cfg = configFromDirectives({ port: 0, save: '' });
  const srv = new Server(buildSettings(cfg, true), createLogger('warning', '', true), commandFamilies);
  srv.config = cfg;
  out(`[offset 0] Checking RDB file ${file}`);
  try {
    const loader = new RdbLoader(srv, buf, { skipChecksum: false, dropExpired: false, values: valueLoadOptions(srv, true) });
    loader.step();
    const r = loader.result;
    for (const [k, v] of r.aux) out(`[offset 0] AUX FIELD ${k} = '${v}'`);
    out(`[offset ${buf.length}] Checksum OK`);
    out(`[offset ${buf.length}] \\o/ RDB looks OK! \\o/`);
    let expires = 0;
    for (const db of srv.keyspace.dbs) expires += db.expires.size;
    out(`[info] ${r.keysLoaded} keys read`);
    out(`[info] ${expires} expires`);
    return 0;
  } catch (e) {
    if (!(e instanceof RdbError)) throw e;
    out('--- RDB ERROR DETECTED ---');
    out(`[offset ${e.offset}] ${e.reason}`);
    out(`[additional info] While doing: read-object-value`);
    out(`[additional info] Reading RDB file ${file}`);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
