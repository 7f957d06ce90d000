/**
 * LOLWUT: versions 5 and 6 are tredis's own drawings (their replies cannot
 * be compared with Redis's, whose drawings differ); checked here for shape,
 * argument limits and the last line, which has Redis's form
 * "<credit>. Redis ver. 7.0.15\n". Forms without a drawing are compared
 * with Redis in test/compat/scripts.test.ts.
 */
import { describe, it, expect } from 'vitest';
import { useServerFixture } from '../helpers';

const fx = useServerFixture();

/** The text of a RESP2 bulk reply. */
function bulkText(reply: string): string {
  const m = /^\$(\d+)\r\n/.exec(reply);
  if (!m) throw new Error(`not a bulk: ${JSON.stringify(reply.slice(0, 80))}`);
  const body = reply.slice(m[0].length, m[0].length + Number(m[1]));
  expect(reply.length).toBe(m[0].length + Number(m[1]) + 2);
  return body;
}

const CREDIT5 = 'tredis - tiles weathering, characters on a terminal, 2026. Redis ver. 7.0.15';
const CREDIT6 = 'tredis - dunes under the stars, characters on a terminal, 2026. Redis ver. 7.0.15';

describe('LOLWUT', () => {
  it('without a version: only the version line, as Redis 7.0.15', async () => {
    expect(bulkText(await fx.cmd('LOLWUT'))).toBe('Redis ver. 7.0.15\n');
  });

  it('VERSION 5: a grid drawing (66 columns, 8 x 12 tiles by default), a blank line, then the credit line', async () => {
    const text = bulkText(await fx.cmd('LOLWUT VERSION 5'));
    expect(text.endsWith(`\n\n${CREDIT5}\n`)).toBe(true);
    const art = text.slice(0, -(CREDIT5.length + 2)).split('\n');
    expect(art.pop()).toBe(''); // the drawing ends with a newline
    // 12 rows of tiles, 8 tiles of 8 columns each: 64 columns at most
    expect(art).toHaveLength(12 * 4);
    expect(Math.max(...art.map((l) => l.length))).toBe(64);
    expect(art[0]).toBe('+-------'.repeat(8));
    expect(/^[ -~]*$/.test(art.join(''))).toBe(true); // plain ASCII
    // the same drawing at every call (no randomness)
    expect(bulkText(await fx.cmd('LOLWUT VERSION 5'))).toBe(text);
  });

  it('VERSION 5 takes columns and tiles per row and column, clamped like Redis (1..1000, 1..200)', async () => {
    const small = bulkText(await fx.cmd('LOLWUT VERSION 5 20 2 3')).split('\n');
    expect(small.slice(-3)).toEqual(['', CREDIT5, '']);
    expect(small.length - 3).toBe(3 * 5); // 3 rows of 10-column tiles, 5 lines high
    const clamped = bulkText(await fx.cmd('LOLWUT VERSION 5 -5 0 -1'));
    expect(clamped.endsWith(`\n\n${CREDIT5}\n`)).toBe(true);
    const big = bulkText(await fx.cmd('LOLWUT VERSION 5 5000 1 1')).split('\n');
    expect(Math.max(...big.map((l) => l.length))).toBe(1000);
  });

  it('VERSION 6: 80 x 20 by default, then the credit line', async () => {
    const text = bulkText(await fx.cmd('LOLWUT VERSION 6'));
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.pop()).toBe(CREDIT6);
    expect(lines).toHaveLength(20);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(80);
    expect(/^[ -~]*$/.test(lines.join(''))).toBe(true);
    const sized = bulkText(await fx.cmd('LOLWUT VERSION 6 30 5')).split('\n');
    expect(sized).toHaveLength(5 + 2);
    expect(sized[5]).toBe(CREDIT6);
    expect(bulkText(await fx.cmd('LOLWUT VERSION 6 0 0')).split('\n')).toHaveLength(1 + 2);
  });

  it('the version is taken modulo 2^32, as Redis prints it with %u', async () => {
    expect(bulkText(await fx.cmd('LOLWUT VERSION 4294967301 20 2 3'))).toBe(bulkText(await fx.cmd('LOLWUT VERSION 5 20 2 3')));
    expect(bulkText(await fx.cmd('LOLWUT VERSION -4294967290'))).toBe(bulkText(await fx.cmd('LOLWUT VERSION 6')));
  });

  it('RESP3: a verbatim txt string', async () => {
    await fx.cmd('HELLO 3');
    try {
      expect(await fx.cmd('LOLWUT')).toBe('=22\r\ntxt:Redis ver. 7.0.15\n\r\n');
      expect((await fx.cmd('LOLWUT VERSION 6 10 2')).startsWith('=')).toBe(true);
    } finally {
      await fx.cmd('HELLO 2');
    }
  });

  it('COMMAND INFO: arity -1, readonly fast, @read @fast, as in Redis 7.0 metadata', async () => {
    expect(await fx.cmd('COMMAND INFO lolwut')).toBe(
      '*1\r\n*10\r\n$6\r\nlolwut\r\n:-1\r\n*2\r\n+readonly\r\n+fast\r\n:0\r\n:0\r\n:0\r\n*2\r\n+@read\r\n+@fast\r\n*0\r\n*0\r\n*0\r\n',
    );
  });
});
