/**
 * client-output-buffer-limit: clients that do not read their output are
 * closed as Redis 7.0 closes them (hard limit at once, soft limit after its
 * seconds, the timer restarting once the output drained), the server's
 * memory stays bounded and other clients are served meanwhile.
 *
 * Every scenario runs on tredis (dist/main.js) and on a real redis-server,
 * each in its own process (so the RSS measured is the server's), with the
 * same assertions: the behaviour is compared, not only tredis's.
 */
import { describe, it, expect, afterEach } from 'vitest';
import { spawn, ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { encode, RawClient, sleep } from '../helpers';
import { findRedisServer } from '../redis-server';
import { freePort } from '../ports';

const MAIN = path.join(__dirname, '..', '..', 'dist', 'main.js');
const REDIS_BIN = findRedisServer();
type Kind = 'tredis' | 'redis';
const KINDS: Kind[] = ['tredis', 'redis'];
const KB = 1024;
const MB = 1024 * 1024;

/** A server in its own process, logging to a file. */
interface Proc {
  kind: Kind;
  port: number;
  pid: number;
  log(): string;
  stop(): Promise<void>;
}

const running = new Set<Proc>();
afterEach(async () => {
  for (const p of [...running]) await p.stop();
});


async function startServer(kind: Kind): Promise<Proc> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tredis-obuf-'));
  const logFile = path.join(dir, 'server.log');
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--logfile', logFile];
  const child: ChildProcess =
    kind === 'tredis'
      ? spawn(process.execPath, [MAIN, ...args], { cwd: dir, stdio: 'ignore' })
      : spawn(REDIS_BIN!, args, { cwd: dir, stdio: 'ignore' });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const proc: Proc = {
    kind,
    port,
    pid: child.pid!,
    log: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'latin1') : ''),
    stop: async () => {
      running.delete(proc);
      child.kill('SIGKILL');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  running.add(proc);
  const deadline = Date.now() + 15000;
  for (;;) {
    try {
      const r = await RawClient.connect(port);
      const pong = await r.cmd('PING');
      r.close();
      if (pong === '+PONG\r\n') return proc;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`${kind} did not start`);
    await sleep(30);
  }
}

/** Resident set size of a process, bytes. */
function rss(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'latin1'));
  return Number(m![1]) * KB;
}

/** A raw connection that counts what it receives and can stop reading. */
class Peer {
  text = '';
  received = 0;
  ended = false;

  private constructor(readonly sock: net.Socket) {
    sock.on('data', (d: Buffer) => {
      this.received += d.length;
      if (this.text.length < 4096) this.text += d.toString('latin1');
    });
    const gone = () => (this.ended = true);
    sock.on('close', gone);
    sock.on('error', gone);
  }

  static connect(port: number): Promise<Peer> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new Peer(s)));
      s.once('error', reject);
    });
  }

  async until(pred: () => boolean, ms = 5000): Promise<void> {
    const end = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > end) throw new Error('condition not reached');
      await sleep(5);
    }
  }
}

/** A subscriber to `ch` that then stops reading; its client id. */
async function pausedSubscriber(port: number): Promise<{ sub: Peer; id: number }> {
  const sub = await Peer.connect(port);
  sub.sock.write(Buffer.concat([encode(['CLIENT', 'ID']), encode(['SUBSCRIBE', 'ch'])]));
  await sub.until(() => sub.text.includes('subscribe\r\n$2\r\nch\r\n:1\r\n'));
  sub.sock.pause();
  return { sub, id: Number(/^:(\d+)\r\n/.exec(sub.text)![1]) };
}

/** Whether CLIENT LIST still shows client `id`; its omem, or -1 once it is gone. */
async function omemOf(ctl: RawClient, id: number): Promise<number> {
  const list = await ctl.cmd('CLIENT', 'LIST', 'ID', String(id));
  const m = /omem=(\d+)/.exec(list);
  return m ? Number(m[1]) : -1;
}

/**
 * Publish `count` messages of `size` bytes on `ch`, pipelined with the
 * socket's back-pressure; the PUBLISH replies in order.
 */
async function flood(port: number, count: number, size: number): Promise<number[]> {
  const pub = await Peer.connect(port);
  let replies = '';
  pub.sock.removeAllListeners('data');
  pub.sock.on('data', (d: Buffer) => (replies += d.toString('latin1')));
  const msg = encode(['PUBLISH', 'ch', Buffer.alloc(size, 'x')]);
  for (let i = 0; i < count; i++) {
    if (!pub.sock.write(msg)) await new Promise((r) => pub.sock.once('drain', r));
  }
  pub.sock.write(encode(['PING']));
  await pub.until(() => replies.endsWith('+PONG\r\n'), 60000);
  pub.sock.destroy();
  return replies
    .split('\r\n')
    .filter((l) => l.startsWith(':'))
    .map((l) => Number(l.slice(1)));
}

/** `Client <CLIENT LIST line> <how> for overcoming of output buffer limits.` for client `id`. */
function limitLogLine(log: string, id: number): string | undefined {
  return log.split('\n').find((l) => l.includes(`# Client id=${id} `) && l.includes('for overcoming of output buffer limits.'));
}

/** The shape of the line, with every field of CLIENT LIST in Redis 7.0's order. */
function logLineRe(flags: string, cmd: string, how: string): RegExp {
  return new RegExp(
    String.raw`^\d+:M \d\d \w{3} \d{4} \d\d:\d\d:\d\d\.\d{3} # Client id=\d+ addr=127\.0\.0\.1:\d+ laddr=127\.0\.0\.1:\d+ fd=\d+ name= ` +
      String.raw`age=\d+ idle=\d+ flags=${flags} db=0 sub=\d+ psub=0 ssub=0 multi=-1 qbuf=\d+ qbuf-free=\d+ argv-mem=\d+ multi-mem=0 ` +
      String.raw`rbs=\d+ rbp=\d+ obl=\d+ oll=\d+ omem=\d+ tot-mem=\d+ events=rw? cmd=${cmd} user=default redir=-1 resp=2 ` +
      `${how} for overcoming of output buffer limits\\.$`,
  );
}

for (const kind of KINDS) {
  const suite = kind === 'redis' && !REDIS_BIN ? describe.skip : describe;
  suite(`client-output-buffer-limit on ${kind}${kind === 'redis' && !REDIS_BIN ? ' (skipped: redis-server not found on PATH)' : ''}`, () => {
    it('pubsub hard limit: a subscriber that stops reading is closed, memory stays bounded, others are served', async () => {
      const srv = await startServer(kind);
      const ctl = await RawClient.connect(srv.port);
      expect(await ctl.cmd('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 1mb 256kb 60')).toBe('+OK\r\n');
      const { sub, id } = await pausedSubscriber(srv.port);
      const rssBefore = rss(srv.pid);

      // another client keeps being served during the flood
      const other = await RawClient.connect(srv.port);
      let served = 0;
      let flooding = true;
      const serving = (async () => {
        while (flooding) {
          expect(await other.cmd('SET', `k${served}`, `v${served}`)).toBe('+OK\r\n');
          expect(await other.cmd('GET', `k${served}`)).toBe(`$${`v${served}`.length}\r\nv${served}\r\n`);
          expect(await other.cmd('PING')).toBe('+PONG\r\n');
          served++;
        }
      })();
      const count = 2048;
      const size = 64 * KB; // 128 MB in all
      const replies = await flood(srv.port, count, size).finally(() => (flooding = false));
      await serving;
      expect(served).toBeGreaterThan(0);

      // the subscriber received the first messages (what the kernel buffers took
      // plus the limit), then was dropped: PUBLISH counts no receiver after that
      expect(replies).toHaveLength(count);
      const delivered = replies.filter((n) => n === 1).length;
      // at least the limit's worth (1 MB = 16 messages) was queued before the close; what the
      // kernel's socket buffers take on top varies with the machine's load, down to nothing
      expect(delivered).toBeGreaterThanOrEqual(16);
      expect(delivered).toBeLessThan(count / 4);
      expect(replies.slice(0, delivered).every((n) => n === 1)).toBe(true);
      expect(replies.slice(delivered).every((n) => n === 0)).toBe(true);

      // gone from CLIENT LIST and INFO clients; the others are still there
      expect(await omemOf(ctl, id)).toBe(-1);
      expect(await ctl.cmd('CLIENT', 'LIST', 'TYPE', 'pubsub')).toMatch(/^[$=]0\r\n\r\n$/);
      await waitConnectedClients(ctl, 2); // ctl and other (the publisher left too)
      expect(await other.cmd('GET', 'k0')).toBe('$2\r\nv0\r\n');

      // memory: the unsent messages were dropped, not kept
      // (tredis's RSS grows by about 35 MB here whatever the flood's size: V8's
      // young generation; keeping the messages would take over 128 MB)
      const growth = rss(srv.pid) - rssBefore;
      expect(growth).toBeLessThan((count * size) / 2);

      // the subscriber's connection ends once it reads again
      sub.sock.resume();
      await sub.until(() => sub.ended, 10000);
      expect(sub.received).toBeLessThan(delivered * (size + 64) + 4096);

      const line = limitLogLine(srv.log(), id);
      expect(line).toMatch(logLineRe('P', 'subscribe', 'scheduled to be closed ASAP'));
      ctl.close();
      other.close();
    }, 90_000);

    it('a client marked over the limit is dropped after the current event: later PUBLISHes in it still count it, CLIENT LIST shows flag A', async () => {
      const srv = await startServer(kind);
      const ctl = await RawClient.connect(srv.port);
      const { id } = await pausedSubscriber(srv.port);
      // fill the kernel's buffers with no limit in force, so output queues in the server
      expect(await ctl.cmd('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 0 0 0')).toBe('+OK\r\n');
      const filled = await flood(srv.port, 320, 64 * KB);
      expect(filled.every((n) => n === 1)).toBe(true);
      expect(await omemOf(ctl, id)).toBeGreaterThan(100 * KB);

      // CONFIG SET takes effect at once: the next message crosses the new limit.
      // 20 KB: more than the free room of Redis's last reply block, so it
      // needs a new one (Redis checks when it adds one), and less than 32 KB,
      // so Redis reads it with the commands after it (not as a big argument).
      ctl.write(
        Buffer.concat([
          encode(['CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 100kb 0 0']),
          encode(['PUBLISH', 'ch', 'x'.repeat(20 * KB)]),
          encode(['CLIENT', 'LIST', 'ID', String(id)]),
          encode(['PUBLISH', 'ch', 'y']),
          encode(['PING']),
        ]),
      );
      const out = await ctl.readUntil((s) => s.endsWith('+PONG\r\n'), 10000);
      const [ok, first, list, second] = out.split(/\r\n(?=[+:$=])/);
      expect(ok).toBe('+OK');
      expect(first).toBe(':1');
      expect(list).toMatch(new RegExp(`id=${id} .* flags=PA `));
      expect(second).toBe(':1');
      expect(await ctl.cmd('PUBLISH', 'ch', 'z')).toBe(':0\r\n');
      expect(await omemOf(ctl, id)).toBe(-1);
      expect(limitLogLine(srv.log(), id)).toMatch(logLineRe('P', 'subscribe', 'scheduled to be closed ASAP'));
      ctl.close();
    }, 60_000);

    it('pubsub soft limit: closed only once over it for more than the soft seconds, by the cron when nothing more is sent', async () => {
      const srv = await startServer(kind);
      const ctl = await RawClient.connect(srv.port);
      expect(await ctl.cmd('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 64mb 512kb 2')).toBe('+OK\r\n');
      const { id } = await pausedSubscriber(srv.port);
      const overAt = await fillOverSoft(srv.port, ctl, id, 512 * KB);
      // well within the soft seconds: still connected
      await sleep(1000);
      expect(await omemOf(ctl, id)).toBeGreaterThan(0);
      // then closed with nothing more published to it
      let goneAt = 0;
      while (Date.now() - overAt < 8000) {
        if ((await omemOf(ctl, id)) === -1) {
          goneAt = Date.now();
          break;
        }
        await sleep(50);
      }
      expect(goneAt).toBeGreaterThan(0);
      // over it for more than 2 whole seconds of the server's clock
      expect(goneAt - overAt).toBeGreaterThan(1200);
      expect(limitLogLine(srv.log(), id)).toMatch(logLineRe('P', 'subscribe', 'closed'));
      ctl.close();
    }, 60_000);

    it('pubsub soft limit: the period ends once the output drained', async () => {
      const srv = await startServer(kind);
      const ctl = await RawClient.connect(srv.port);
      expect(await ctl.cmd('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 64mb 512kb 2')).toBe('+OK\r\n');
      const { sub, id } = await pausedSubscriber(srv.port);
      const firstOver = await fillOverSoft(srv.port, ctl, id, 512 * KB);
      await sleep(1500);
      // read everything, then stop reading again and go over once more
      sub.sock.resume();
      const start = Date.now();
      while ((await omemOf(ctl, id)) !== 0) {
        if (Date.now() - start > 5000) throw new Error('subscriber did not drain');
        await sleep(10);
      }
      sub.sock.pause();
      // over it again for 1.5 s (topped up: the kernel may take more now)
      const again = Date.now();
      while (Date.now() - again < 1500) {
        await fillOverSoft(srv.port, ctl, id, 512 * KB);
        await sleep(50);
      }
      // over the soft limit for more than 3 s in all, but not continuously
      expect(Date.now() - firstOver).toBeGreaterThan(3000);
      expect(await omemOf(ctl, id)).toBeGreaterThanOrEqual(512 * KB);
      ctl.close();
    }, 60_000);

    it('pubsub soft limit: after a full drain a burst in one event starts a new period', async () => {
      const srv = await startServer(kind);
      const ctl = await RawClient.connect(srv.port);
      expect(await ctl.cmd('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 64mb 128kb 1')).toBe('+OK\r\n');
      // one PUBLISH on ch reaches this subscriber four times (a channel and three patterns)
      const sub = await Peer.connect(srv.port);
      sub.sock.write(Buffer.concat([encode(['CLIENT', 'ID']), encode(['SUBSCRIBE', 'ch']), encode(['PSUBSCRIBE', 'c*', 'ch*', '*h'])]));
      await sub.until(() => sub.text.includes('$2\r\n*h\r\n:4\r\n'));
      const id = Number(/^:(\d+)\r\n/.exec(sub.text)![1]);
      sub.sock.pause();
      await fillOverSoft(srv.port, ctl, id, 128 * KB, 4);
      // drain at once (well within the soft second), then stay idle past it
      sub.sock.resume();
      const start = Date.now();
      while ((await omemOf(ctl, id)) !== 0) {
        if (Date.now() - start > 5000) throw new Error('subscriber did not drain');
        await sleep(10);
      }
      sub.sock.pause();
      await sleep(2200);
      // 4 x 40 KB in one event: over the soft limit again, a new period
      expect(await ctl.cmd('PUBLISH', 'ch', 'x'.repeat(40 * KB))).toBe(':4\r\n');
      expect(await omemOf(ctl, id)).toBeGreaterThanOrEqual(0);
      expect(srv.log()).not.toContain('for overcoming of output buffer limits');
      ctl.close();
    }, 60_000);

    it('normal class: a client pipelining big GETs without reading is cut at the reply that crosses the hard limit', async () => {
      const srv = await startServer(kind);
      const ctl = await RawClient.connect(srv.port);
      expect(await ctl.cmd('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 1mb 0 0')).toBe('+OK\r\n');
      expect(await ctl.cmd('SET', 'big', 'x'.repeat(100_000))).toBe('+OK\r\n');
      const x = await Peer.connect(srv.port);
      x.sock.pause();
      await waitConnectedClients(ctl, 2);
      // one read event: the 11th reply crosses 1 MB, the commands after it do not run
      const pipeline: Buffer[] = [];
      for (let i = 0; i < 30; i++) pipeline.push(encode(['GET', 'big']), encode(['INCR', 'n']));
      x.sock.write(Buffer.concat(pipeline));
      await waitConnectedClients(ctl, 1);
      expect(await ctl.cmd('GET', 'n')).toBe('$2\r\n10\r\n');
      const line = srv.log().split('\n').find((l) => l.includes('for overcoming of output buffer limits.'));
      expect(line).toMatch(logLineRe('N', 'get', 'scheduled to be closed ASAP'));
      ctl.close();
    }, 60_000);

    it('normal class: a client that never reads is closed; with the default (normal 0 0 0) it never is', async () => {
      const srv = await startServer(kind);
      const ctl = await RawClient.connect(srv.port);
      expect(await ctl.cmd('SET', 'big', 'x'.repeat(512 * KB))).toBe('+OK\r\n');
      const rssBefore = rss(srv.pid);
      const getBig = encode(['GET', 'big']);
      // default limits: 40 replies (20 MB) wait for the client, however slow
      const patient = await Peer.connect(srv.port);
      patient.sock.pause();
      for (let i = 0; i < 40; i++) patient.sock.write(getBig);
      await sleep(1500);
      patient.sock.resume();
      const expected = 40 * (512 * KB + `$${512 * KB}\r\n\r\n`.length);
      await patient.until(() => patient.received >= expected, 20000);
      expect(patient.received).toBe(expected);
      expect(patient.ended).toBe(false);
      patient.sock.destroy();

      // normal 1mb 0 0: 200 replies (100 MB) are not kept for a client that does not read
      expect(await ctl.cmd('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 1mb 0 0')).toBe('+OK\r\n');
      const greedy = await Peer.connect(srv.port);
      greedy.sock.pause();
      await waitConnectedClients(ctl, 2);
      for (let i = 0; i < 200; i++) greedy.sock.write(getBig);
      await waitConnectedClients(ctl, 1);
      expect(rss(srv.pid) - rssBefore).toBeLessThan(60 * MB);
      greedy.sock.resume();
      await greedy.until(() => greedy.ended, 10000);
      expect(greedy.received).toBeLessThan(100 * MB);
      expect(srv.log()).toMatch(/flags=N db=0 .* cmd=get .* scheduled to be closed ASAP for overcoming of output buffer limits\./);
      ctl.close();
    }, 90_000);

    it('a MONITOR client is limited as a normal client', async () => {
      const srv = await startServer(kind);
      const ctl = await RawClient.connect(srv.port);
      expect(await ctl.cmd('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 1mb 0 0 pubsub 0 0 0')).toBe('+OK\r\n');
      const mon = await Peer.connect(srv.port);
      mon.sock.write(Buffer.concat([encode(['CLIENT', 'ID']), encode(['MONITOR'])]));
      await mon.until(() => mon.text.includes('+OK\r\n'));
      const id = Number(/^:(\d+)\r\n/.exec(mon.text)![1]);
      mon.sock.pause();
      const writer = await Peer.connect(srv.port);
      const set = encode(['SET', 'k', 'x'.repeat(64 * KB)]);
      for (let i = 0; i < 400; i++) if (!writer.sock.write(set)) await new Promise((r) => writer.sock.once('drain', r));
      writer.sock.write(encode(['PING']));
      await writer.until(() => writer.text.endsWith('+PONG\r\n'), 30000);
      expect(await omemOf(ctl, id)).toBe(-1);
      expect(limitLogLine(srv.log(), id)).toMatch(logLineRe('O', 'monitor', 'scheduled to be closed ASAP'));
      writer.sock.destroy();
      ctl.close();
    }, 60_000);
  });
}

/** Poll INFO clients until `n` clients are connected. */
async function waitConnectedClients(ctl: RawClient, n: number): Promise<void> {
  const start = Date.now();
  while (!new RegExp(`\r\nconnected_clients:${n}\r\n`).test(await ctl.cmd('INFO', 'clients'))) {
    if (Date.now() - start > 10000) throw new Error(`connected_clients never became ${n}`);
    await sleep(20);
  }
}

/** Publish 64 KB messages until CLIENT LIST shows client `id` with at least `soft` bytes pending; when that was seen. */
async function fillOverSoft(port: number, ctl: RawClient, id: number, soft: number, receivers = 1): Promise<number> {
  const pub = await RawClient.connect(port);
  const payload = 'x'.repeat(64 * KB);
  try {
    for (let i = 0; i < 1000; i++) {
      expect(await pub.cmd('PUBLISH', 'ch', payload)).toBe(`:${receivers}\r\n`);
      if ((await omemOf(ctl, id)) >= soft) return Date.now();
    }
    throw new Error('never over the soft limit');
  } finally {
    pub.close();
  }
}
