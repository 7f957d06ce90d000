/**
 * The configuration subsystem vs redis-server 7.0.15.
 *
 * Every expected fatal-error text, CONFIG SET reply and CONFIG REWRITE
 * output below was captured from a real redis-server 7.0.15 (rewrite
 * outputs are compared modulo the order of the appended lines, which is
 * hash order in Redis and table order here). When redis-server 7.0.15 is
 * found ($REDIS_SERVER, else PATH), the "live oracle" block re-runs the
 * fatal cases against it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Config, ConfigError, parseCommandLine, PARAMS, IMPLEMENTED_PARAMS } from '../../src/config';
import { findRedisServer } from '../redis-server';

interface FatalCase {
  name: string;
  files?: Record<string, string>;
  args: string[];
  stdin?: string;
  /** The error is a log line on stdout (compare the message only). */
  log?: boolean;
  /** redis-server's stderr ($DIR = the working directory). */
  expected: string;
}

const FATAL_CASES: FatalCase[] = [
  {"name":"bad port on the command line","args":["--port","abc"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'port \"abc\"'\nargument couldn't be parsed into an integer\n"},
  {"name":"unknown directive on the command line","args":["--nosuchthing","1"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'nosuchthing \"1\"'\nBad directive or wrong number of arguments\n"},
  {"name":"enum error in a file, line trimmed","files":{"a.conf":"port 7000\n# c\n  loglevel   foo  \n"},"args":["a.conf","--port","7001"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 3\n>>> 'loglevel   foo'\nargument(s) must be one of the following: debug, verbose, notice, warning\n"},
  {"name":"file then options: options after an extra newline","files":{"a.conf":"port 7000\n"},"args":["a.conf","--port","abc"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 3\n>>> 'port \"abc\"'\nargument couldn't be parsed into an integer\n"},
  {"name":"file without trailing newline","files":{"a.conf":"port 7000"},"args":["a.conf","--port","abc"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'port \"abc\"'\nargument couldn't be parsed into an integer\n"},
  {"name":"wrong number of arguments","files":{"a.conf":"port 7000\n"},"args":["a.conf","--port","1","2"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 3\n>>> 'port \"1\" \"2\"'\nwrong number of arguments\n"},
  {"name":"option words collected until the next --","args":["--port","7","--logfile","--foo","--bar"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 4\n>>> 'bar'\nBad directive or wrong number of arguments\n"},
  {"name":"directive without value swallows the next --word","args":["--loglevel","--port","7397"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'loglevel \"--port\" \"7397\"'\nwrong number of arguments\n"},
  {"name":"save with one number","args":["--save","10"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'save \"10\"'\nInvalid save parameters\n"},
  {"name":"multi-arg value split again","args":["--save","900 1 300","--zzmarker"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'save \"900 1 300\"'\nInvalid save parameters\n"},
  {"name":"multi-arg value accepted when split","args":["--save","900 1 300 10","--shutdown-on-sigint","save now","--zzmarker"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 4\n>>> 'zzmarker'\nBad directive or wrong number of arguments\n"},
  {"name":"--save followed by an option means save \"\"","args":["--save","--port","x"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 3\n>>> 'port \"x\"'\nargument couldn't be parsed into an integer\n"},
  {"name":"name and value in one argument","args":["--port 7000","--hz abc"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 3\n>>> 'hz abc'\nargument couldn't be parsed into an integer\n"},
  {"name":"non-ASCII argument is escaped","args":["--loglevel","hé"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'loglevel \"h\\xc3\\xa9\"'\nargument(s) must be one of the following: debug, verbose, notice, warning\n"},
  {"name":"arguments with quotes and backslashes","args":["--requirepass","a\"b\\c\nd","--zzmarker"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 3\n>>> 'zzmarker'\nBad directive or wrong number of arguments\n"},
  {"name":"unbalanced quotes","files":{"a.conf":"port 7000\nsave 10 \"\n"},"args":["a.conf"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'save 10 \"'\nUnbalanced quotes in configuration line\n"},
  {"name":"closing quote followed by a char","files":{"a.conf":"dir \"a\"b\n"},"args":["a.conf"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 1\n>>> 'dir \"a\"b'\nUnbalanced quotes in configuration line\n"},
  {"name":"single quotes","files":{"a.conf":"requirepass 'it\\'s'x\n"},"args":["a.conf"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 1\n>>> 'requirepass 'it\\'s'x'\nUnbalanced quotes in configuration line\n"},
  {"name":"quoted directive name, case-insensitive","files":{"a.conf":"\"PORT\" 'abc'\n"},"args":["a.conf"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 1\n>>> '\"PORT\" 'abc''\nargument couldn't be parsed into an integer\n"},
  {"name":"CRLF and tabs","files":{"a.conf":"port 7000\r\n\thz\tabc\t\r\n"},"args":["a.conf"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'hz\tabc'\nargument couldn't be parsed into an integer\n"},
  {"name":"escapes in double quotes","files":{"a.conf":"requirepass \"a\\x41\\n\\t\\\"q\\\\\"\nzzmarker\n"},"args":["a.conf"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'zzmarker'\nBad directive or wrong number of arguments\n"},
  {"name":"error inside an included file","files":{"main.conf":"port 7000\ninclude inc.conf\nloglevel debug\n","inc.conf":"# inc\n\nhz abc\n"},"args":["main.conf"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 3\n>>> 'hz abc'\nargument couldn't be parsed into an integer\n"},
  {"name":"include with three arguments","files":{"main.conf":"port 7000\ninclude \"a b\" c\n"},"args":["main.conf"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'include \"a b\" c'\nBad directive or wrong number of arguments\n"},
  {"name":"include glob without match is ignored","files":{"main.conf":"include nomatch*.conf\nzzmarker\n"},"args":["main.conf"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'zzmarker'\nBad directive or wrong number of arguments\n"},
  {"name":"include glob concatenates matches","files":{"main.conf":"include conf.d/*.conf\n","conf.d/a.conf":"port 7000\nhz 5\n","conf.d/b.conf":"hz 7\nhz x\n"},"args":["main.conf"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 4\n>>> 'hz x'\nargument couldn't be parsed into an integer\n"},
  {"name":"include relative to dir","files":{"main.conf":"dir sub\ninclude inc.conf\n","sub/inc.conf":"zzmarker\n"},"args":["main.conf"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 1\n>>> 'zzmarker'\nBad directive or wrong number of arguments\n"},
  {"name":"stdin config","args":["-"],"stdin":"port 7000\nhz abc\n","expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'hz abc'\nargument couldn't be parsed into an integer\n"},
  {"name":"file, stdin and options","files":{"a.conf":"port 7000\n"},"args":["a.conf","-","--hz","5","--zzmarker"],"stdin":"hz 4\n","expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 3\n>>> '\"-\"'\nBad directive or wrong number of arguments\n"},
  {"name":"deprecated directives are ignored","args":["--list-max-ziplist-entries","5","--lua-replicate-commands","yes","--list-max-ziplist-value","1","2"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 4\n>>> 'list-max-ziplist-value \"1\" \"2\"'\nBad directive or wrong number of arguments\n"},
  {"name":"sentinel directive","files":{"a.conf":"sentinel\nsentinel monitor x\n"},"args":["a.conf"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'sentinel monitor x'\nsentinel directive while not in sentinel mode\n"},
  {"name":"module config without value","args":["--port","7","--foo.bar"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 3\n>>> 'foo.bar'\nModule config specified without value\n"},
  {"name":"unknown directive with = sign","args":["--port=7000"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'port=7000'\nBad directive or wrong number of arguments\n"},
  {"name":"user directive without arguments","files":{"a.conf":"user\n"},"args":["a.conf"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 1\n>>> 'user'\nBad directive or wrong number of arguments\n"},
  {"name":"log file cannot be opened","args":["--logfile","nodir/x.log"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nCan't open the log file: No such file or directory\n"},
  {"name":"replicaof in cluster mode","args":["--replicaof","1.2.3.4","5","--cluster-enabled","yes"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nreplicaof directive not allowed in cluster mode\n"},
  {"name":"dir does not exist","args":["--dir","nonexistent"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'dir \"nonexistent\"'\nNo such file or directory\n"},
  {"name":"dir is a file","files":{"f":""},"args":["--dir","f"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'dir \"f\"'\nNot a directory\n"},
  {"name":"bad client-output-buffer-limit class","args":["--client-output-buffer-limit","master","1","1","1"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'client-output-buffer-limit \"master\" \"1\" \"1\" \"1\"'\nInvalid client class specified in buffer limit configuration.\n"},
  {"name":"oom-score-adj-values out of range","args":["--oom-score-adj-values","1","2","3000"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'oom-score-adj-values \"1\" \"2\" \"3000\"'\nInvalid oom-score-adj-values, elements must be between -2000 and 2000.\n"},
  {"name":"too many bind addresses","args":["--bind","1","2","3","4","5","6","7","8","9","10","11","12","13","14","15","16","17"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'bind \"1\" \"2\" \"3\" \"4\" \"5\" \"6\" \"7\" \"8\" \"9\" \"10\" \"11\" \"12\" \"13\" \"14\" \"15\" \"16\" \"17\"'\nToo many bind addresses specified.\n"},
  {"name":"octal parse error","args":["--unixsocketperm","800"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'unixsocketperm \"800\"'\nargument couldn't be parsed as an octal number\n"},
  {"name":"percent bound","args":["--maxmemory-clients","101%"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'maxmemory-clients \"101%\"'\npercentage argument must be less or equal to 100\n"},
  {"name":"memory value error","args":["--maxmemory","1.5gb"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'maxmemory \"1.5gb\"'\nargument must be a memory value\n"},
  {"name":"unsigned bound","args":["--maxclients","-1"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'maxclients \"-1\"'\nargument must be between 1 and 4294967295 inclusive\n"},
  {"name":"notify-keyspace-events bad class","args":["--notify-keyspace-events","KEQ"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'notify-keyspace-events \"KEQ\"'\nInvalid event class character. Use 'Ag$lshzxeKEtmdn'.\n"},
  {"name":"dbfilename path","args":["--dbfilename","a/b.rdb"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'dbfilename \"a/b.rdb\"'\ndbfilename can't be a path, just a filename\n"},
  {"name":"alias name in error line","args":["--slave-read-only","maybe"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'slave-read-only \"maybe\"'\nargument must be 'yes' or 'no'\n"},
  {"name":"hidden config settable","args":["--key-load-delay","x"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'key-load-delay \"x\"'\nargument couldn't be parsed into an integer\n"},
  {"name":"latency percentiles range","args":["--latency-tracking-info-percentiles","50","101"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'latency-tracking-info-percentiles \"50\" \"101\"'\nlatency-tracking-info-percentiles parameters should sit between [0.0,100.0]\n"},
  {"name":"shutdown flags conflict","args":["--shutdown-on-sigterm","save","nosave"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'shutdown-on-sigterm \"save\" \"nosave\"'\nshutdown options SAVE and NOSAVE can't be used simultaneously\n"},
  {"name":"activedefrag unsupported","args":["--activedefrag","yes"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'activedefrag \"yes\"'\nActive defragmentation cannot be enabled: it requires a Redis server compiled with a modified Jemalloc like the one shipped by default with the Redis source distribution\n"},
  {"name":"save \"\" then save","args":["--save","","--save","60","5","--save","x","y"],"expected":"\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 4\n>>> 'save \"x\" \"y\"'\nInvalid save parameters\n"},
  {"name":"config file missing (log line on stdout)","args":["missing.conf"],"log":true,"expected":"Fatal error, can't open config file '$DIR/missing.conf': No such file or directory"},
  {"name":"included file missing (log line on stdout)","files":{"a.conf":"include nope.conf\n"},"args":["a.conf"],"log":true,"expected":"Fatal error, can't open config file 'nope.conf': No such file or directory"},
];

let dir = '';
beforeEach(() => {
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tredis-config-')));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function writeFiles(files: Record<string, string> = {}): void {
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), text, 'latin1');
  }
}

function loadError(args: string[], stdin = ''): ConfigError {
  try {
    Config.load(args, { cwd: dir, readStdin: () => stdin });
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('no error');
}

/** What fn throws; fails the test when fn returns. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return expect.fail('expected a throw, but nothing was thrown');
}

function load(args: string[], stdin = ''): Config {
  return Config.load(args, { cwd: dir, readStdin: () => stdin });
}

function getOne(cfg: Config, name: string): string {
  const r = cfg.get([name]);
  expect(r.length).toBe(1);
  return r[0][1];
}

describe('fatal config errors, byte-identical to redis-server', () => {
  for (const c of FATAL_CASES) {
    it(c.name, () => {
      writeFiles(c.files);
      const err = loadError(c.args, c.stdin);
      const expected = c.expected.split('$DIR').join(dir);
      if (c.log) {
        expect(err.stream).toBe('stdout');
        expect(err.reason).toBe(expected);
        expect(err.output).toMatch(new RegExp(`^${process.pid}:C \\d\\d [A-Z][a-z]{2} \\d{4} \\d\\d:\\d\\d:\\d\\d\\.\\d{3} # `));
        expect(err.output.endsWith(expected + '\n')).toBe(true);
      } else {
        expect(err.stream).toBe('stderr');
        expect(err.output).toBe(expected);
      }
      expect(err.exitCode).toBe(1);
    });
  }
});

describe('command line', () => {
  it('turns --options into config lines appended after the file', () => {
    const cl = parseCommandLine(['my.conf', '--port', '7000', '--save', '900', '1', '--bind', '127.0.0.1', '::1'], '/srv');
    expect(cl.configFile).toBe('/srv/my.conf');
    expect(cl.options).toBe('port "7000" \nsave "900" "1" \nbind "127.0.0.1" "::1" ');
    expect(cl.stdin).toBe(false);
  });
  it('handles --save at the end and before another option', () => {
    expect(parseCommandLine(['--save']).options).toBe('save ""');
    expect(parseCommandLine(['--save', '--port', '1']).options).toBe('save ""\nport "1" ');
    expect(parseCommandLine(['--appendonly', '--port', '1']).options).toBe('appendonly "--port" "1" ');
  });
  it('recognises - for stdin only first or last', () => {
    expect(parseCommandLine(['-']).stdin).toBe(true);
    expect(parseCommandLine(['a.conf', '--port', '1', '-']).stdin).toBe(true);
    const mid = parseCommandLine(['a.conf', '-', '--port', '1']);
    expect(mid.stdin).toBe(false);
    expect(mid.options).toBe('"-" \nport "1" ');
  });
  it('does not load anything without arguments', () => {
    expect(parseCommandLine([]).load).toBe(false);
    expect(load([]).configFile).toBeNull();
  });
  it('later directives win over the file', () => {
    writeFiles({ 'a.conf': 'port 7000\nhz 20\n' });
    const cfg = load(['a.conf', '--port', '7001']);
    expect(cfg.values.port).toBe(7001);
    expect(cfg.values.hz).toBe(20);
    expect(cfg.configFile).toBe(path.join(dir, 'a.conf'));
  });
  it('reads stdin', () => {
    writeFiles({ 'a.conf': 'port 7000\n' });
    const cfg = load(['a.conf', '--hz', '5', '-'], 'port 7002\nhz 4\n');
    expect(cfg.values.port).toBe(7002);
    expect(cfg.values.hz).toBe(5);
  });
});

describe('parsing values (checked against CONFIG GET of redis-server)', () => {
  const cases: [string, string[], Record<string, string>][] = [
    ['save lines accumulate', ['--save', '900', '1', '--save', '300', '10'], { save: '900 1 300 10' }],
    ['save "" clears', ['--save', '900 1', '--save', ''], { save: '' }],
    ['save after save ""', ['--save', '', '--save', '60', '5'], { save: '60 5' }],
    ['--save alone', ['--save'], { save: '' }],
    ['save changes is a C int', ['--save', '10 4294967297'], { save: '10 1' }],
    ['client-output-buffer-limit merges classes', ['--client-output-buffer-limit', 'pubsub 1mb 2kb 7 replica 0 0 0'],
      { 'client-output-buffer-limit': 'normal 0 0 0 slave 0 0 0 pubsub 1048576 2048 7' }],
    ['notify flags and hz cap', ['--notify-keyspace-events', 'AKEmn', '--hz', '1000'], { 'notify-keyspace-events': 'AKEm', hz: '500' }],
    ['hz floor', ['--hz', '0'], { hz: '1' }],
    ['bind list', ['--bind', '127.0.0.1 ::1'], { bind: '127.0.0.1 ::1' }],
    ['enum synonyms print the first name', ['--oom-score-adj', 'relative'], { 'oom-score-adj': 'yes' }],
    ['percent', ['--maxmemory-clients', '10%'], { 'maxmemory-clients': '10%' }],
    ['octal', ['--unixsocketperm', '0700'], { unixsocketperm: '700' }],
    ['percentiles', ['--latency-tracking-info-percentiles', '0.5 1e1 99.999'], { 'latency-tracking-info-percentiles': '0.5 10 99.999' }],
    ['replicaof', ['--replicaof', '127.0.0.1', '7777'], { replicaof: '127.0.0.1 7777', slaveof: '127.0.0.1 7777' }],
    ['slaveof no one', ['--slaveof', 'no one'], { replicaof: '' }],
    ['bit-flag enum', ['--shutdown-on-sigint', 'now', 'save'], { 'shutdown-on-sigint': 'save now' }],
    ['aliases', ['--lua-time-limit', '100', '--hash-max-ziplist-entries', '3'],
      { 'busy-reply-threshold': '100', 'lua-time-limit': '100', 'hash-max-listpack-entries': '3', 'hash-max-ziplist-entries': '3' }],
    ['memory overflow wraps like Redis', ['--maxmemory', '99999999999999999999gb'], { maxmemory: '18446744072635809792' }],
    ['memory units', ['--maxmemory', '1k', '--proto-max-bulk-len', '2gb', '--hash-max-listpack-value', '1KB'],
      { maxmemory: '1000', 'proto-max-bulk-len': '2147483648', 'hash-max-listpack-value': '1024' }],
    ['watchdog period floor', ['--watchdog-period', '5'], { 'watchdog-period': '200' }],
    ['non-ASCII value', ['--replica-announce-ip', 'x\u00e9y'], { 'replica-announce-ip': 'x\xc3\xa9y' }],
  ];
  for (const [name, args, expected] of cases) {
    it(name, () => {
      const cfg = load(args);
      for (const [k, v] of Object.entries(expected)) expect(getOne(cfg, k)).toBe(v);
    });
  }

  it('quoting and escapes in files', () => {
    writeFiles({
      'a.conf': 'requirepass "a\\x41\\n\\t\\"q\\\\"\nmasterauth \'it\\\'s\'\n  "Loglevel"   \'warning\'  \r\n',
    });
    const cfg = load(['a.conf']);
    expect(cfg.values.requirepass).toBe('aA\n\t"q\\');
    expect(cfg.values.masterauth).toBe("it's");
    expect(cfg.values.loglevel).toBe('warning');
  });

  it('include, relative to dir, and globs in sorted order', () => {
    writeFiles({
      'main.conf': 'hz 3\ninclude conf.d/*.conf\ndir sub\ninclude inc.conf\n',
      'conf.d/b.conf': 'hz 7\n',
      'conf.d/a.conf': 'hz 5\nmaxmemory 5mb\n',
      'sub/inc.conf': 'timeout 9\n',
    });
    const cfg = load(['main.conf']);
    expect(cfg.values.hz).toBe(7);
    expect(cfg.values.maxmemory).toBe(5 * 1024 * 1024);
    expect(cfg.values.timeout).toBe(9);
    expect(cfg.values.dir).toBe(path.join(dir, 'sub'));
  });

  it('typed values', () => {
    const cfg = load(['--save', '60 5', '--bind', '127.0.0.1', '-::1', '--notify-keyspace-events', 'Ex', '--requirepass', 'pw']);
    expect(cfg.values.save).toEqual([{ seconds: 60, changes: 5 }]);
    expect(cfg.values.bind).toEqual(['127.0.0.1', '-::1']);
    expect(cfg.values['notify-keyspace-events']).toBe((1 << 1) | (1 << 8));
    expect(cfg.str('requirepass')).toBe('pw');
    expect(cfg.bool('protected-mode')).toBe(true);
    expect(cfg.num('maxclients')).toBe(10000);
    expect(cfg.values['client-output-buffer-limit'].replica).toEqual({ hard: 268435456, soft: 67108864, softSeconds: 60 });
    expect(cfg.values.replicaof).toBeNull();
    expect(cfg.values.dir).toBe(dir);
  });

  it('fromObject', () => {
    const cfg = Config.fromObject({ port: 0, save: '', appendonly: 'no', 'protected-mode': false, bind: '127.0.0.1 ::1', hz: 20 }, { cwd: dir });
    expect(cfg.values.port).toBe(0);
    expect(cfg.values.save).toEqual([]);
    expect(cfg.values['protected-mode']).toBe(false);
    expect(cfg.values.bind).toEqual(['127.0.0.1', '::1']);
    expect(cfg.values.hz).toBe(20);
    expect(Config.fromObject({ save: '900 1 300 10' }).values.save.length).toBe(2);
    expect(Config.fromObject({ bind: ['a', 'b'] }).values.bind).toEqual(['a', 'b']);
    expect(() => Config.fromObject({ port: 'abc' })).toThrow(ConfigError);
    const err = thrown(() => Config.fromObject({ hz: 5, port: 'abc' }));
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).output).toBe(
      "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'port \"abc\"'\nargument couldn't be parsed into an integer\n",
    );
  });

  it('rename-command validation through commandExists', () => {
    const commandExists = (n: string) => ['get', 'set', 'flushall'].includes(n);
    writeFiles({ 'a.conf': 'rename-command FLUSHALL ""\nrename-command get mget2\n' });
    const cfg = Config.load(['a.conf'], { cwd: dir, commandExists });
    expect(cfg.renamedCommands).toEqual([['FLUSHALL', ''], ['get', 'mget2']]);
    writeFiles({ 'b.conf': 'rename-command nosuch x\n' });
    expect(() => Config.load(['b.conf'], { cwd: dir, commandExists })).toThrow(/No such command in rename-command/);
    writeFiles({ 'c.conf': 'rename-command get set\n' });
    expect(() => Config.load(['c.conf'], { cwd: dir, commandExists })).toThrow(/Target command name already exists/);
  });

  it('unimplementedSeen lists non-default unimplemented directives once', () => {
    writeFiles({ 'a.conf': 'rdbcompression yes\nactive-defrag-cycle-max 30\nport 7000\nuser alice on\nuser bob on\nfoo.bar 1\n' });
    const cfg = load(['a.conf', '--active-defrag-cycle-max', '31']);
    expect(cfg.unimplementedSeen()).toEqual(['active-defrag-cycle-max', 'user', 'foo.bar']);
    expect(cfg.users).toEqual([['alice', 'on'], ['bob', 'on']]);
    expect(cfg.moduleConfigs).toEqual([['foo.bar', '1']]);
    expect(cfg.set([['cluster-migration-barrier', '11']])).toBeNull();
    expect(cfg.unimplementedSeen()).toContain('cluster-migration-barrier');
  });
});

describe('CONFIG GET', () => {
  it('has every Redis 7.0.15 parameter with its compiled-in default', () => {
    const cfg = new Config({ cwd: dir });
    const all = cfg.get(['*']);
    expect(all.length).toBe(192);
    const m = new Map(all);
    expect(m.get('save')).toBe('3600 1 300 100 60 10000');
    expect(m.get('bind')).toBe('* -::*');
    expect(m.get('client-output-buffer-limit')).toBe('normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60');
    expect(m.get('dir')).toBe(dir);
    expect(m.get('proto-max-bulk-len')).toBe('536870912');
    expect(m.get('slaveof')).toBe('');
    expect(m.has('key-load-delay')).toBe(false); // hidden
  });
  it('matches aliases too', () => {
    const cfg = new Config();
    expect(cfg.get(['*max-*-entries*']).sort()).toEqual([
      ['hash-max-listpack-entries', '512'],
      ['hash-max-ziplist-entries', '512'],
      ['set-max-intset-entries', '512'],
      ['zset-max-listpack-entries', '128'],
      ['zset-max-ziplist-entries', '128'],
    ]);
    expect(cfg.get(['slave*']).map((x) => x[0]).sort()).toEqual([
      'slave-announce-ip', 'slave-announce-port', 'slave-ignore-maxmemory', 'slave-lazy-flush', 'slave-priority',
      'slave-read-only', 'slave-serve-stale-data', 'slaveof',
    ]);
  });
  it('exact names keep their spelling, are deduplicated case-insensitively, and find hidden parameters', () => {
    const cfg = new Config();
    expect(cfg.get(['PORT'])).toEqual([['PORT', '6379']]);
    expect(cfg.get(['port', 'PORT', 'p?rt'])).toEqual([['port', '6379']]);
    expect(cfg.get(['replicaof', 'slaveof'])).toEqual([['replicaof', ''], ['slaveof', '']]);
    expect(cfg.get(['key-load-delay'])).toEqual([['key-load-delay', '0']]);
    expect(cfg.get(['key-load-*'])).toEqual([]);
    expect(cfg.get(['nosuch'])).toEqual([]);
    expect(cfg.get(['P*RT'])).toEqual([['port', '6379']]);
  });
});

describe('CONFIG SET', () => {
  const errors: [string[], string][] = [
    [['foo', '1'], "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"],
    [['port', 'abc'], "ERR CONFIG SET failed (possibly related to argument 'port') - argument couldn't be parsed into an integer"],
    [['PORT', 'abc'], "ERR CONFIG SET failed (possibly related to argument 'port') - argument couldn't be parsed into an integer"],
    [['LUA-TIME-LIMIT', 'x'], "ERR CONFIG SET failed (possibly related to argument 'lua-time-limit') - argument couldn't be parsed into an integer"],
    [['daemonize', 'yes'], "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config"],
    [['dir', '/tmp'], "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config"],
    [['port', '1', 'port', '2'], "ERR CONFIG SET failed (possibly related to argument 'port') - duplicate parameter"],
    [['port', '1', 'PORT', '2'], "ERR CONFIG SET failed (possibly related to argument 'PORT') - duplicate parameter"],
    [['slaveof', '1', 'port', '2'], "ERR CONFIG SET failed (possibly related to argument 'slaveof') - can't set immutable config"],
    [['daemonize', 'yes', 'foo', '1'], "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config"],
    [['foo', '1', 'daemonize', 'yes'], "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"],
    [['port', 'abc', 'foo', '1'], "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"],
    [['port', '1', 'port', '2', 'daemonize', 'yes'], "ERR CONFIG SET failed (possibly related to argument 'port') - duplicate parameter"],
    [['loglevel', 'foo'], "ERR CONFIG SET failed (possibly related to argument 'loglevel') - argument(s) must be one of the following: debug, verbose, notice, warning"],
    [['protected-mode', 'maybe'], "ERR CONFIG SET failed (possibly related to argument 'protected-mode') - argument must be 'yes' or 'no'"],
    [['maxmemory', '1x'], "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value"],
    [['maxmemory-clients', '1x'], "ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - argument must be a memory or percent value"],
    [['maxmemory-clients', '200%'], "ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - percentage argument must be less or equal to 100"],
    [['active-expire-effort', '11'], "ERR CONFIG SET failed (possibly related to argument 'active-expire-effort') - argument must be between 1 and 10 inclusive"],
    [['maxclients', '0'], "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be between 1 and 4294967295 inclusive"],
    [['proto-max-bulk-len', '10'], "ERR CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - argument must be between 1048576 and 9223372036854775807 inclusive"],
    [['hz', '01'], "ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer"],
    [['hz', '-1'], "ERR CONFIG SET failed (possibly related to argument 'hz') - argument must be between 0 and 2147483647 inclusive"],
    [['save', '10'], "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters"],
    [['notify-keyspace-events', 'Q'], "ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'."],
    [['client-output-buffer-limit', 'normal 0 0'], "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - Wrong number of arguments in buffer limit configuration."],
    [['oom-score-adj-values', '1 2'], "ERR CONFIG SET failed (possibly related to argument 'oom-score-adj-values') - wrong number of arguments"],
    [['oom-score-adj-values', '1 2 x'], "ERR CONFIG SET failed (possibly related to argument 'oom-score-adj-values') - Invalid oom-score-adj-values, elements must be between -2000 and 2000."],
    [['shutdown-on-sigint', 'nosave save'], "ERR CONFIG SET failed (possibly related to argument 'shutdown-on-sigint') - shutdown options SAVE and NOSAVE can't be used simultaneously"],
    [['shutdown-on-sigint', ''], "ERR CONFIG SET failed (possibly related to argument 'shutdown-on-sigint') - argument(s) must be one of the following: default, save, nosave, now, force"],
    [['latency-tracking-info-percentiles', '50 101'], "ERR CONFIG SET failed (possibly related to argument 'latency-tracking-info-percentiles') - latency-tracking-info-percentiles parameters should sit between [0.0,100.0]"],
    [['tls-replication', 'yes'], "ERR CONFIG SET failed (possibly related to argument 'tls-replication') - Unable to update TLS configuration. Check server logs."],
  ];
  for (const [args, expected] of errors) {
    it(`${args.join(' ')} -> ${expected}`, () => {
      const cfg = new Config({ cwd: dir });
      const pairs: [string, string][] = [];
      for (let i = 0; i < args.length; i += 2) pairs.push([args[i], args[i + 1]]);
      expect(cfg.set(pairs)).toBe(expected);
    });
  }

  it('sets values (and aliases) with Redis formatting', () => {
    const cfg = new Config();
    const ok: [string, string, string][] = [
      ['maxmemory', '1GB', '1073741824'],
      ['maxmemory', '', '0'],
      ['maxmemory', '18446744073709551616', '18446744073709551615'],
      ['hz', '100000', '500'],
      ['hz', '0', '1'],
      ['maxmemory-clients', '50%', '50%'],
      ['notify-keyspace-events', 'Kn', 'nK'],
      ['notify-keyspace-events', 'g$lshzxetd', 'A'],
      ['shutdown-on-sigint', 'now save', 'save now'],
      ['shutdown-on-sigint', 'default now', 'now'],
      ['latency-tracking-info-percentiles', '0.5 99.99 1e1', '0.5 99.99 10'],
      ['latency-tracking-info-percentiles', '', ''],
      ['save', '', ''],
      ['save', '10 1 20 2', '10 1 20 2'],
      ['slave-read-only', 'no', 'no'],
      ['bind', '', ''],
      ['client-output-buffer-limit', 'replica 1gb 100mb 30', 'normal 0 0 0 slave 1073741824 104857600 30 pubsub 33554432 8388608 60'],
      ['repl-backlog-size', '1k', '16384'],
      ['hz', '10', '10'],
      ['watchdog-period', '1', '200'],
      ['requirepass', 'secret', 'secret'],
    ];
    for (const [name, value, get] of ok) {
      expect(cfg.set([[name, value]])).toBeNull();
      expect(getOne(cfg, name)).toBe(get);
    }
    expect(getOne(cfg, 'replica-read-only')).toBe('no');
    expect(cfg.values['replica-read-only']).toBe(false);
  });

  it('name and alias in one call are not duplicates (the last one wins)', () => {
    const cfg = new Config();
    expect(cfg.set([['replica-read-only', 'yes'], ['slave-read-only', 'no']])).toBeNull();
    expect(cfg.values['replica-read-only']).toBe(false);
  });

  it('applies several pairs atomically and rolls back on a bad value', () => {
    const cfg = new Config();
    expect(cfg.set([['hz', '50'], ['maxmemory', '1gb'], ['port', 'abc']])).toBe(
      "ERR CONFIG SET failed (possibly related to argument 'port') - argument couldn't be parsed into an integer",
    );
    expect(cfg.values.hz).toBe(10);
    expect(cfg.values.maxmemory).toBe(0);
    expect(cfg.set([['hz', '50'], ['maxmemory', '1gb'], ['port', '7000']])).toBeNull();
    expect([cfg.values.hz, cfg.values.maxmemory, cfg.values.port]).toEqual([50, 1073741824, 7000]);
  });

  it('calls listeners once per CONFIG SET, only for changed values, and rolls back when one fails', () => {
    const cfg = new Config();
    const calls: string[][] = [];
    cfg.onChange(['port', 'bind'], (changed, c) => {
      calls.push([...changed]);
      if (c.values.port === 6666) return 'Unable to listen on this port. Check server logs.';
    });
    const seen: number[] = [];
    cfg.onChange('hz', (_ch, c) => {
      seen.push(c.values.hz);
    });
    expect(cfg.set([['port', '7000'], ['bind', '127.0.0.1']])).toBeNull();
    expect(calls).toEqual([['port', 'bind']]);
    expect(cfg.set([['port', '7000']])).toBeNull(); // unchanged: no call
    expect(calls.length).toBe(1);
    expect(cfg.set([['hz', '20'], ['port', '6666']])).toBe(
      "ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs.",
    );
    expect(cfg.values.port).toBe(7000);
    expect(cfg.values.hz).toBe(10);
    expect(seen).toEqual([20, 10]); // applied, then re-applied with the restored value
    const throwing = cfg.onChange('timeout', () => {
      throw new Error('nope');
    });
    expect(cfg.set([['timeout', '5']])).toBe("ERR CONFIG SET failed (possibly related to argument 'timeout') - nope");
    expect(cfg.values.timeout).toBe(0);
    throwing();
    expect(cfg.set([['timeout', '5']])).toBeNull();
  });

  it('protected configs and loading', () => {
    const local = Config.load(['--enable-protected-configs', 'local'], { cwd: dir });
    expect(local.set([['dbfilename', 'x.rdb']])).toBe("ERR CONFIG SET failed (possibly related to argument 'dbfilename') - can't set protected config");
    expect(local.set([['dbfilename', 'x.rdb']], { localClient: true })).toBeNull();
    const yes = Config.load(['--enable-protected-configs', 'yes'], { cwd: dir });
    fs.mkdirSync(path.join(dir, 'sub'));
    expect(yes.set([['dir', 'sub']])).toBeNull();
    expect(yes.values.dir).toBe(path.join(dir, 'sub'));
    expect(yes.set([['dir', 'nope']])).toBe("ERR CONFIG SET failed (possibly related to argument 'dir') - No such file or directory");
    expect(yes.set([['dbfilename', 'a/b']])).toBe("ERR CONFIG SET failed (possibly related to argument 'dbfilename') - dbfilename can't be a path, just a filename");
    expect(yes.set([['appendonly', 'yes']], { loading: true })).toBe('LOADING Redis is loading the dataset in memory');
  });

  it('knows which parameters are sensitive', () => {
    expect(Config.isSensitive('requirepass')).toBe(true);
    expect(Config.isSensitive('MASTERAUTH')).toBe(true);
    expect(Config.isSensitive('port')).toBe(false);
  });
});

describe('CONFIG REWRITE', () => {
  it('fails without a config file', () => {
    expect(new Config().rewrite()).toBe('ERR The server is running without a config file');
    expect(load(['--port', '7000']).rewrite()).toBe('ERR The server is running without a config file');
  });

  it('keeps comments and order, rewrites in place, appends, blanks and comments out like Redis', () => {
    const conf = [
      '# top comment', 'port 7000', '   # indented comment', '', '', 'save 900 1', 'save 300 10', 'slave-read-only yes',
      'include $DIR/inc.conf', 'maxmemory-policy allkeys-lru   ', `"loglevel" 'verbose'`, '', '', '# trailing comment',
      'dbfilename dump.rdb', 'bind 127.0.0.1', 'client-output-buffer-limit pubsub 32mb 8mb 60', 'notify-keyspace-events Ex',
      'hash-max-ziplist-entries 100', 'lua-time-limit 100', 'list-max-ziplist-entries 5', 'rename-command FLUSHALL ""',
      'loadmodule /x.so', 'masterauth secret', '',
    ].join('\n').split('$DIR').join(dir);
    writeFiles({ 'r.conf': conf, 'inc.conf': 'hz 20\nmaxmemory 100mb\n' });
    const cfg = load(['r.conf', '--daemonize', 'yes']);
    expect(
      cfg.set([
        ['maxmemory-policy', 'volatile-lru'], ['loglevel', 'notice'], ['timeout', '30'], ['maxmemory', '200mb'],
        ['replica-read-only', 'no'], ['hash-max-listpack-entries', '200'], ['save', '100 5'],
        ['client-output-buffer-limit', 'replica 1gb 100mb 30'], ['masterauth', ''], ['requirepass', 'a b"c'],
      ]),
    ).toBeNull();
    expect(cfg.rewrite()).toBeNull();
    const expected = [
      '# top comment', 'port 7000', '# indented comment', '', 'save 100 5', '', 'replica-read-only no', `include ${dir}/inc.conf`,
      'maxmemory-policy volatile-lru', 'loglevel notice', '', '# trailing comment', 'dbfilename "dump.rdb"', 'bind 127.0.0.1',
      'client-output-buffer-limit normal 0 0 0', 'notify-keyspace-events "xE"', 'hash-max-listpack-entries 200',
      'busy-reply-threshold 100', '# ??? list-max-ziplist-entries 5', 'rename-command FLUSHALL ""', '',
      '# Generated by CONFIG REWRITE', 'daemonize yes', 'requirepass "a b\\"c"', 'timeout 30', 'hz 20', 'maxmemory 200mb',
      `dir "${dir}"`, 'client-output-buffer-limit replica 1gb 100mb 30', 'latency-tracking-info-percentiles 50 99 99.9', '',
    ].join('\n');
    const text = fs.readFileSync(path.join(dir, 'r.conf'), 'latin1');
    expect(text).toBe(expected);
    // The included file is not touched, and a second rewrite is stable.
    expect(fs.readFileSync(path.join(dir, 'inc.conf'), 'latin1')).toBe('hz 20\nmaxmemory 100mb\n');
    // A file ending in a newline gets one empty last line, as with Redis.
    expect(cfg.rewrite()).toBeNull();
    expect(fs.readFileSync(path.join(dir, 'r.conf'), 'latin1')).toBe(expected + '\n');
    expect(cfg.rewrite()).toBeNull();
    expect(fs.readFileSync(path.join(dir, 'r.conf'), 'latin1')).toBe(expected + '\n');
    // And the result loads back to the same values.
    const again = load(['r.conf']);
    for (const n of ['maxmemory-policy', 'timeout', 'maxmemory', 'save', 'client-output-buffer-limit', 'requirepass', 'hz']) {
      expect(getOne(again, n)).toBe(getOne(cfg, n));
    }
  });

  it('reuses an existing signature, comments out unknown lines, writes save "" and non-default specials', () => {
    writeFiles({ 'r.conf': 'port 7000\n# Generated by CONFIG REWRITE\nunixsocketperm 700\n' });
    const cfg = load(['r.conf']);
    expect(cfg.set([
      ['save', ''], ['bind', '127.0.0.1 -::1'], ['maxmemory-clients', '10%'], ['notify-keyspace-events', 'AKEmn'],
      ['oom-score-adj-values', '0 100 800'], ['shutdown-on-sigint', 'now save'], ['slowlog-log-slower-than', '-1'],
      ['client-output-buffer-limit', 'normal 1k 2k 3'], ['replica-announce-ip', 'a\tb'],
    ])).toBeNull();
    fs.appendFileSync(path.join(dir, 'r.conf'), 'nosuchthing 1\nfoo "bar\n  MaxMemory 5\nSlave-Priority 5\n\n\n\n');
    expect(cfg.rewrite()).toBeNull();
    expect(fs.readFileSync(path.join(dir, 'r.conf'), 'latin1')).toBe([
      'port 7000', '# Generated by CONFIG REWRITE', 'unixsocketperm 700', '# ??? nosuchthing 1', '# ??? foo "bar',
      'maxmemory 0', 'replica-priority 100', '', 'replica-announce-ip "a\\tb"', 'shutdown-on-sigint save now',
      'slowlog-log-slower-than -1', 'maxmemory-clients 10%', `dir "${dir}"`, 'save ""', 'client-output-buffer-limit normal 1000 2000 3',
      'oom-score-adj-values 0 100 800', 'notify-keyspace-events "AKEm"', 'bind 127.0.0.1 -::1',
      'latency-tracking-info-percentiles 50 99 99.9', '',
    ].join('\n'));
  });

  it('creates the file again if it was removed', () => {
    writeFiles({ 'r.conf': 'port 7000\n' });
    const cfg = load(['r.conf']);
    fs.unlinkSync(path.join(dir, 'r.conf'));
    expect(cfg.rewrite()).toBeNull();
    expect(fs.readFileSync(path.join(dir, 'r.conf'), 'latin1')).toBe(
      `# Generated by CONFIG REWRITE\nport 7000\ndir "${dir}"\nsave 3600 1\nsave 300 100\nsave 60 10000\nlatency-tracking-info-percentiles 50 99 99.9\n`,
    );
  });
});

describe('table', () => {
  it('lists each parameter once with consistent flags', () => {
    const names = new Set<string>();
    for (const d of PARAMS) {
      expect(names.has(d.name)).toBe(false);
      names.add(d.name);
      if ('alias' in d && d.alias) {
        expect(names.has(d.alias)).toBe(false);
        names.add(d.alias);
      }
    }
    expect(IMPLEMENTED_PARAMS).toContain('port');
    expect(IMPLEMENTED_PARAMS).not.toContain('rdb-key-save-delay');
  });
  it('conf/tredis.conf loads and only sets defaults or implemented parameters', () => {
    const file = path.join(__dirname, '../../conf/tredis.conf');
    const cfg = Config.load([file], { cwd: dir });
    expect(cfg.values.bind).toEqual(['127.0.0.1']);
    expect(cfg.values.port).toBe(6379);
    // Redis's default save points: data survives a restart out of the box
    expect(getOne(cfg, 'save')).toBe('3600 1 300 100 60 10000');
    expect(cfg.values.appendonly).toBe(false);
    expect(cfg.values.logfile).toBe('');
    expect(cfg.values.dir).toBe(dir);
    expect(cfg.unimplementedSeen()).toEqual([]);
  });
});

/**
 * The live oracle's redis-server ($REDIS_SERVER, else the one on PATH, as in
 * test/compat) when it is 7.0.15, else why the oracle is skipped.
 */
function liveOracle(): { bin: string } | { skip: string } {
  const bin = findRedisServer();
  if (bin === null) return { skip: 'skipped: redis-server was not found on PATH (set REDIS_SERVER=/path/to/redis-server to override)' };
  const version = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  const v = /\bv=(\S+)/.exec(version.stdout ?? '')?.[1];
  if (v !== '7.0.15') return { skip: `skipped: ${bin} is ${v === undefined ? 'not a working redis-server' : `redis-server ${v}`}, not 7.0.15 (set REDIS_SERVER to a 7.0.15 binary)` };
  return { bin };
}
const oracle = liveOracle();

// Compares fatal config errors with a real redis-server 7.0.15 (CI installs
// it); without one the block is one visible skipped test whose name says why.
describe('live oracle: redis-server 7.0.15', () => {
  if ('skip' in oracle) {
    it.skip(oracle.skip, () => {});
    return;
  }
  const bin = oracle.bin;
  it('prints the same fatal errors', () => {
    for (const c of FATAL_CASES) {
      writeFiles(c.files);
      const r = spawnSync(bin, c.args, { cwd: dir, input: c.stdin ?? '', encoding: 'latin1', timeout: 5000 });
      expect(r.status).toBe(1);
      const err = loadError(c.args, c.stdin);
      if (c.log) {
        const line = r.stdout.split('\n').find((l) => / # /.test(l)) ?? '';
        expect(line.replace(/^.*? # /, '')).toBe(err.reason);
      } else {
        expect(err.output).toBe(r.stderr);
      }
    }
  });
});
