/**
 * Programmatic API: run a real tredis server inside a Node process.
 *
 *   const srv = await startServer({ port: 0, save: '' });
 *   // connect to srv.port ...
 *   await srv.close();
 *
 * Directives are redis.conf directives (`{ 'maxmemory-policy': 'allkeys-lru' }`).
 * `port: 0` picks a free port; the server logs nothing unless `logfile` or
 * `loglevel` is given.
 */
import { installPersistence } from './persistence/commands';
import { installEviction } from './memory/evict';
import { trackMemory } from './memory/used';
import { Server } from './server/server';
import { createLogger } from './server/log';
import { commandFamilies } from './commands';
import { applyConfig, buildSettings, configFromDirectives, DirectiveValue, writePidfile } from './server/boot';
import { Config } from './config';
import { REDIS_VERSION, TREDIS_VERSION } from './version';
import { logBanner } from './server/banner';
import { installAof } from './persistence/aof';

export interface RunningServer {
  port: number;
  server: Server;
  close(): Promise<void>;
}

export type Directives = Record<string, DirectiveValue | undefined>;

export interface StartOptions {
  /** `port 0` means any free port (API) rather than no TCP (redis-server). */
  ephemeralPort?: boolean;
  /** Log nothing (embedded use). */
  silent?: boolean;
}

export async function startServer(directives: Directives = {}): Promise<RunningServer> {
  const cfg = configFromDirectives(directives);
  const quiet = directives.logfile === undefined && directives.loglevel === undefined;
  return startWithConfig(cfg, { ephemeralPort: true, silent: quiet });
}

/** Start from a loaded Config: shared by the bin and the API. */
export async function startWithConfig(cfg: Config, opts: StartOptions = {}): Promise<RunningServer> {
  const settings = buildSettings(cfg, opts.ephemeralPort ?? false);
  const log = createLogger(settings.loglevel, settings.logfile, opts.silent ?? false);
  log.role = 'C';
  log.warning('oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo');
  log.warning(
    `Redis version=${REDIS_VERSION}, bits=64, commit=00000000, modified=0, pid=${process.pid}, just started`,
  );
  log.warning(cfg.configFile ? 'Configuration loaded' : 'Warning: no config file specified, using the default config. In order to specify a config file use tredis-server /path/to/redis.conf');
  cfg.warn = (m) => log.warning(m);
  for (const name of cfg.unimplementedSeen()) log.warning(`Directive '${name}' is accepted but not implemented by tredis yet; ignored`);
  log.role = 'M';
  const server = new Server(settings, log, commandFamilies);
  server.config = cfg;
  server.configFile = cfg.configFile ?? '';
  cfg.onChange('*', () => {
    applyConfig(settings, cfg);
    server.settingsChanged();
  });
  if (settings.daemonize) log.warning('daemonize yes is not supported (Node cannot fork): running in the foreground');
  logBanner(
    log,
    { redisVersion: REDIS_VERSION, tredisVersion: TREDIS_VERSION, mode: 'standalone', port: settings.port, pid: process.pid },
    cfg.values['always-show-logo'] === true,
    settings.logfile,
  );
  log.warning('Server initialized');
  trackMemory(server);
  installEviction(server);
  // appendonly yes: the dataset comes from the AOF (loadDataFromDisk); a bad AOF stops the start (logged)
  installAof(server).startup();
  await server.listen();
  // the dump in dir/dbfilename, loaded while listening (-LOADING meanwhile); the AOF, when on, by its own layer
  try {
    await installPersistence(server, { load: !settings.appendonly });
  } catch (e) {
    await server.close();
    throw e;
  }
  writePidfile(settings.pidfile);
  log.notice('Ready to accept connections');
  return {
    port: server.boundPort,
    server,
    close: () => server.close(),
  };
}

export { Server, Config };
