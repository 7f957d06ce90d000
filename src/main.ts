#!/usr/bin/env node
/** tredis-server: the command-line entry point, a thin wrapper over startServer(). */
import { startServer } from './index';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const directives: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    if (args[i].startsWith('--')) {
      const vals: string[] = [];
      while (i + 1 < args.length && !args[i + 1].startsWith('--')) vals.push(args[++i]);
      directives[args[i - vals.length].slice(2)] = vals.join(' ');
    }
  }
  const srv = await startServer({ loglevel: 'notice', ...directives });
  const stop = () => {
    void srv.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void main();
