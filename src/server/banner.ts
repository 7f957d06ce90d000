/**
 * The start-up banner (redisAsciiArt()): tredis's own drawing, a stack of
 * three data disks marked with a "t", with the same facts as redis-server's
 * logo block, each on its own line ("Running in <mode> mode", "Port: <n>",
 * "PID: <pid>"), which tools parse. Shown when always-show-logo is yes, or
 * when the log goes to a terminal on stdout; otherwise the one line
 * "Running mode=<mode>, port=<n>." is logged instead, as Redis does.
 */
import type { Logger } from './log';

const ART = [
  '          _.-~~~~~~~~~~~~-._',
  '        (~-._            _.-~)',
  '        |    ~~~~~~~~~~~~    |',
  '        |       _|_          |',
  '        |`-._    |       _.-`|',
  '        |    ~~~~|~~~~~~~    |',
  '        |`-._    |__,    _.-`|',
  '        |    ~~~~~~~~~~~~    |',
  '         `-._            _.-`',
  '             ~~~~~~~~~~~~',
];
const TEXT_COLUMN = 40;

export interface BannerFacts {
  redisVersion: string;
  tredisVersion: string;
  mode: 'standalone' | 'cluster' | 'sentinel';
  port: number;
  pid: number;
}

/** The banner's text: the drawing with the facts to its right, then an empty line. */
export function bannerText(f: BannerFacts): string {
  const right: Record<number, string> = {
    1: `tredis ${f.tredisVersion}, Redis ${f.redisVersion} (00000000/0) 64 bit`,
    3: `Running in ${f.mode} mode`,
    4: `Port: ${f.port}`,
    5: `PID: ${f.pid}`,
  };
  let out = '';
  ART.forEach((line, i) => {
    out += right[i] !== undefined ? line.padEnd(TEXT_COLUMN) + right[i] : line;
    out += '\n';
  });
  return out + '\n';
}

/**
 * redisAsciiArt(): the banner (a raw NOTICE log entry) when `alwaysShow`,
 * or when the log is stdout and stdout is a terminal; the short line otherwise.
 */
export function logBanner(log: Logger, f: BannerFacts, alwaysShow: boolean, logfile: string): void {
  const show = alwaysShow || (logfile === '' && process.stdout.isTTY === true);
  if (show) log.raw('notice', bannerText(f));
  else log.notice(`Running mode=${f.mode}, port=${f.port}.`);
}
