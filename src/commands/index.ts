/** Every command family, in one list for the registry. */
import './debug-populate';
import { persistenceCommands } from '../persistence/commands';
import type { CommandSpec } from '../server/command';
import { connectionCommands } from './connection';
import { stringCommands } from './string';
import { genericCommands } from './generic';
import { infoCommands } from './info';
import { serverCommands } from './server';
import { diagnosticsCommands } from './diagnostics';
import { clientCommands } from './client';
import { introspectionCommands } from './introspection';
import { zsetCommands } from './zset';
import { hashCommands } from './hash';
import { setCommands } from './set';
import { listCommands } from './list';
import { sortCommands } from './sort';
import { hyperloglogCommands } from './hyperloglog';
import { geoCommands } from './geo';
import { bitmapCommands } from './bitops';
import { streamCommands } from './stream';
import { streamGroupCommands } from './stream-groups';
import { streamInfoCommands } from './stream-info';
import { moduleCommands } from './module';
import { lolwutCommands } from './lolwut';
import { transactionCommands } from '../tx/transaction';
import { pubsubCommands } from '../pubsub/commands';
import { scriptingCommands } from '../scripting/commands';
import { functionCommands } from '../scripting/functions/commands';
// DEBUG subcommands registered by other layers (commands/debug-ext.ts)
import '../persistence/digest';
import { dumpCommands } from '../persistence/dump-commands';
import { migrateCommands } from '../persistence/migrate';
import { aofCommands } from '../persistence/aof';
import { memoryCommands } from '../memory/commands';

export const commandFamilies: CommandSpec[][] = [
  connectionCommands,
  stringCommands,
  genericCommands,
  infoCommands,
  serverCommands,
  diagnosticsCommands,
  clientCommands,
  introspectionCommands,
  zsetCommands,
  hashCommands,
  setCommands,
  listCommands,
  sortCommands,
  geoCommands,
  bitmapCommands,
  hyperloglogCommands,
  streamCommands,
  streamGroupCommands,
  streamInfoCommands,
  moduleCommands,
  lolwutCommands,
  transactionCommands,
  pubsubCommands,
  scriptingCommands,
  functionCommands,
  persistenceCommands,
  dumpCommands,
  migrateCommands,
  aofCommands,
  memoryCommands,
];
