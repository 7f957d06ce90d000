/**
 * Logging through pino, printed as Redis prints its log lines
 * ("pid:M 27 Nov 2026 10:13:17.090 * Ready to accept connections") so that
 * tools and people reading redis logs see the same thing.
 */
import pino from 'pino';
import fs from 'node:fs';

const LEVELS = { debug: 10, verbose: 20, notice: 30, warning: 40 } as const;
export type LogLevel = keyof typeof LEVELS;
const MARK: Record<number, string> = { 10: '.', 20: '-', 30: '*', 40: '#' };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function stamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

export interface Logger {
  debug(msg: string): void;
  verbose(msg: string): void;
  notice(msg: string): void;
  warning(msg: string): void;
  /** serverLogRaw(): `text` as is, without the pid/time prefix, at `level`. */
  raw(level: LogLevel, text: string): void;
  setLevel(level: string): void;
  /** Role letter printed after the pid: C (starting), M (master), S (replica). */
  role: string;
  close(): void;
}

/** logfile "" means standard output, as in Redis; `silent` drops everything. */
export function createLogger(level: string, logfile: string, silent = false): Logger {
  let fd = 1;
  if (logfile) fd = fs.openSync(logfile, 'a');
  const state = { role: 'M' };
  const dest = {
    write(line: string): void {
      // pino hands us its JSON line; turn it into Redis's format
      const rec = JSON.parse(line) as { level: number; time: number; msg: string };
      const out = `${process.pid}:${state.role} ${stamp(rec.time)} ${MARK[rec.level] ?? '*'} ${rec.msg}\n`;
      try {
        fs.writeSync(fd, out);
      } catch {
        /* a closed stdout must not crash the server */
      }
    },
  };
  const lg = pino(
    {
      level: silent ? 'silent' : normalize(level),
      customLevels: LEVELS,
      useOnlyCustomLevels: true,
      base: null,
    },
    dest,
  );
  return {
    debug: (m) => lg.debug(m),
    verbose: (m) => lg.verbose(m),
    notice: (m) => lg.notice(m),
    warning: (m) => lg.warning(m),
    raw: (level, text) => {
      if (!lg.isLevelEnabled(level)) return;
      try {
        fs.writeSync(fd, text);
      } catch {
        /* a closed stdout must not crash the server */
      }
    },
    setLevel: (l) => {
      if (!silent) lg.level = normalize(l);
    },
    get role() {
      return state.role;
    },
    set role(r: string) {
      state.role = r;
    },
    close: () => {
      if (fd !== 1) fs.closeSync(fd);
    },
  };
}

function normalize(level: string): LogLevel {
  return level in LEVELS ? (level as LogLevel) : 'notice';
}
