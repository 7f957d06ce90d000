/**
 * MEMORY: Redis 7.0's introspection of memory use, answered for a V8 heap.
 */
import type { CommandSpec } from '../server/command';
import type { Client } from '../server/client';
import { helpHandler } from '../commands/shared';
import { fullGc } from './gc';

const MEMORY_HELP = [
  'PURGE',
  '    Attempt to purge dirty pages for reclamation by the allocator.',
];

/** Redis asks jemalloc to return dirty pages; in V8 that is a full collection. */
function memoryPurge(c: Client): void {
  fullGc();
  c.reply.ok();
}

export const memoryCommands: CommandSpec[] = [
  {
    name: 'memory',
    subcommands: [
      { name: 'purge', handler: memoryPurge },
      { name: 'help', handler: helpHandler(MEMORY_HELP) },
    ],
  },
];
