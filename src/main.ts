#!/usr/bin/env node
/**
 * tredis-server: the command-line entry point, redis-server's interface
 * (`tredis-server [config-file|-] [--directive value ...]`), a thin wrapper
 * over startWithConfig().
 */
import { startWithConfig } from './index';
import { Config, ConfigError } from './config';
import { REDIS_VERSION, TREDIS_VERSION } from './version';

function usage(): string {
  const p = 'tredis-server';
  return `Usage: ./${p} [/path/to/redis.conf] [options] [-]
       ./${p} - (read config from stdin)
       ./${p} -v or --version
       ./${p} -h or --help
       ./${p} --test-memory <megabytes>
       ./${p} --check-system

Examples:
       ./${p} (run the server with default conf)
       echo 'maxmemory 128mb' | ./${p} -
       ./${p} /etc/redis/6379.conf
       ./${p} --port 7777
       ./${p} --port 7777 --replicaof 127.0.0.1 8888
       ./${p} /etc/myredis.conf --loglevel verbose -
       ./${p} /etc/myredis.conf --loglevel verbose

Sentinel mode:
       ./${p} /etc/sentinel.conf --sentinel
`;
}

async function main(argv: string[]): Promise<void> {
  const first = argv[0];
  if (first === '-v' || first === '--version') {
    process.stdout.write(`Redis server v=${REDIS_VERSION} sha=00000000:0 malloc=libc bits=64 build=tredis-${TREDIS_VERSION}\n`);
    return;
  }
  if (first === '-h' || first === '--help') {
    process.stderr.write(usage());
    process.exitCode = 1;
    return;
  }
  if (first === '--test-memory' || first === '--check-system') {
    process.stderr.write(`${first} is not supported by tredis (memory is managed by V8).\n`);
    process.exitCode = 1;
    return;
  }
  let cfg: Config;
  try {
    cfg = Config.load(argv);
  } catch (e) {
    if (e instanceof ConfigError) {
      process[e.stream].write(Buffer.from(e.output, 'latin1'));
      process.exit(e.exitCode);
    }
    throw e;
  }
  if (cfg.values.port === 0 && !cfg.values.unixsocket) {
    process.stdout.write('Configured to not listen anywhere, exiting.\n');
    process.exit(1);
  }
  let srv;
  try {
    srv = await startWithConfig(cfg);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(1);
  }
  const running = srv;
  let stopping = false;
  const stop = (sig: string) => {
    if (stopping) return;
    stopping = true;
    const log = running.server.log;
    log.warning(`Received ${sig} scheduling shutdown...`);
    log.warning('User requested shutdown...');
    // the AOF written and fsynced (persistence/aof); a first rewrite still running keeps the server up
    if (running.server.aof !== null && !running.server.aof.prepareForShutdown(false)) {
      log.warning('Errors trying to shut down the server. Check the logs for more information.');
      stopping = false;
      return;
    }
    // with save points set, the final snapshot first; if it fails the server keeps running, as Redis's prepareForShutdown
    if (cfg.values.save.length > 0 && running.server.shutdownSave) {
      if (running.server.shutdownSave() !== null) {
        log.warning("Error trying to save the DB, can't exit.");
        log.warning('Errors trying to shut down the server. Check the logs for more information.');
        stopping = false;
        return;
      }
    }
    if (running.server.settings.pidfile) log.notice('Removing the pid file.');
    log.warning('Redis is now ready to exit, bye bye...');
    void running.server.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  running.server.onShutdown = () => process.exit(0);
}

void main(process.argv.slice(2));
