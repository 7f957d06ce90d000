/**
 * DEBUG PROTOCOL <type>: one sample reply of each RESP type, so clients
 * can test their parsers (with RESP2's fallbacks), as Redis 7.0's debug.c.
 */
import type { Client } from '../server/client';
import { AdminErr } from '../protocol/errors';

/** DEBUG PROTOCOL <type>: a sample reply of each RESP type (debug.c). */
export function debugProtocol(c: Client, type: string): void {
  const r = c.reply;
  switch (type.toLowerCase()) {
    case 'string':
      return r.bulk('Hello World');
    case 'integer':
      return r.int(12345);
    case 'double':
      return r.double(3.141);
    case 'bignum':
      return r.bigNumber('1234567999999999999999999999999999999');
    case 'null':
      return r.null();
    case 'array':
    case 'set':
    case 'map': {
      const kind = type.toLowerCase();
      if (kind === 'array') r.array(3);
      else if (kind === 'set') r.set(3);
      else r.map(3);
      for (let j = 0; j < 3; j++) {
        r.int(j);
        if (kind === 'map') r.bool(j === 1);
      }
      return;
    }
    case 'attrib':
      // an attribute is not a reply: the real one follows it (RESP3 only)
      if (r.proto === 3) {
        r.attribute(1);
        r.bulk('key-popularity');
        r.array(2);
        r.bulk('key:123');
        r.int(90);
      }
      return r.bulk('Some real reply following the attribute');
    case 'push':
      if (r.proto < 3) return c.error(AdminErr.resp2NotSupported);
      {
        const start = r.len;
        r.push(2);
        r.bulk('server-cpu-usage');
        r.int(42);
        r.markPush(start);
      }
      // the push is out of band: a normal reply follows for the command
      return r.bulk('Some real reply following the push reply');
    case 'verbatim':
      return r.verbatim('This is a verbatim\nstring');
    case 'true':
      return r.bool(true);
    case 'false':
      return r.bool(false);
    default:
      return c.error(AdminErr.debugProtocolType);
  }
}
