/**
 * Programmatic API: run a real tredis server inside a Node process.
 *
 *   const srv = await startServer({ port: 0, save: '' });
 *   // connect to srv.port ...
 *   await srv.close();
 */
import { Server } from './server/server';
import { createLogger } from './server/log';
import { commandFamilies } from './commands';
import { buildSettings, DirectiveValue } from './server/boot';

export interface RunningServer {
  port: number;
  server: Server;
  close(): Promise<void>;
}

export type Directives = Record<string, DirectiveValue>;

export async function startServer(directives: Directives = {}): Promise<RunningServer> {
  const { settings, config } = buildSettings(directives);
  const log = createLogger(settings.loglevel, settings.logfile, directives.logfile === undefined && !('loglevel' in directives));
  const server = new Server(settings, log, commandFamilies);
  server.config = config;
  await server.listen();
  return {
    port: server.boundPort,
    server,
    close: () => server.close(),
  };
}

export { Server };
