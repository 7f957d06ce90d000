/**
 * Diagnostics: DEBUG, SLOWLOG and LATENCY (the latency monitor's events,
 * the DOCTOR report and graphs, and the per-command latency histograms
 * that latency-tracking records).
 */
import { debugSubcommands } from './debug-ext';
import v8 from 'node:v8';
import type { CommandSpec, Command } from '../server/command';
import type { Client } from '../server/client';
import type { Server } from '../server/server';
import type { LatencyHistogram } from '../server/histogram';
import { clock } from '../server/clock';
import { AdminErr, Err } from '../protocol/errors';
import { debugProtocol } from './debug-protocol';
import { toInt64 } from '../util/numbers';
import { encodingOf, sharedIntOf, stringOf, type Value } from '../store/value';
import { lruIdleSeconds } from '../store/lfu';
import { configOf, configValue, fixed2, helpHandler, isLocalClient, replyHelp } from './shared';
import { lookupFullname } from './introspection';

// ---------------------------------------------------------------- SLOWLOG

function slowlogGet(c: Client, argv: string[]): void {
  if (argv.length > 3) return c.error(AdminErr.subcommandSyntax(argv[1], argv[0]));
  const entries = c.server.slowlog.entries;
  let count = 10;
  if (argv.length === 3) {
    const n = toInt64(argv[2]);
    if (n === null || n < -1n) return c.error(AdminErr.slowlogCount);
    count = n === -1n ? entries.length : n > BigInt(entries.length) ? entries.length : Number(n);
  }
  const sent = Math.min(count, entries.length);
  c.reply.array(sent);
  for (let i = 0; i < sent; i++) {
    const e = entries[i];
    c.reply.array(6);
    c.reply.int(e.id);
    c.reply.int(e.time);
    c.reply.int(e.duration);
    c.reply.bulks(e.args);
    c.reply.bulk(e.peer);
    c.reply.bulk(e.name);
  }
}

function slowlogLen(c: Client): void {
  c.reply.int(c.server.slowlog.entries.length);
}

function slowlogReset(c: Client): void {
  c.server.slowlog.reset();
  c.reply.ok();
}

const SLOWLOG_HELP = [
  'GET [<count>]',
  '    Return top <count> entries from the slowlog (default: 10, -1 mean all).',
  '    Entries are made of:',
  '    id, timestamp, time in microseconds, arguments array, client IP and port,',
  '    client name',
  'LEN',
  '    Return the length of the slowlog.',
  'RESET',
  '    Reset the slowlog.',
];

// ---------------------------------------------------------------- LATENCY

/** Latencies are recorded in fractional ms; Redis keeps whole milliseconds. */
const ms = (x: number) => Math.floor(x);

function latencyLatest(c: Client): void {
  const events = c.server.latency.events;
  c.reply.array(events.size);
  for (const [name, ev] of events) {
    const last = ev.samples[ev.samples.length - 1];
    c.reply.array(4);
    c.reply.bulk(name);
    c.reply.int(last ? last.time : 0);
    c.reply.int(last ? ms(last.latency) : 0);
    c.reply.int(ms(ev.max));
  }
}

function latencyHistory(c: Client, argv: string[]): void {
  const ev = c.server.latency.events.get(argv[2]);
  if (!ev) return c.reply.array(0);
  c.reply.array(ev.samples.length);
  for (const s of ev.samples) {
    c.reply.array(2);
    c.reply.int(s.time);
    c.reply.int(ms(s.latency));
  }
}

function latencyReset(c: Client, argv: string[]): void {
  c.reply.int(c.server.latency.reset(argv.slice(2)));
}

/** A sparkline of the samples (Redis's sparkline.c in "fill" mode), 4 rows high. */
function sparkline(values: number[], labels: string[], columns: number, rows: number): string {
  const charset = '_o#';
  let min = 0;
  let max = 0;
  values.forEach((v, i) => {
    if (i === 0) min = max = v;
    else {
      if (v > max) max = v;
      if (v < min) min = v;
    }
  });
  let out = '';
  for (let off = 0; off < values.length; off += columns) {
    const len = Math.min(columns, values.length - off);
    if (off !== 0) out += '\n';
    let relmax = max - min;
    if (relmax === 0) relmax = 1;
    const steps = charset.length * rows;
    for (let row = 0; ; row++) {
      let loop = false;
      const chars: string[] = new Array<string>(len).fill(' ');
      for (let j = 0; j < len; j++) {
        const relval = values[off + j] - min;
        let step = Math.trunc(Math.trunc(relval * steps) / relmax);
        if (step < 0) step = 0;
        if (step >= steps) step = steps - 1;
        if (row < rows) {
          const idx = step - (rows - row - 1) * charset.length;
          loop = true;
          if (idx >= 0 && idx < charset.length) chars[j] = charset[idx];
          else if (idx >= charset.length) chars[j] = '|';
        } else {
          if (labels.length && row - rows < 1) {
            loop = true; // the blank line between the graph and the labels
            break;
          }
          const label = labels[off + j];
          const at = row - rows - 1;
          if (label !== undefined && label.length > at) {
            loop = true;
            chars[j] = label[at];
          }
        }
      }
      if (!loop) break;
      out += chars.join('') + '\n';
    }
  }
  return out;
}

function latencyGraph(c: Client, argv: string[]): void {
  const name = argv[2];
  const ev = c.server.latency.events.get(name);
  if (!ev || ev.samples.length === 0) return c.error(AdminErr.noLatencySamples(name));
  const nowSec = Math.floor(Date.now() / 1000);
  const values: number[] = [];
  const labels: string[] = [];
  let lo = 0;
  let hi = 0;
  for (const s of ev.samples) {
    const v = ms(s.latency);
    if (values.length === 0) lo = hi = v;
    else {
      if (v > hi) hi = v;
      if (v < lo) lo = v;
    }
    const ago = nowSec - s.time;
    const label =
      ago < 60 ? `${ago}s` : ago < 3600 ? `${Math.floor(ago / 60)}m` : ago < 86400 ? `${Math.floor(ago / 3600)}h` : `${Math.floor(ago / 86400)}d`;
    values.push(v);
    labels.push(label);
  }
  let graph = `${name} - high ${hi} ms, low ${lo} ms (all time high ${ms(ev.max)} ms)\n`;
  graph += '-'.repeat(80) + '\n';
  graph += sparkline(values, labels, 80, 4);
  c.reply.verbatim(graph);
}

const ADVICE = {
  slowlogEnabled: (t: number) =>
    `- There are latency issues with potentially slow commands you are using. Try to enable the Slow Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than ${t * 1000}'. If the Slow log is disabled Redis is not able to log slow commands execution for you.\n`,
  slowlogTuning: (t: number) =>
    `- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than ${t * 1000}'.\n`,
  slowlogInspect:
    '- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n',
  scheduler:
    '- The system is slow to execute Redis code paths not containing system calls. This usually means the system does not provide Redis CPU time to run for long periods. You should try to:\n' +
    '  1) Lower the system load.\n' +
    '  2) Use a computer / VM just for Redis if you are running other software in the same system.\n' +
    '  3) Check if you have a "noisy neighbour" problem.\n' +
    "  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in your system.\n" +
    '  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, if you are using Jemalloc. However this may create fragmentation problems.\n',
  localDisk:
    '- It is strongly advised to use local disks for persistence, especially if you are using AOF. Remote disks provided by platform-as-a-service providers are known to be slow.\n',
  ssd: '- SSD disks are able to reduce fsync latency, and total time needed for snapshotting and AOF log rewriting (resulting in smaller memory usage). With extremely high write load SSD disks can be a good option. However Redis should perform reasonably with high load using normal disks. Use this advice as a last resort.\n',
  dataWriteback:
    '- Mounting ext3/4 filesystems with data=writeback can provide a performance boost compared to data=ordered, however this mode of operation provides less guarantees, and sometimes it can happen that after a hard crash the AOF file will have a half-written command at the end and will require to be repaired before Redis restarts.\n',
  diskContention:
    '- Try to lower the disk contention. This is often caused by other disk intensive processes running in the same computer (including other Redis instances).\n',
  noAppendfsync:
    "- Assuming from the point of view of data safety this is viable in your environment, you could try to enable the 'no-appendfsync-on-rewrite' option, so that fsync will not be performed while there is a child rewriting the AOF file or producing an RDB file (the moment where there is high disk contention).\n",
  relaxFsync:
    "- Your fsync policy is set to 'always'. It is very hard to get good performances with such a setup, if possible try to relax the fsync policy to 'onesec'.\n",
  writeLoad:
    '- Latency during the AOF atomic rename operation or when the final difference is flushed to the AOF file at the end of the rewrite, sometimes is caused by very high write load, causing the AOF buffer to get very large. If possible try to send less commands to accomplish the same work, or use Lua scripts to group multiple operations into a single EVALSHA call.\n',
  hz: "- In order to make the Redis keys expiring process more incremental, try to set the 'hz' configuration parameter to 100 using 'CONFIG SET hz 100'.\n",
  largeObjects:
    '- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n',
  massEviction:
    "- Sudden changes to the 'maxmemory' setting via 'CONFIG SET', or allocation of large objects via sets or sorted sets intersections, STORE option of SORT, Redis Cluster large keys migrations (RESTORE command), may create sudden memory pressure forcing the server to block trying to evict keys. \n",
};

/** LATENCY DOCTOR's report (createLatencyReport). */
export function latencyReport(srv: Server): string {
  const events = srv.latency.events;
  const s = srv.settings;
  const threshold = s.latencyMonitorThreshold;
  if (events.size === 0 && threshold === 0) {
    return 'I\'m sorry, Dave, I can\'t do that. Latency monitoring is disabled in this Redis instance. You may use "CONFIG SET latency-monitor-threshold <milliseconds>." in order to enable it. If we weren\'t in a deep space mission I\'d suggest to take a look at https://redis.io/topics/latency-monitor.\n';
  }
  const adv = new Set<keyof typeof ADVICE>();
  let advices = 0;
  const want = (...names: (keyof typeof ADVICE)[]) => {
    for (const n of names) adv.add(n);
    advices += names.length;
  };
  let report = '';
  let eventnum = 0;
  const nowSec = Math.floor(Date.now() / 1000);
  for (const [name, ev] of events) {
    eventnum++;
    if (eventnum === 1) {
      report += "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n";
    }
    const n = ev.samples.length;
    let sum = 0;
    let oldest = 0;
    for (const smp of ev.samples) {
      sum += ms(smp.latency);
      if (oldest === 0 || smp.time < oldest) oldest = smp.time;
    }
    const avg = n ? Math.floor(sum / n) : 0;
    let period = n ? nowSec - oldest : 0;
    if (n && period === 0) period = 1;
    let dev = 0;
    for (const smp of ev.samples) dev += Math.abs(avg - ms(smp.latency));
    const mad = n ? Math.floor(dev / n) : 0;
    report +=
      `${eventnum}. ${name}: ${n} latency spikes (average ${avg}ms, mean deviation ${mad}ms, period ${fixed2(period / n)} sec).` +
      ` Worst all time event ${ms(ev.max)}ms.`;
    switch (name.toLowerCase()) {
      case 'command':
        if (s.slowlogLogSlowerThan < 0 || s.slowlogMaxLen === 0) want('slowlogEnabled');
        else if (Math.trunc(s.slowlogLogSlowerThan / 1000) > threshold) want('slowlogTuning');
        want('slowlogInspect', 'largeObjects');
        break;
      case 'fast-command':
        want('scheduler');
        break;
      case 'aof-write-pending-fsync':
        want('localDisk', 'diskContention', 'ssd', 'dataWriteback');
        break;
      case 'aof-write-active-child':
        want('noAppendfsync', 'dataWriteback', 'ssd');
        break;
      case 'aof-write-alone':
        want('localDisk', 'dataWriteback', 'ssd');
        break;
      case 'aof-fsync-always':
        want('relaxFsync');
        break;
      case 'aof-fstat':
      case 'rdb-unlink-temp-file':
        want('diskContention', 'localDisk');
        break;
      case 'aof-rewrite-diff-write':
      case 'aof-rename':
        want('writeLoad', 'dataWriteback', 'ssd', 'localDisk');
        break;
      case 'expire-cycle':
        want('hz', 'largeObjects');
        break;
      case 'eviction-del':
        want('largeObjects');
        break;
      case 'eviction-cycle':
        want('massEviction');
        break;
    }
    report += '\n';
  }
  if (eventnum === 0 && advices === 0) {
    report +=
      'Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n';
  } else if (eventnum > 0 && advices === 0) {
    report +=
      "\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please use the Redis community to get some help, providing this report in your help request.\n";
  } else {
    report += '\nI have a few advices for you:\n\n';
    if (adv.has('slowlogEnabled')) report += ADVICE.slowlogEnabled(threshold);
    if (adv.has('slowlogTuning')) report += ADVICE.slowlogTuning(threshold);
    if (adv.has('slowlogInspect')) report += ADVICE.slowlogInspect;
    if (adv.has('scheduler')) report += ADVICE.scheduler;
    if (adv.has('localDisk')) report += ADVICE.localDisk;
    if (adv.has('ssd')) report += ADVICE.ssd;
    if (adv.has('dataWriteback')) report += ADVICE.dataWriteback;
    if (adv.has('diskContention')) report += ADVICE.diskContention;
    if (adv.has('noAppendfsync')) report += ADVICE.noAppendfsync;
    if (adv.has('relaxFsync') && configValue(srv, 'appendfsync', 'everysec') === 'always') report += ADVICE.relaxFsync;
    if (adv.has('writeLoad')) report += ADVICE.writeLoad;
    if (adv.has('hz') && s.hz < 100) report += ADVICE.hz;
    if (adv.has('largeObjects')) report += ADVICE.largeObjects;
    if (adv.has('massEviction')) report += ADVICE.massEviction;
  }
  return report;
}

function latencyDoctor(c: Client): void {
  c.reply.verbatim(latencyReport(c.server));
}

/** fillCommandCDF(): calls, then the cumulative counts by power-of-two usec bucket. */
function replyCommandCdf(c: Client, cmd: Command, h: LatencyHistogram): void {
  c.reply.bulk(cmd.fullname);
  c.reply.map(2);
  c.reply.bulk('calls');
  c.reply.int(h.total);
  c.reply.bulk('histogram_usec');
  const pairs = h.cumulative();
  c.reply.map(pairs.length / 2);
  for (const n of pairs) c.reply.int(n);
}

/** Commands with a histogram: `cmd` itself, then its subcommands (one level). */
function withHistograms(cmd: Command, out: Command[]): void {
  if (cmd.latency) out.push(cmd);
  if (cmd.subcommands) for (const sub of cmd.subcommands.values()) if (sub.latency) out.push(sub);
}

/**
 * LATENCY HISTOGRAM [command ...]: a map of command → histogram, for every
 * command with samples, or for the named ones ("config" also lists its
 * subcommands, "config|get" only that one; unknown names are skipped,
 * repeated names repeated).
 */
function latencyHistogram(c: Client, argv: string[]): void {
  const cmds: Command[] = [];
  if (argv.length === 2) {
    for (const cmd of c.server.registry.all()) withHistograms(cmd, cmds);
  } else {
    for (let i = 2; i < argv.length; i++) {
      const cmd = lookupFullname(c.server, argv[i]);
      if (cmd) withHistograms(cmd, cmds);
    }
  }
  c.reply.map(cmds.length);
  for (const cmd of cmds) replyCommandCdf(c, cmd, cmd.latency!);
}

const LATENCY_HELP = [
  'DOCTOR',
  '    Return a human readable latency analysis report.',
  'GRAPH <event>',
  '    Return an ASCII latency graph for the <event> class.',
  'HISTORY <event>',
  '    Return time-latency samples for the <event> class.',
  'LATEST',
  '    Return the latest latency samples for all events.',
  'RESET [<event> ...]',
  '    Reset latency data of one or more <event> classes.',
  '    (default: reset all data for all event classes)',
  'HISTOGRAM [COMMAND ...]',
  '    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.',
  '    If no commands are specified then all histograms are replied.',
];

// ---------------------------------------------------------------- DEBUG

/** Values of other types may describe themselves to DEBUG OBJECT. */
interface DebugDescribed {
  /** Bytes the value takes in an RDB file (rdbSavedObjectLen). */
  serializedLength?(): number;
  /** Extra " name:value" fields (ql_nodes... for quicklists). */
  debugFields?(): string;
}

const OBJ_SHARED_REFCOUNT = 2147483647;

/** rdbSaveLen() size. */
function rdbLenSize(n: number): number {
  if (n < 1 << 6) return 1;
  if (n < 1 << 14) return 2;
  if (n <= 0xffffffff) return 5;
  return 9;
}

/** rdbEncodeInteger() size, or 0 when the value needs more than 32 bits. */
function rdbIntSize(v: bigint): number {
  if (v >= -128n && v <= 127n) return 2;
  if (v >= -32768n && v <= 32767n) return 3;
  if (v >= -2147483648n && v <= 2147483647n) return 5;
  return 0;
}

/** Bytes a string value takes in an RDB file (rdbSaveRawString / rdbSaveLongLongAsStringObject). */
export function stringSerializedLength(s: string, encoding: string, compression: boolean): number {
  if (encoding === 'int') {
    const v = toInt64(s)!;
    const n = rdbIntSize(v);
    return n > 0 ? n : rdbLenSize(s.length) + s.length;
  }
  if (s.length <= 11) {
    const v = toInt64(s);
    if (v !== null && v.toString() === s) {
      const n = rdbIntSize(v);
      if (n > 0) return n;
    }
  }
  if (compression && s.length > 20) {
    const clen = lzfCompressedLength(Buffer.from(s, 'latin1'), s.length - 4);
    if (clen > 0) return 1 + rdbLenSize(clen) + rdbLenSize(s.length) + clen;
  }
  return rdbLenSize(s.length) + s.length;
}

/**
 * Size of LZF's output for `data` (liblzf 3.6 as built into Redis: HLOG
 * 16, VERY_FAST), or 0 when it would not fit in `outLen` bytes.
 */
export function lzfCompressedLength(data: Buffer, outLen: number): number {
  const inLen = data.length;
  if (inLen === 0 || outLen <= 0) return 0;
  const HLOG = 16;
  const HSIZE = 1 << HLOG;
  const MAX_LIT = 1 << 5;
  const MAX_OFF = 1 << 13;
  const MAX_REF = (1 << 8) + (1 << 3);
  const htab = new Int32Array(HSIZE).fill(-1);
  const idx = (h: number) => ((h >>> (24 - HLOG)) - h * 5) & (HSIZE - 1);
  const inEnd = inLen;
  const outEnd = outLen;
  let ip = 0;
  let op = 1; // start run
  let lit = 0;
  let hval = ((data[0] << 8) | (inLen > 1 ? data[1] : 0)) >>> 0;
  while (ip < inEnd - 2) {
    hval = ((hval << 8) | data[ip + 2]) >>> 0;
    const slot = idx(hval);
    const ref = htab[slot];
    htab[slot] = ip;
    let off = 0;
    if (
      ref > 0 &&
      ref < ip &&
      (off = ip - ref - 1) < MAX_OFF &&
      data[ref + 2] === data[ip + 2] &&
      data[ref] === data[ip] &&
      data[ref + 1] === data[ip + 1]
    ) {
      let len = 2;
      let maxlen = inEnd - ip - len;
      if (maxlen > MAX_REF) maxlen = MAX_REF;
      if (op + 3 + 1 >= outEnd && op - (lit ? 0 : 1) + 3 + 1 >= outEnd) return 0;
      op -= lit ? 0 : 1; // undo the run if it is empty
      extend: {
        if (maxlen > 16) {
          for (let k = 0; k < 16; k++) {
            len++;
            if (data[ref + len] !== data[ip + len]) break extend;
          }
        }
        do len++;
        while (len < maxlen && data[ref + len] === data[ip + len]);
      }
      len -= 2;
      ip++;
      op += len < 7 ? 2 : 3; // back-reference: 2 or 3 bytes
      lit = 0;
      op++; // start run
      ip += len + 1;
      if (ip >= inEnd - 2) break;
      ip -= 2;
      hval = ((data[ip] << 8) | data[ip + 1]) >>> 0;
      hval = ((hval << 8) | data[ip + 2]) >>> 0;
      htab[idx(hval)] = ip;
      ip++;
      hval = ((hval << 8) | data[ip + 2]) >>> 0;
      htab[idx(hval)] = ip;
      ip++;
    } else {
      if (op >= outEnd) return 0;
      lit++;
      op++;
      ip++;
      if (lit === MAX_LIT) {
        lit = 0;
        op++;
      }
    }
  }
  if (op + 3 > outEnd) return 0;
  while (ip < inEnd) {
    lit++;
    op++;
    ip++;
    if (lit === MAX_LIT) {
      lit = 0;
      op++;
    }
  }
  op -= lit ? 0 : 1;
  return op;
}

/** A stable, pointer-looking address for DEBUG OBJECT's "Value at:". */
function fakeAddress(dbid: number, key: string): string {
  let h = 0x811c9dc5 ^ dbid;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return '0x7f' + ((h >>> 0) * 16).toString(16).padStart(10, '0');
}

function debugObject(c: Client, key: string): void {
  const v: Value | undefined = c.db.dict.get(key);
  if (v === undefined) return c.error(Err.noSuchKey);
  const srv = c.server;
  const enc = encodingOf(v);
  const s = stringOf(v);
  const shared = sharedIntOf(v);
  const refcount = shared >= 0 ? OBJ_SHARED_REFCOUNT : 1;
  let serialized = 0;
  let extra = '';
  if (s !== undefined) {
    serialized = stringSerializedLength(s, enc, configValue(srv, 'rdbcompression', 'yes') === 'yes');
  } else {
    const d = v as unknown as DebugDescribed;
    if (typeof d.serializedLength === 'function') serialized = d.serializedLength();
    if (typeof d.debugFields === 'function') extra = d.debugFields();
  }
  // The object's lru field as Redis prints it (LFU data under an LFU
  // policy), and its idle time read as an LRU clock whatever it holds.
  // shared integers keep one word for them all, from startup
  const lru = c.db.accessWord(key, v);
  const idle = lruIdleSeconds(lru, clock.ms);
  c.reply.status(
    `Value at:${fakeAddress(c.db.id, key)} refcount:${refcount} encoding:${enc} serializedlength:${serialized} lru:${lru} lru_seconds_idle:${idle}${extra}`,
  );
}

function debugJmap(c: Client): void {
  const hs = v8.getHeapStatistics() as unknown as Record<string, number>;
  let out = '';
  for (const [k, val] of Object.entries(hs)) out += `${k}:${val}\n`;
  for (const sp of v8.getHeapSpaceStatistics()) {
    out += `${sp.space_name}:size=${sp.space_size},used=${sp.space_used_size},available=${sp.space_available_size},physical=${sp.physical_space_size}\n`;
  }
  const mu = process.memoryUsage();
  out += `rss:${mu.rss}\nexternal:${mu.external}\narray_buffers:${mu.arrayBuffers}\n`;
  c.reply.bulk(out);
}

/** Block the whole server, like Redis's nanosleep() in the main thread. */
function sleepMs(msecs: number): void {
  if (!(msecs > 0)) return;
  const cell = new Int32Array(new SharedArrayBuffer(4));
  Atomics.wait(cell, 0, 0, msecs);
}

function debugAllowed(c: Client): boolean {
  const cfg = configOf(c.server);
  if (!cfg) return true; // embedded without a config table
  const v = configValue(c.server, 'enable-debug-command', 'no');
  return v === 'yes' || (v === 'local' && isLocalClient(c));
}

const DEBUG_HELP = [
  'LOG <message>',
  '    Write <message> to the server log.',
  'OBJECT <key>',
  '    Show low level info about `key` and associated value.',
  'PROTOCOL <type>',
  '    Reply with a test value of the specified type. <type> can be: string,',
  '    integer, double, bignum, null, array, set, map, attrib, push, verbatim,',
  '    true, false.',
  'SET-ACTIVE-EXPIRE <0|1>',
  '    Setting it to 0 disables expiring keys in background when they are not',
  '    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the',
  '    default.',
  'SLEEP <seconds>',
  '    Stop the server for <seconds>. Decimals allowed.',
  'JMAP',
  '    Show the V8 heap statistics of the server process.',
];

/** atoi(): leading blanks, sign, digits; anything else ends the number. */
function atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  return m ? Number(m[1]) | 0 : 0;
}

function debug(c: Client, argv: string[]): void {
  const sub = argv[1].toLowerCase();
  const argc = argv.length;
  if (sub === 'help' && argc === 2) return replyHelp(c, argv, [...DEBUG_HELP, ...[...debugSubcommands.values()].flatMap((d) => d.help ?? [])]);
  if (sub === 'object' && argc === 3) return debugObject(c, argv[2]);
  if (sub === 'sleep' && argc === 3) {
    const secs = parseFloat(argv[2]);
    sleepMs(Number.isFinite(secs) ? secs * 1000 : 0);
    return c.reply.ok();
  }
  if (sub === 'set-active-expire' && argc === 3) {
    c.server.activeExpireEnabled = atoi(argv[2]) !== 0;
    return c.reply.ok();
  }
  if (sub === 'log' && argc === 3) {
    c.server.log.warning(`DEBUG LOG: ${argv[2]}`);
    return c.reply.ok();
  }
  if (sub === 'jmap' && argc === 2) return debugJmap(c);
  if (sub === 'protocol' && argc === 3) return debugProtocol(c, argv[2]);
  const ext = debugSubcommands.get(sub);
  if (ext !== undefined && (ext.argc === undefined || ext.argc(argc))) return ext.handler(c, argv);
  c.error(AdminErr.subcommandSyntax(argv[1], argv[0]));
}

// ---------------------------------------------------------------- registry

export const diagnosticsCommands: CommandSpec[] = [
  {
    name: 'slowlog',
    subcommands: [
      { name: 'get', handler: slowlogGet },
      { name: 'len', handler: slowlogLen },
      { name: 'reset', handler: slowlogReset },
      { name: 'help', handler: helpHandler(SLOWLOG_HELP) },
    ],
  },
  {
    name: 'latency',
    subcommands: [
      { name: 'latest', handler: latencyLatest },
      { name: 'history', handler: latencyHistory },
      { name: 'reset', handler: latencyReset },
      { name: 'doctor', handler: latencyDoctor },
      { name: 'graph', handler: latencyGraph },
      { name: 'histogram', handler: latencyHistogram },
      { name: 'help', handler: helpHandler(LATENCY_HELP) },
    ],
  },
  { name: 'debug', handler: debug, guard: (c) => (debugAllowed(c) ? null : AdminErr.debugNotAllowed) },
];
