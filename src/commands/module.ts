/**
 * MODULE: tredis loads no native modules, so it answers as a Redis 7.0.15
 * with none loaded: LIST is empty, every LOAD/LOADEX fails the way a
 * library that cannot be opened fails (with the same log lines), UNLOAD
 * finds no module of that name. LOAD, LOADEX and UNLOAD are protected
 * (enable-module-command), like DEBUG.
 */
import type { CommandSpec } from '../server/command';
import type { Client } from '../server/client';
import { AdminErr } from '../protocol/errors';
import { configValue, helpHandler, isLocalClient } from './shared';

const MODULE_HELP = [
  'LIST',
  '    Return a list of loaded modules.',
  'LOAD <path> [<arg> ...]',
  '    Load a module library from <path>, passing to it any optional arguments.',
  'LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]',
  '    Load a module library from <path>, while passing it module configurations and optional arguments.',
  'UNLOAD <name>',
  '    Unload a module.',
];

/** allowProtectedAction(server.enable_module_cmd, c). */
function moduleAllowed(c: Client): boolean {
  const v = configValue(c.server, 'enable-module-command', 'no');
  return v === 'yes' || (v === 'local' && isLocalClient(c));
}

/** moduleLoad() failing at dlopen(): the log line, then Redis's reply. */
function loadFails(c: Client, path: string): void {
  c.server.log.warning(`Module ${path} failed to load: tredis cannot load native Redis modules`);
  c.error(AdminErr.moduleLoad);
}

/** The dispatcher's check of LOAD, LOADEX and UNLOAD (protected commands). */
function moduleGuard(c: Client): string | null {
  return moduleAllowed(c) ? null : AdminErr.moduleNotAllowed;
}

function moduleLoadCmd(c: Client, argv: string[]): void {
  loadFails(c, argv[2]);
}

/** parseLoadexArguments(): CONFIG name value pairs, then ARGS and the rest. */
function loadexArgumentsValid(c: Client, args: string[]): boolean {
  for (let i = 0; i < args.length; i++) {
    const a = args[i].toLowerCase();
    if (a === 'config') {
      if (i + 2 >= args.length) {
        c.server.log.notice('CONFIG specified without name value pair');
        return false;
      }
      i += 2;
    } else if (a === 'args') {
      return true;
    } else {
      c.server.log.notice(`Syntax Error from arguments to loadex around ${args[i]}.`);
      return false;
    }
  }
  return true;
}

function moduleLoadex(c: Client, argv: string[]): void {
  if (!loadexArgumentsValid(c, argv.slice(3))) return c.error(AdminErr.moduleLoad);
  loadFails(c, argv[2]);
}

function moduleUnload(c: Client): void {
  c.error(AdminErr.moduleUnloadNoSuch);
}

function moduleList(c: Client): void {
  c.reply.array(0);
}

export const moduleCommands: CommandSpec[] = [
  {
    name: 'module',
    subcommands: [
      { name: 'list', handler: moduleList },
      { name: 'load', handler: moduleLoadCmd, guard: moduleGuard },
      { name: 'loadex', handler: moduleLoadex, guard: moduleGuard },
      { name: 'unload', handler: moduleUnload, guard: moduleGuard },
      { name: 'help', handler: helpHandler(MODULE_HELP) },
    ],
  },
];
