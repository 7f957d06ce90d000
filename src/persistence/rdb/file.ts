/**
 * PLACEHOLDER (aof branch): the lead's RDB file loader/writer lands here.
 * The AOF loader calls loadRdbBuffer() for a base file in RDB format; until
 * the real module replaces this file, such a base cannot be loaded.
 */
import type { Server } from '../../server/server';

/** Load an RDB image into the server's keyspace; throws RdbError (with the offset) on a bad file. */
export function loadRdbBuffer(_srv: Server, _buf: Buffer, _source: string): void {
  throw new Error('RDB base files need the RDB loader');
}
