/**
 * List commands: LPUSH RPUSH LPUSHX RPUSHX LINSERT LLEN LINDEX LSET LPOP
 * RPOP LRANGE LTRIM LPOS LREM LMOVE RPOPLPUSH LMPOP, and the blocking
 * commands when they don't block. The replies in REDIS_TRANSCRIPT were
 * recorded from a real redis-server 7.0.15 running the same commands in
 * the same order (one connection, RESP2), byte for byte; propagated argv
 * were read from a 7.0.15 replica's MONITOR, keyspace events from a
 * psubscribe. Blocking behaviour itself is in blocking.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { RawClient, Running, useServerFixture } from '../helpers';
import { OK, bulk, bulks, int } from '../resp';

const fx = useServerFixture({ withDb: true });
const { propagated, events } = fx;
let srv: Running;
let r: RawClient;
beforeAll(() => ({ srv, r } = fx));
const captureEvents = () => fx.captureEvents('KEAn');

const cmd = (line: string) => r.cmd(...line.split(' '));

/** [command, exact reply of Redis 7.0.15], run in order on an empty db. */
const REDIS_TRANSCRIPT: [string, string][] = [
  ["SET s x", "+OK\r\n"],
  ["RPUSH l a b c a b c", ":6\r\n"],
  ["LPOP l abc", "-ERR value is out of range, must be positive\r\n"],
  ["LPOP l -1", "-ERR value is out of range, must be positive\r\n"],
  ["LPOP nokey 0", "*-1\r\n"],
  ["LPOP s 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  ["LPOP l 0", "*0\r\n"],
  ["LPOP l 1 2", "-ERR wrong number of arguments for 'lpop' command\r\n"],
  ["LPOS l a RANK 0", "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n"],
  ["LPOS l a RANK -9223372036854775808", ":3\r\n"],
  ["LPOS l a COUNT -1", "-ERR COUNT can't be negative\r\n"],
  ["LPOS l a COUNT x", "-ERR COUNT can't be negative\r\n"],
  ["LPOS l a MAXLEN -1", "-ERR MAXLEN can't be negative\r\n"],
  ["LPOS l a RANK x", "-ERR value is not an integer or out of range\r\n"],
  ["LPOS l a FOO", "-ERR syntax error\r\n"],
  ["LPOS l a RANK", "-ERR syntax error\r\n"],
  ["LPOS nokey a COUNT 0", "*0\r\n"],
  ["LPOS s a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  ["LPOS nokey a RANK 0", "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n"],
  ["LMPOP 0 l LEFT", "-ERR numkeys should be greater than 0\r\n"],
  ["LMPOP x l LEFT", "-ERR numkeys should be greater than 0\r\n"],
  ["LMPOP 2 l LEFT", "-ERR syntax error\r\n"],
  ["LMPOP 1 l UP", "-ERR syntax error\r\n"],
  ["LMPOP 1 l LEFT COUNT 0", "-ERR count should be greater than 0\r\n"],
  ["LMPOP 1 l LEFT COUNT 1 COUNT 1", "-ERR syntax error\r\n"],
  ["LMPOP 1 nokey LEFT", "*-1\r\n"],
  ["BLMPOP 0 1 nokey LEFT COUNT x", "-ERR count should be greater than 0\r\n"],
  ["BLMPOP x 1 nokey LEFT", "-ERR timeout is not a float or out of range\r\n"],
  ["BLMPOP -1 1 nokey LEFT", "-ERR timeout is negative\r\n"],
  ["BLMPOP x 0 nokey LEFT", "-ERR numkeys should be greater than 0\r\n"],
  ["CLIENT UNBLOCK x foo", "-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n"],
  ["CLIENT UNBLOCK x", "-ERR value is not an integer or out of range\r\n"],
  ["CLIENT UNBLOCK 0", ":0\r\n"],
  ["CLIENT UNBLOCK -5 timeout", ":0\r\n"],
  ["LINDEX nokey x", "$-1\r\n"],
  ["LINDEX s x", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  ["LINDEX l x", "-ERR value is not an integer or out of range\r\n"],
  ["LSET nokey x y", "-ERR no such key\r\n"],
  ["LSET l x y", "-ERR value is not an integer or out of range\r\n"],
  ["LSET l 100 y", "-ERR index out of range\r\n"],
  ["LSET s 0 y", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  ["LINSERT l middle a b", "-ERR syntax error\r\n"],
  ["LINSERT nokey before a b", ":0\r\n"],
  ["LINSERT s before a b", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  ["LINSERT s middle a b", "-ERR syntax error\r\n"],
  ["LRANGE nokey x 1", "-ERR value is not an integer or out of range\r\n"],
  ["LRANGE s 0 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  ["LTRIM nokey x 1", "-ERR value is not an integer or out of range\r\n"],
  ["LTRIM s 0 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  ["LREM nokey x 1", "-ERR value is not an integer or out of range\r\n"],
  ["LREM s 1 x", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  ["LMOVE l l2 up left", "-ERR syntax error\r\n"],
  ["LMOVE nokey s left left", "$-1\r\n"],
  ["LMOVE l s left left", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  ["LMOVE s l left left", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  ["BLMOVE nokey l up left 0", "-ERR syntax error\r\n"],
  ["BLMOVE nokey l left left -1", "-ERR timeout is negative\r\n"],
  ["BLMOVE nokey l left left x", "-ERR timeout is not a float or out of range\r\n"],
  ["BLMOVE s l left left x", "-ERR timeout is not a float or out of range\r\n"],
  ["BLMOVE s l left left 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  ["BRPOP nokey s 0.01", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  ["BRPOP s nokey 0.01", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  ["BLPOP s nokey x", "-ERR timeout is not a float or out of range\r\n"],
  ["BLPOP nokey inf", "-ERR timeout is negative\r\n"],
  ["BLPOP nokey -inf", "-ERR timeout is negative\r\n"],
  ["BLPOP nokey 1e20", "-ERR timeout is negative\r\n"],
  ["BLPOP nokey 9.3e15", "-ERR timeout is negative\r\n"],
  ["BLPOP nokey -0.0010000000000000000001", "-ERR timeout is negative\r\n"],
  ["BLPOP nokey -0.002", "-ERR timeout is negative\r\n"],
  ["BLPOP nokey nan", "-ERR timeout is not a float or out of range\r\n"],
  ["BLPOP nokey 1.5e4932", "-ERR timeout is not a float or out of range\r\n"],
  ["BRPOPLPUSH s x 0.01", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  ["BRPOPLPUSH nokey x -0.01", "-ERR timeout is negative\r\n"],
  ["LPUSHX nokey a", ":0\r\n"],
  ["RPUSHX nokey a", ":0\r\n"],
  ["LPUSHX s a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  ["LPUSH s a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  ["DEL l", ":1\r\n"],
  ["RPUSH l a b c d e f g", ":7\r\n"],
  ["LRANGE l 0 -1", "*7\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n$1\r\ng\r\n"],
  ["LRANGE l -100 100", "*7\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n$1\r\ng\r\n"],
  ["LRANGE l 5 2", "*0\r\n"],
  ["LRANGE l -3 -1", "*3\r\n$1\r\ne\r\n$1\r\nf\r\n$1\r\ng\r\n"],
  ["LRANGE l 9223372036854775807 -9223372036854775808", "*0\r\n"],
  ["LRANGE l -9223372036854775808 9223372036854775807", "*7\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n$1\r\ng\r\n"],
  ["LINDEX l -1", "$1\r\ng\r\n"],
  ["LINDEX l -7", "$1\r\na\r\n"],
  ["LINDEX l -8", "$-1\r\n"],
  ["LINDEX l 7", "$-1\r\n"],
  ["LINDEX l 9223372036854775807", "$-1\r\n"],
  ["LSET l -1 G", "+OK\r\n"],
  ["LSET l -8 x", "-ERR index out of range\r\n"],
  ["LRANGE l 0 -1", "*7\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n$1\r\nG\r\n"],
  ["LINSERT l before a X", ":8\r\n"],
  ["LINSERT l after G Y", ":9\r\n"],
  ["LINSERT l after nope Y", ":-1\r\n"],
  ["LINSERT l AFTER d D", ":10\r\n"],
  ["LRANGE l 0 -1", "*10\r\n$1\r\nX\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\nD\r\n$1\r\ne\r\n$1\r\nf\r\n$1\r\nG\r\n$1\r\nY\r\n"],
  ["LPOP l", "$1\r\nX\r\n"],
  ["RPOP l", "$1\r\nY\r\n"],
  ["LPOP l 2", "*2\r\n$1\r\na\r\n$1\r\nb\r\n"],
  ["RPOP l 2", "*2\r\n$1\r\nG\r\n$1\r\nf\r\n"],
  ["LRANGE l 0 -1", "*4\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\nD\r\n$1\r\ne\r\n"],
  ["RPOP l 100", "*4\r\n$1\r\ne\r\n$1\r\nD\r\n$1\r\nd\r\n$1\r\nc\r\n"],
  ["EXISTS l", ":0\r\n"],
  ["RPUSH l a b a c a d a", ":7\r\n"],
  ["LREM l 2 a", ":2\r\n"],
  ["LRANGE l 0 -1", "*5\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nd\r\n$1\r\na\r\n"],
  ["LREM l -1 a", ":1\r\n"],
  ["LRANGE l 0 -1", "*4\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nd\r\n"],
  ["LREM l 0 a", ":1\r\n"],
  ["LRANGE l 0 -1", "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n"],
  ["LREM l -9223372036854775808 b", ":1\r\n"],
  ["LRANGE l 0 -1", "*2\r\n$1\r\nc\r\n$1\r\nd\r\n"],
  ["LREM l 0 c", ":1\r\n"],
  ["LREM l 0 d", ":1\r\n"],
  ["EXISTS l", ":0\r\n"],
  ["RPUSH l 1 2 3 4 5 6 7 8 9", ":9\r\n"],
  ["LTRIM l 2 -3", "+OK\r\n"],
  ["LRANGE l 0 -1", "*5\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n6\r\n$1\r\n7\r\n"],
  ["LTRIM l 0 100", "+OK\r\n"],
  ["LTRIM l -2 -1", "+OK\r\n"],
  ["LRANGE l 0 -1", "*2\r\n$1\r\n6\r\n$1\r\n7\r\n"],
  ["LTRIM l 5 1", "+OK\r\n"],
  ["EXISTS l", ":0\r\n"],
  ["RPUSH l a b c", ":3\r\n"],
  ["LMOVE l l right left", "$1\r\nc\r\n"],
  ["LRANGE l 0 -1", "*3\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nb\r\n"],
  ["LMOVE l l2 left right", "$1\r\nc\r\n"],
  ["LMOVE l l2 LEFT RIGHT", "$1\r\na\r\n"],
  ["LMOVE l l2 Left Left", "$1\r\nb\r\n"],
  ["LRANGE l2 0 -1", "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n"],
  ["EXISTS l", ":0\r\n"],
  ["RPOPLPUSH l2 l2", "$1\r\na\r\n"],
  ["RPOPLPUSH l2 l3", "$1\r\nc\r\n"],
  ["LRANGE l2 0 -1", "*2\r\n$1\r\na\r\n$1\r\nb\r\n"],
  ["LRANGE l3 0 -1", "*1\r\n$1\r\nc\r\n"],
  ["RPUSH k 1", ":1\r\n"],
  ["RPOPLPUSH k k", "$1\r\n1\r\n"],
  ["LRANGE k 0 -1", "*1\r\n$1\r\n1\r\n"],
  ["OBJECT ENCODING k", "$9\r\nquicklist\r\n"],
  ["DEL k", ":1\r\n"],
  ["RPUSH lp a b c a b c a b c", ":9\r\n"],
  ["LPOS lp a", ":0\r\n"],
  ["LPOS lp a RANK 2", ":3\r\n"],
  ["LPOS lp a RANK -1", ":6\r\n"],
  ["LPOS lp a RANK -2 COUNT 2", "*2\r\n:3\r\n:0\r\n"],
  ["LPOS lp a COUNT 0", "*3\r\n:0\r\n:3\r\n:6\r\n"],
  ["LPOS lp a COUNT 0 MAXLEN 4", "*2\r\n:0\r\n:3\r\n"],
  ["LPOS lp a RANK -1 COUNT 0 MAXLEN 4", "*1\r\n:6\r\n"],
  ["LPOS lp c RANK 4", "$-1\r\n"],
  ["LPOS lp c RANK 4 COUNT 0", "*0\r\n"],
  ["LPOS lp z", "$-1\r\n"],
  ["LPOS lp a rank 2 count 2 rank 1", "*2\r\n:0\r\n:3\r\n"],
  ["LPOS lp a RANK -9223372036854775808 COUNT 1", "*3\r\n:6\r\n:3\r\n:0\r\n"],
  ["LPOS lp a RANK -9223372036854775808 MAXLEN 2", "$-1\r\n"],
  ["LPOS lp a RANK 9223372036854775807 COUNT 0", "*0\r\n"],
  ["LPOS lp a MAXLEN 9223372036854775807", ":0\r\n"],
  ["LPOS lp a MAXLEN 9223372036854775808", "-ERR MAXLEN can't be negative\r\n"],
  ["LMPOP 2 nokey lp LEFT", "*2\r\n$2\r\nlp\r\n*1\r\n$1\r\na\r\n"],
  ["LMPOP 2 nokey lp RIGHT COUNT 2", "*2\r\n$2\r\nlp\r\n*2\r\n$1\r\nc\r\n$1\r\nb\r\n"],
  ["LMPOP 2 nokey lp left COUNT 100", "*2\r\n$2\r\nlp\r\n*6\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n"],
  ["EXISTS lp", ":0\r\n"],
  ["LMPOP 1 s LEFT", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  ["LMPOP 2 nokey2 s LEFT", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  ["RPUSH a 1", ":1\r\n"],
  ["LMPOP 2 a s LEFT", "*2\r\n$1\r\na\r\n*1\r\n$1\r\n1\r\n"],
  ["BLMPOP 0 2 a s LEFT", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  ["RPUSH a 1 2 3", ":3\r\n"],
  ["BLMPOP 0 1 a RIGHT COUNT 2", "*2\r\n$1\r\na\r\n*2\r\n$1\r\n3\r\n$1\r\n2\r\n"],
  ["BLPOP a 0", "*2\r\n$1\r\na\r\n$1\r\n1\r\n"],
  ["RPUSH a x y", ":2\r\n"],
  ["BRPOPLPUSH a b 0", "$1\r\ny\r\n"],
  ["BLMOVE a b LEFT LEFT 0", "$1\r\nx\r\n"],
  ["LRANGE b 0 -1", "*2\r\n$1\r\nx\r\n$1\r\ny\r\n"],
  ["BLMOVE b s LEFT LEFT 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  ["LRANGE b 0 -1", "*2\r\n$1\r\nx\r\n$1\r\ny\r\n"],
  ["BLMOVE b b LEFT RIGHT 0", "$1\r\nx\r\n"],
  ["LRANGE b 0 -1", "*2\r\n$1\r\ny\r\n$1\r\nx\r\n"],
  ["RPUSH big 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20", ":21\r\n"],
  ["LPOP big 5", "*5\r\n$1\r\n0\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n"],
  ["RPOP big 5", "*5\r\n$2\r\n20\r\n$2\r\n19\r\n$2\r\n18\r\n$2\r\n17\r\n$2\r\n16\r\n"],
  ["LRANGE big 0 -1", "*11\r\n$1\r\n5\r\n$1\r\n6\r\n$1\r\n7\r\n$1\r\n8\r\n$1\r\n9\r\n$2\r\n10\r\n$2\r\n11\r\n$2\r\n12\r\n$2\r\n13\r\n$2\r\n14\r\n$2\r\n15\r\n"],
  ["LPUSH big z y x", ":14\r\n"],
  ["LRANGE big 0 -1", "*14\r\n$1\r\nx\r\n$1\r\ny\r\n$1\r\nz\r\n$1\r\n5\r\n$1\r\n6\r\n$1\r\n7\r\n$1\r\n8\r\n$1\r\n9\r\n$2\r\n10\r\n$2\r\n11\r\n$2\r\n12\r\n$2\r\n13\r\n$2\r\n14\r\n$2\r\n15\r\n"],
  ["OBJECT ENCODING big", "$9\r\nquicklist\r\n"],
  ["TYPE big", "+list\r\n"],
  ["LLEN big", ":14\r\n"],
  ["LLEN nokey", ":0\r\n"],
  ["LLEN s", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  ["COMMAND GETKEYS LMPOP 2 a b LEFT", "*2\r\n$1\r\na\r\n$1\r\nb\r\n"],
  ["COMMAND GETKEYS LMPOP 3 a b LEFT", "*3\r\n$1\r\na\r\n$1\r\nb\r\n$4\r\nLEFT\r\n"],
  ["COMMAND GETKEYS BLMPOP 0 2 a b LEFT COUNT 1", "*2\r\n$1\r\na\r\n$1\r\nb\r\n"],
  ["COMMAND GETKEYS BLPOP a b c 0", "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"],
  ["COMMAND GETKEYS BLMOVE a b left left 0", "*2\r\n$1\r\na\r\n$1\r\nb\r\n"],
];

describe('against a Redis 7.0.15 transcript', () => {
  it('replies byte for byte (RESP2)', async () => {
    for (const [line, want] of REDIS_TRANSCRIPT) expect(await cmd(line), line).toBe(want);
  });

  it('uses the RESP3 nulls Redis 7.0 uses', async () => {
    const c = await RawClient.connect(srv.port);
    await c.cmd('HELLO', '3');
    const rows: [string, string][] = [
    ["LPOP nokey", "_\r\n"],
    ["LPOP nokey 1", "_\r\n"],
    ["LPOP nokey 0", "_\r\n"],
    ["RPOP nokey 2", "_\r\n"],
    ["LINDEX nokey 0", "_\r\n"],
    ["LPOS nokey x", "_\r\n"],
    ["LPOS nokey x COUNT 0", "*0\r\n"],
    ["LMPOP 1 nokey left", "_\r\n"],
    ["LMOVE nokey x left left", "_\r\n"],
    ["RPOPLPUSH nokey x", "_\r\n"],
    ["RPUSH r a b c", ":3\r\n"],
    ["LINDEX r 5", "_\r\n"],
    ["LPOS r z", "_\r\n"],
    ["LPOS r z COUNT 0", "*0\r\n"],
    ["LPOP r 2", "*2\r\n$1\r\na\r\n$1\r\nb\r\n"],
    ["LMPOP 1 r left", "*2\r\n$1\r\nr\r\n*1\r\n$1\r\nc\r\n"],
    ["LRANGE nokey 0 -1", "*0\r\n"],
    ];
    for (const [line, want] of rows) expect(await c.cmd(...line.split(' ')), line).toBe(want);
    c.close();
  });
});

describe('values', () => {
  it('is binary safe', async () => {
    const v = '\x00\xff\r\n\x80 x';
    expect(await r.cmd('RPUSH', 'b', v, '', v)).toBe(int(3));
    expect(await r.cmd('LRANGE', 'b', '0', '-1')).toBe(bulks(v, '', v));
    expect(await r.cmd('LPOS', 'b', v, 'COUNT', '0')).toBe('*2\r\n:0\r\n:2\r\n');
    expect(await r.cmd('LINSERT', 'b', 'AFTER', '', 'z')).toBe(int(4));
    expect(await r.cmd('LREM', 'b', '0', v)).toBe(int(2));
    expect(await r.cmd('LRANGE', 'b', '0', '-1')).toBe(bulks('', 'z'));
  });

  it('compares options as C strings (up to a NUL byte), as Redis does', async () => {
    await cmd('RPUSH a 1 2');
    expect(await r.cmd('LMOVE', 'a', 'b', 'left\0x', 'RIGHT\0')).toBe(bulk('1'));
    expect(await r.cmd('LPOS', 'a', '2', 'RANK\0zz', '1')).toBe(int(0));
    expect(await r.cmd('LINSERT', 'a', 'before\0', '2', 'z')).toBe(int(2));
    expect(await r.cmd('LMPOP', '1', 'a', 'LEFT\0', 'COUNT\0', '2')).toBe(`*2\r\n${bulk('a')}${bulks('z', '2')}`);
    expect(await r.cmd('BLPOP', 'a', '0.1\0')).toBe('-ERR timeout is not a float or out of range\r\n');
    expect(await r.cmd('LPOP', 'b', '1\0')).toBe('-ERR value is out of range, must be positive\r\n');
  });

  it('OBJECT ENCODING is always quicklist, COPY is independent', async () => {
    expect(await cmd('RPUSH small a')).toBe(int(1));
    expect(await cmd('OBJECT ENCODING small')).toBe(bulk('quicklist'));
    const many = Array.from({ length: 1000 }, (_, i) => `element-${i}`.repeat(3));
    expect(await r.cmd('RPUSH', 'big', ...many)).toBe(int(1000));
    expect(await cmd('OBJECT ENCODING big')).toBe(bulk('quicklist'));
    expect(await cmd('COPY big copy')).toBe(int(1));
    expect(await cmd('OBJECT ENCODING copy')).toBe(bulk('quicklist'));
    expect(await cmd('LPOP copy 10')).toMatch(/^\*10\r\n/);
    expect(await cmd('LSET copy 0 changed')).toBe(OK);
    expect(await cmd('LLEN big')).toBe(int(1000));
    expect(await cmd('LINDEX big 0')).toBe(bulk(many[0]));
    expect(await cmd('LLEN copy')).toBe(int(990));
  });

  it('large lists: ranges, trims, inserts and removals agree with a model', async () => {
    const model: string[] = [];
    const batch: string[] = [];
    for (let i = 0; i < 20000; i++) batch.push(String(i % 7));
    expect(await r.cmd('RPUSH', 'L', ...batch)).toBe(int(20000));
    model.push(...batch);
    const head: string[] = [];
    for (let i = 0; i < 5000; i++) head.push(`h${i}`);
    expect(await r.cmd('LPUSH', 'L', ...head)).toBe(int(25000));
    model.unshift(...head.slice().reverse());
    expect(await cmd('LREM L 100 3')).toBe(int(100));
    for (let i = 0, n = 0; i < model.length && n < 100; i++) if (model[i] === '3') (model.splice(i--, 1), n++);
    expect(await cmd('LREM L -50 5')).toBe(int(50));
    for (let i = model.length - 1, n = 0; i >= 0 && n < 50; i--) if (model[i] === '5') (model.splice(i, 1), n++);
    expect(await cmd('LINSERT L BEFORE 6 six')).toBe(int(model.length + 1));
    model.splice(model.indexOf('6'), 0, 'six');
    expect(await cmd('LTRIM L 100 -100')).toBe(OK);
    model.splice(0, 100);
    model.splice(model.length - 99, 99);
    expect(await cmd('LLEN L')).toBe(int(model.length));
    expect(await cmd('LRANGE L 4000 4010')).toBe(bulks(...model.slice(4000, 4011)));
    expect(await cmd('LRANGE L -10 -1')).toBe(bulks(...model.slice(-10)));
    expect(await cmd('LINDEX L 12345')).toBe(bulk(model[12345]));
    expect(await cmd('LPOS L six')).toBe(int(model.indexOf('six')));
  });
});

describe('keyspace events', () => {
  it('fire in Redis order', async () => {
    captureEvents();
    await cmd('RPUSH l a b c');
    await cmd('LPOP l 3');
    await cmd('RPUSH l a');
    await cmd('LMOVE l l2 left right');
    await cmd('LMOVE l2 l2 left right');
    await cmd('RPUSH l3 a b');
    await cmd('LTRIM l3 0 -1');
    await cmd('LTRIM l3 5 6');
    await cmd('RPUSH l4 a');
    await cmd('LREM l4 0 b');
    await cmd('LREM l4 0 a');
    await cmd('LPUSHX nokey a');
    await cmd('RPUSH w a');
    await cmd('LINSERT w BEFORE a 0');
    await cmd('LSET w 0 x');
    await cmd('LINSERT w BEFORE zz 0');
    expect(events).toEqual([
      'new l', 'rpush l',
      'lpop l', 'del l',
      'new l', 'rpush l',
      'new l2', 'rpush l2', 'lpop l', 'del l',
      'rpush l2', 'lpop l2',
      'new l3', 'rpush l3',
      'ltrim l3',
      'ltrim l3', 'del l3',
      'new l4', 'rpush l4',
      'lrem l4', 'del l4',
      'new w', 'rpush w',
      'linsert w',
      'lset w',
    ]);
  });
});

describe('propagation', () => {
  it('rewrites LMPOP and the blocking commands that did not block', async () => {
    await cmd('RPUSH a 1 2 3');
    await cmd('LMPOP 2 nokey a RIGHT COUNT 10');
    await cmd('RPUSH a 1 2 3');
    await cmd('LMPOP 1 a left');
    await cmd('BLMPOP 0 1 a LEFT COUNT 1');
    await cmd('BLPOP nokey a 0');
    await cmd('RPUSH a x y z');
    await cmd('BRPOP a 0');
    await cmd('BLMOVE a b left Right 0');
    await cmd('BRPOPLPUSH a b 0');
    await cmd('RPOPLPUSH b c');
    await cmd('LMOVE c d LEFT LEFT');
    expect(propagated).toEqual([
      ['0', 'RPUSH', 'a', '1', '2', '3'],
      ['0', 'RPOP', 'a', '3'],
      ['0', 'RPUSH', 'a', '1', '2', '3'],
      ['0', 'LPOP', 'a', '1'],
      ['0', 'LPOP', 'a', '1'],
      ['0', 'LPOP', 'a'],
      ['0', 'RPUSH', 'a', 'x', 'y', 'z'],
      ['0', 'RPOP', 'a'],
      ['0', 'LMOVE', 'a', 'b', 'left', 'Right'],
      ['0', 'RPOPLPUSH', 'a', 'b'],
      ['0', 'RPOPLPUSH', 'b', 'c'],
      ['0', 'LMOVE', 'c', 'd', 'LEFT', 'LEFT'],
    ]);
  });

  it('does not propagate what changed nothing', async () => {
    await cmd('RPUSH l a b');
    propagated.length = 0;
    expect(await cmd('LTRIM l 0 -1')).toBe(OK);
    expect(await cmd('LREM l 0 zz')).toBe(int(0));
    expect(await cmd('LPUSHX nokey a')).toBe(int(0));
    expect(await cmd('LINSERT l BEFORE zz a')).toBe(int(-1));
    expect(await cmd('LPOP l 0')).toBe('*0\r\n');
    expect(await cmd('LMPOP 1 nokey LEFT')).toBe('*-1\r\n');
    expect(propagated).toEqual([]);
    expect(await cmd('LTRIM l 1 -1')).toBe(OK);
    expect(propagated).toEqual([['0', 'LTRIM', 'l', '1', '-1']]);
  });
});

describe('WATCH-free keyspace stats', () => {
  it('counts hits and misses on reads', async () => {
    const st = srv.server.keyspace.stats;
    const h = st.hits;
    const m = st.misses;
    await cmd('RPUSH l a');
    await cmd('LRANGE l 0 -1');
    await cmd('LLEN nokey');
    await cmd('LINDEX nokey 0');
    await cmd('LPOS l a');
    expect(st.hits - h).toBe(2);
    expect(st.misses - m).toBe(2);
  });
});
