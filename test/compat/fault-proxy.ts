/**
 * A TCP proxy in front of a server that can rewrite its replies: a stand-in
 * for a tredis with a chosen bug, to show that the differential harness
 * notices it (harness-selftest.test.ts). Each reply is paired with the
 * command it answers (first in, first out per connection).
 */
import net from 'node:net';
import { replyLength } from '../helpers';
import { parseReply } from './reply-tree';

/** Rewrite one reply: return what the client receives instead (a duplicate, a changed value...). */
export type Rewrite = (args: string[], reply: string) => string;

export interface FaultProxy {
  port: number;
  close(): Promise<void>;
}

/** Complete RESP values at the front of `buf`, and what is left. */
function split(buf: string): [string[], string] {
  const out: string[] = [];
  for (let n = replyLength(buf); n > 0; n = replyLength(buf)) {
    out.push(buf.slice(0, n));
    buf = buf.slice(n);
  }
  return [out, buf];
}

export function startFaultProxy(targetPort: number, rewrite: Rewrite): Promise<FaultProxy> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    const pending: string[][] = [];
    let fromClient = '';
    let fromServer = '';
    client.on('data', (d) => {
      const [commands, rest] = split(fromClient + d.toString('latin1'));
      fromClient = rest;
      for (const c of commands) pending.push(parseReply(c)[0].items?.map((a) => a.body ?? '') ?? []);
      upstream.write(d);
    });
    upstream.on('data', (d) => {
      const [replies, rest] = split(fromServer + d.toString('latin1'));
      fromServer = rest;
      for (const reply of replies) client.write(Buffer.from(rewrite(pending.shift() ?? [], reply), 'latin1'));
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    for (const s of [client, upstream]) {
      s.on('close', end);
      s.on('error', end);
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: (server.address() as net.AddressInfo).port,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}
