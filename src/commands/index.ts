/** Every command family, in one list for the registry. */
import type { CommandSpec } from '../server/command';
import { connectionCommands } from './connection';
import { stringCommands } from './string';
import { genericCommands } from './generic';
import { serverCommands } from './server';
import { clientCommands } from './client';
import { introspectionCommands } from './introspection';

export const commandFamilies: CommandSpec[][] = [
  connectionCommands,
  stringCommands,
  genericCommands,
  serverCommands,
  clientCommands,
  introspectionCommands,
];
