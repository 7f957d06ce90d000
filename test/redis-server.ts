/**
 * Locating the real redis-server the tests compare with. No dependency on
 * the compiled server, so unit tests can use it too.
 */
import fs from 'node:fs';
import path from 'node:path';

/**
 * The redis-server binary: `$REDIS_SERVER` if set (must exist), otherwise
 * the first `redis-server` on PATH, otherwise null (the suite is skipped).
 */
export function findRedisServer(): string | null {
  const override = process.env.REDIS_SERVER;
  if (override) {
    if (!fs.existsSync(override)) throw new Error(`REDIS_SERVER=${override} does not exist`);
    return override;
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, 'redis-server');
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      /* not here */
    }
  }
  return null;
}
