/**
 * SORT and SORT_RO. The replies in REDIS_TRANSCRIPT were recorded from a
 * real redis-server 7.0.15 running the same commands in the same order (one
 * connection, RESP2, empty db), byte for byte: lists, intsets, sorted sets
 * and hashtable sets whose result doesn't depend on hash order. Keyspace
 * events were read from a psubscribe on the same server.
 *
 * Numeric parse errors that come from strtod()'s ERANGE (overflow, tiny
 * inexact results) are checked apart, one per fresh key: Redis never resets
 * errno before strtod(), so on a real server a stale ERANGE makes later
 * SORTs on the same connection fail too, which is not reproducible.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { RawClient, Running, useServerFixture } from '../helpers';

const fx = useServerFixture({ withDb: true });
const { propagated, events } = fx;
let srv: Running;
let r: RawClient;
beforeAll(() => ({ srv, r } = fx));
const captureEvents = () => fx.captureEvents('KEAn');

const cmd = (line: string) => r.cmd(...line.split(' '));
const SCORE_ERR = "-ERR One or more scores can't be converted into double\r\n";

/** [argv, exact reply of Redis 7.0.15], run in order on an empty db. */
const REDIS_TRANSCRIPT: [string[], string][] = [
  [["RPUSH", "l", "3", "1", "2", "10", "-5", "1.5", "1e2", "0x10", "inf", "-inf"], ":10\r\n"],
  [["SORT", "l"], "*10\r\n$4\r\n-inf\r\n$2\r\n-5\r\n$1\r\n1\r\n$3\r\n1.5\r\n$1\r\n2\r\n$1\r\n3\r\n$2\r\n10\r\n$4\r\n0x10\r\n$3\r\n1e2\r\n$3\r\ninf\r\n"],
  [["SORT", "l", "DESC"], "*10\r\n$3\r\ninf\r\n$3\r\n1e2\r\n$4\r\n0x10\r\n$2\r\n10\r\n$1\r\n3\r\n$1\r\n2\r\n$3\r\n1.5\r\n$1\r\n1\r\n$2\r\n-5\r\n$4\r\n-inf\r\n"],
  [["SORT", "l", "ALPHA"], "*10\r\n$2\r\n-5\r\n$4\r\n-inf\r\n$4\r\n0x10\r\n$1\r\n1\r\n$3\r\n1.5\r\n$2\r\n10\r\n$3\r\n1e2\r\n$1\r\n2\r\n$1\r\n3\r\n$3\r\ninf\r\n"],
  [["SORT", "l", "ALPHA", "DESC"], "*10\r\n$3\r\ninf\r\n$1\r\n3\r\n$1\r\n2\r\n$3\r\n1e2\r\n$2\r\n10\r\n$3\r\n1.5\r\n$1\r\n1\r\n$4\r\n0x10\r\n$4\r\n-inf\r\n$2\r\n-5\r\n"],
  [["SORT", "l", "LIMIT", "0", "3"], "*3\r\n$4\r\n-inf\r\n$2\r\n-5\r\n$1\r\n1\r\n"],
  [["SORT", "l", "LIMIT", "2", "3"], "*3\r\n$1\r\n1\r\n$3\r\n1.5\r\n$1\r\n2\r\n"],
  [["SORT", "l", "LIMIT", "-1", "3"], "*3\r\n$4\r\n-inf\r\n$2\r\n-5\r\n$1\r\n1\r\n"],
  [["SORT", "l", "LIMIT", "3", "-1"], "*7\r\n$3\r\n1.5\r\n$1\r\n2\r\n$1\r\n3\r\n$2\r\n10\r\n$4\r\n0x10\r\n$3\r\n1e2\r\n$3\r\ninf\r\n"],
  [["SORT", "l", "LIMIT", "3", "0"], "*0\r\n"],
  [["SORT", "l", "LIMIT", "100", "3"], "*0\r\n"],
  [["SORT", "l", "LIMIT", "9", "100"], "*1\r\n$3\r\ninf\r\n"],
  [["SORT", "l", "LIMIT", "9223372036854775807", "9223372036854775807"], "*0\r\n"],
  [["SORT", "l", "LIMIT", "-9223372036854775808", "-9223372036854775808"], "*10\r\n$4\r\n-inf\r\n$2\r\n-5\r\n$1\r\n1\r\n$3\r\n1.5\r\n$1\r\n2\r\n$1\r\n3\r\n$2\r\n10\r\n$4\r\n0x10\r\n$3\r\n1e2\r\n$3\r\ninf\r\n"],
  [["SORT", "l", "LIMIT", "1", "9223372036854775807"], "*9\r\n$2\r\n-5\r\n$1\r\n1\r\n$3\r\n1.5\r\n$1\r\n2\r\n$1\r\n3\r\n$2\r\n10\r\n$4\r\n0x10\r\n$3\r\n1e2\r\n$3\r\ninf\r\n"],
  [["SORT", "l", "LIMIT", "x", "1"], "-ERR value is not an integer or out of range\r\n"],
  [["SORT", "l", "LIMIT", "1", "x"], "-ERR value is not an integer or out of range\r\n"],
  [["SORT", "l", "LIMIT", "1"], "-ERR syntax error\r\n"],
  [["SORT", "l", "LIMIT", "9223372036854775808", "1"], "-ERR value is not an integer or out of range\r\n"],
  [["SORT", "l", "FOO"], "-ERR syntax error\r\n"],
  [["SORT", "l", "BY"], "-ERR syntax error\r\n"],
  [["SORT", "l", "GET"], "-ERR syntax error\r\n"],
  [["SORT", "l", "STORE"], "-ERR syntax error\r\n"],
  [["SORT_RO", "l", "STORE", "dst"], "-ERR syntax error\r\n"],
  [["SORT_RO", "l"], "*10\r\n$4\r\n-inf\r\n$2\r\n-5\r\n$1\r\n1\r\n$3\r\n1.5\r\n$1\r\n2\r\n$1\r\n3\r\n$2\r\n10\r\n$4\r\n0x10\r\n$3\r\n1e2\r\n$3\r\ninf\r\n"],
  [["SORT", "l", "asc", "desc"], "*10\r\n$3\r\ninf\r\n$3\r\n1e2\r\n$4\r\n0x10\r\n$2\r\n10\r\n$1\r\n3\r\n$1\r\n2\r\n$3\r\n1.5\r\n$1\r\n1\r\n$2\r\n-5\r\n$4\r\n-inf\r\n"],
  [["SORT", "l", "desc", "asc"], "*10\r\n$4\r\n-inf\r\n$2\r\n-5\r\n$1\r\n1\r\n$3\r\n1.5\r\n$1\r\n2\r\n$1\r\n3\r\n$2\r\n10\r\n$4\r\n0x10\r\n$3\r\n1e2\r\n$3\r\ninf\r\n"],
  [["SORT", "l", "lImIt", "1", "2", "alpha"], "*2\r\n$4\r\n-inf\r\n$4\r\n0x10\r\n"],
  [["SET", "s", "x"], "+OK\r\n"],
  [["HSET", "h", "f", "v"], ":1\r\n"],
  [["SORT", "s"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["SORT", "h"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["SORT", "s", "LIMIT", "x", "1"], "-ERR value is not an integer or out of range\r\n"],
  [["SORT", "s", "FOO"], "-ERR syntax error\r\n"],
  [["SORT", "nokey"], "*0\r\n"],
  [["SORT", "nokey", "STORE", "dst"], ":0\r\n"],
  [["EXISTS", "dst"], ":0\r\n"],
  [["RPUSH", "bad", "1", "2", "abc"], ":3\r\n"],
  [["SORT", "bad"], "-ERR One or more scores can't be converted into double\r\n"],
  [["SORT", "bad", "ALPHA"], "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$3\r\nabc\r\n"],
  [["SORT", "bad", "LIMIT", "0", "1"], "-ERR One or more scores can't be converted into double\r\n"],
  [["RPUSH", "bad2", "1", "nan"], ":2\r\n"],
  [["SORT", "bad2"], "-ERR One or more scores can't be converted into double\r\n"],
  [["RPUSH bad6 1", " 2", ""], "-ERR unknown command 'RPUSH bad6 1', with args beginning with: ' 2' '' \r\n"],
  [["SORT", "bad6"], "*0\r\n"],
  [["RPUSH bad7", "5\u0000xyz", "3"], "-ERR unknown command 'RPUSH bad7', with args beginning with: '5' '3' \r\n"],
  [["SORT", "bad7"], "*0\r\n"],
  [["RPUSH", "bad8", "2", "1", "2", "1", "01", "1.0"], ":6\r\n"],
  [["SORT", "bad8"], "*6\r\n$2\r\n01\r\n$1\r\n1\r\n$1\r\n1\r\n$3\r\n1.0\r\n$1\r\n2\r\n$1\r\n2\r\n"],
  [["SORT", "bad8", "DESC"], "*6\r\n$1\r\n2\r\n$1\r\n2\r\n$3\r\n1.0\r\n$1\r\n1\r\n$1\r\n1\r\n$2\r\n01\r\n"],
  [["RPUSH bad9 1", "2 "], "-ERR unknown command 'RPUSH bad9 1', with args beginning with: '2 ' \r\n"],
  [["SORT", "bad9"], "*0\r\n"],
  [["RPUSH", "ul", "1", "2", "3", "4", "5"], ":5\r\n"],
  [["MSET", "w_1", "50", "w_2", "40", "w_3", "30", "w_4", "abc", "o_1", "one", "o_2", "two", "o_3", "three", "o_5", "five"], "+OK\r\n"],
  [["SORT", "ul", "BY", "w_*"], "-ERR One or more scores can't be converted into double\r\n"],
  [["SORT", "ul", "BY", "w_*", "GET", "o_*"], "-ERR One or more scores can't be converted into double\r\n"],
  [["SORT", "ul", "BY", "w_*", "GET", "o_*", "GET", "#", "GET", "nokey*"], "-ERR One or more scores can't be converted into double\r\n"],
  [["SET", "w_4", "35"], "+OK\r\n"],
  [["SORT", "ul", "BY", "w_*"], "*5\r\n$1\r\n5\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n2\r\n$1\r\n1\r\n"],
  [["SORT", "ul", "BY", "w_*", "DESC"], "*5\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n4\r\n$1\r\n3\r\n$1\r\n5\r\n"],
  [["SORT", "ul", "BY", "w_*", "ALPHA"], "*5\r\n$1\r\n5\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n2\r\n$1\r\n1\r\n"],
  [["SORT", "ul", "BY", "w_*", "ALPHA", "DESC"], "*5\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n4\r\n$1\r\n3\r\n$1\r\n5\r\n"],
  [["SORT", "ul", "BY", "w_*", "LIMIT", "1", "2"], "*2\r\n$1\r\n3\r\n$1\r\n4\r\n"],
  [["SORT", "ul", "BY", "w_*", "ALPHA", "LIMIT", "1", "2", "GET", "o_*"], "*2\r\n$5\r\nthree\r\n$-1\r\n"],
  [["SORT", "ul", "BY", "nosort"], "*5\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n"],
  [["SORT", "ul", "BY", "nosort", "DESC"], "*5\r\n$1\r\n5\r\n$1\r\n4\r\n$1\r\n3\r\n$1\r\n2\r\n$1\r\n1\r\n"],
  [["SORT", "ul", "BY", "nosort", "LIMIT", "1", "2"], "*2\r\n$1\r\n2\r\n$1\r\n3\r\n"],
  [["SORT", "ul", "BY", "nosort", "DESC", "LIMIT", "1", "2"], "*2\r\n$1\r\n4\r\n$1\r\n3\r\n"],
  [["SORT", "ul", "BY", "nosort", "DESC", "LIMIT", "4", "10"], "*1\r\n$1\r\n1\r\n"],
  [["SORT", "ul", "BY", "nosort", "LIMIT", "5", "1"], "*0\r\n"],
  [["SORT", "ul", "BY", "nosort", "GET", "o_*"], "*5\r\n$3\r\none\r\n$3\r\ntwo\r\n$5\r\nthree\r\n$-1\r\n$4\r\nfive\r\n"],
  [["SORT", "ul", "GET", "#"], "*5\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n"],
  [["SORT", "ul", "GET"], "-ERR syntax error\r\n"],
  [["SORT", "ul", "GET", "nostar"], "*5\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n"],
  [["SORT", "ul", "GET", "##"], "*5\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n"],
  [["SORT", "ul", "GET", "o_**"], "*5\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n"],
  [["HSET", "hw_1", "f", "9", "g", "z"], ":2\r\n"],
  [["HSET", "hw_2", "f", "3", "g", "y"], ":2\r\n"],
  [["HSET", "hw_3", "f", "6"], ":1\r\n"],
  [["HSET", "hw_4", "f", "1", "g", "x"], ":2\r\n"],
  [["SORT", "ul", "BY", "hw_*->f"], "*5\r\n$1\r\n5\r\n$1\r\n4\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n1\r\n"],
  [["SORT", "ul", "BY", "hw_*->f", "GET", "hw_*->g", "GET", "#"], "*10\r\n$-1\r\n$1\r\n5\r\n$1\r\nx\r\n$1\r\n4\r\n$1\r\ny\r\n$1\r\n2\r\n$-1\r\n$1\r\n3\r\n$1\r\nz\r\n$1\r\n1\r\n"],
  [["SORT", "ul", "BY", "hw_*->g", "ALPHA"], "*5\r\n$1\r\n3\r\n$1\r\n5\r\n$1\r\n4\r\n$1\r\n2\r\n$1\r\n1\r\n"],
  [["SORT", "ul", "BY", "hw_*->g", "ALPHA", "DESC"], "*5\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n4\r\n$1\r\n3\r\n$1\r\n5\r\n"],
  [["SORT", "ul", "BY", "hw_*->", "GET", "hw_*->"], "*5\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n"],
  [["SORT", "ul", "GET", "hw_*->f->"], "*5\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n"],
  [["SORT", "ul", "GET", "w_*->f"], "*5\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n"],
  [["SORT", "ul", "GET", "hw_*"], "*5\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n"],
  [["SET", "hw_5->f", "77"], "+OK\r\n"],
  [["SORT", "ul", "GET", "hw_*->f"], "*5\r\n$1\r\n9\r\n$1\r\n3\r\n$1\r\n6\r\n$1\r\n1\r\n$-1\r\n"],
  [["SORT", "ul", "GET", "hw_5->f"], "*5\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n"],
  [["SORT ul BY", "w_\u0000*"], "-ERR unknown command 'SORT ul BY', with args beginning with: 'w_' \r\n"],
  [["SORT ul GET", "#\u0000x"], "-ERR unknown command 'SORT ul GET', with args beginning with: '#' \r\n"],
  [["SORT ul GET", "o_*\u0000x"], "-ERR unknown command 'SORT ul GET', with args beginning with: 'o_*' \r\n"],
  [["SORT ul", "LIMIT\u0000x", "0", "2"], "-ERR unknown command 'SORT ul', with args beginning with: 'LIMIT' '0' '2' \r\n"],
  [["SORT", "ul", "BY", "w_*", "STORE", "dst"], ":5\r\n"],
  [["LRANGE", "dst", "0", "-1"], "*5\r\n$1\r\n5\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n2\r\n$1\r\n1\r\n"],
  [["TYPE", "dst"], "+list\r\n"],
  [["OBJECT", "ENCODING", "dst"], "$9\r\nquicklist\r\n"],
  [["SORT", "ul", "BY", "w_*", "GET", "o_*", "GET", "#", "STORE", "dst"], ":10\r\n"],
  [["LRANGE", "dst", "0", "-1"], "*10\r\n$4\r\nfive\r\n$1\r\n5\r\n$5\r\nthree\r\n$1\r\n3\r\n$0\r\n\r\n$1\r\n4\r\n$3\r\ntwo\r\n$1\r\n2\r\n$3\r\none\r\n$1\r\n1\r\n"],
  [["SORT", "ul", "LIMIT", "10", "1", "STORE", "dst"], ":0\r\n"],
  [["EXISTS", "dst"], ":0\r\n"],
  [["SET", "dst", "x"], "+OK\r\n"],
  [["SORT", "ul", "STORE", "dst", "STORE", "dst2"], ":5\r\n"],
  [["EXISTS", "dst"], ":1\r\n"],
  [["LRANGE", "dst2", "0", "-1"], "*5\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n"],
  [["SET", "dst3", "x"], "+OK\r\n"],
  [["EXPIRE", "dst3", "100"], ":1\r\n"],
  [["SORT", "ul", "STORE", "dst3"], ":5\r\n"],
  [["TTL", "dst3"], ":-1\r\n"],
  [["SORT", "ul", "STORE", "ul"], ":5\r\n"],
  [["LRANGE", "ul", "0", "-1"], "*5\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n"],
  [["SORT", "ul", "LIMIT", "0", "0", "STORE", "dst4"], ":0\r\n"],
  [["SORT", "nokey", "STORE", "dst2"], ":0\r\n"],
  [["EXISTS", "dst2"], ":0\r\n"],
  [["SADD", "is", "5", "3", "9", "1", "-2", "100"], ":6\r\n"],
  [["OBJECT", "ENCODING", "is"], "$6\r\nintset\r\n"],
  [["SORT", "is"], "*6\r\n$2\r\n-2\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n5\r\n$1\r\n9\r\n$3\r\n100\r\n"],
  [["SORT", "is", "DESC"], "*6\r\n$3\r\n100\r\n$1\r\n9\r\n$1\r\n5\r\n$1\r\n3\r\n$1\r\n1\r\n$2\r\n-2\r\n"],
  [["SORT", "is", "ALPHA"], "*6\r\n$2\r\n-2\r\n$1\r\n1\r\n$3\r\n100\r\n$1\r\n3\r\n$1\r\n5\r\n$1\r\n9\r\n"],
  [["SORT", "is", "BY", "nosort"], "*6\r\n$2\r\n-2\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n5\r\n$1\r\n9\r\n$3\r\n100\r\n"],
  [["SORT", "is", "BY", "nosort", "DESC"], "*6\r\n$2\r\n-2\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n5\r\n$1\r\n9\r\n$3\r\n100\r\n"],
  [["SORT", "is", "BY", "nosort", "LIMIT", "1", "2"], "*2\r\n$1\r\n1\r\n$1\r\n3\r\n"],
  [["SORT", "is", "BY", "nosort", "STORE", "dst"], ":6\r\n"],
  [["LRANGE", "dst", "0", "-1"], "*6\r\n$2\r\n-2\r\n$1\r\n1\r\n$3\r\n100\r\n$1\r\n3\r\n$1\r\n5\r\n$1\r\n9\r\n"],
  [["SORT", "is", "BY", "nosort", "DESC", "STORE", "dst"], ":6\r\n"],
  [["LRANGE", "dst", "0", "-1"], "*6\r\n$1\r\n9\r\n$1\r\n5\r\n$1\r\n3\r\n$3\r\n100\r\n$1\r\n1\r\n$2\r\n-2\r\n"],
  [["SORT", "is", "BY", "nosort", "DESC", "LIMIT", "0", "3", "STORE", "dst"], ":3\r\n"],
  [["LRANGE", "dst", "0", "-1"], "*3\r\n$1\r\n9\r\n$1\r\n5\r\n$1\r\n3\r\n"],
  [["SADD", "hs", "b", "a", "c", "10", "2"], ":5\r\n"],
  [["SORT", "hs", "ALPHA"], "*5\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"],
  [["SORT", "hs"], "-ERR One or more scores can't be converted into double\r\n"],
  [["SORT", "hs", "ALPHA", "DESC", "LIMIT", "1", "3"], "*3\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\n2\r\n"],
  [["SORT", "hs", "BY", "nosort", "STORE", "dst"], ":5\r\n"],
  [["LRANGE", "dst", "0", "-1"], "*5\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"],
  [["ZADD", "z", "3", "c", "1", "a", "2", "b", "5", "e", "4", "d"], ":5\r\n"],
  [["OBJECT", "ENCODING", "z"], "$8\r\nlistpack\r\n"],
  [["SORT", "z", "BY", "nosort"], "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"],
  [["OBJECT", "ENCODING", "z"], "$8\r\nskiplist\r\n"],
  [["SORT", "z", "BY", "nosort", "DESC"], "*5\r\n$1\r\ne\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n"],
  [["SORT", "z", "BY", "nosort", "LIMIT", "1", "2"], "*2\r\n$1\r\nb\r\n$1\r\nc\r\n"],
  [["SORT", "z", "BY", "nosort", "DESC", "LIMIT", "1", "2"], "*2\r\n$1\r\nd\r\n$1\r\nc\r\n"],
  [["SORT", "z", "BY", "nosort", "DESC", "LIMIT", "4", "5"], "*1\r\n$1\r\na\r\n"],
  [["SORT", "z", "BY", "nosort", "LIMIT", "5", "5"], "*0\r\n"],
  [["SORT", "z", "ALPHA"], "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"],
  [["SORT", "z", "ALPHA", "DESC"], "*5\r\n$1\r\ne\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n"],
  [["SORT", "z"], "-ERR One or more scores can't be converted into double\r\n"],
  [["SORT", "z", "BY", "nosort", "STORE", "dst"], ":5\r\n"],
  [["LRANGE", "dst", "0", "-1"], "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"],
  [["ZADD", "zn", "1", "30", "2", "10", "3", "20"], ":3\r\n"],
  [["SORT", "zn"], "*3\r\n$2\r\n10\r\n$2\r\n20\r\n$2\r\n30\r\n"],
  [["SORT", "zn", "DESC", "LIMIT", "0", "2"], "*2\r\n$2\r\n30\r\n$2\r\n20\r\n"],
  [["SORT", "zn", "BY", "nosort", "DESC", "GET", "#"], "*3\r\n$2\r\n20\r\n$2\r\n10\r\n$2\r\n30\r\n"],
  [["SORT", "zn", "BY", "nosort", "GET", "w_*"], "*3\r\n$-1\r\n$-1\r\n$-1\r\n"],
  [["ZADD", "z2", "1", "a"], ":1\r\n"],
  [["SORT", "z2", "LIMIT", "0", "1"], "-ERR One or more scores can't be converted into double\r\n"],
  [["OBJECT", "ENCODING", "z2"], "$8\r\nskiplist\r\n"],
  [["SORT_RO", "ul", "BY", "w_*", "GET", "o_*"], "*5\r\n$4\r\nfive\r\n$5\r\nthree\r\n$-1\r\n$3\r\ntwo\r\n$3\r\none\r\n"],
  [["SORT_RO", "ul", "LIMIT", "1", "1"], "*1\r\n$1\r\n2\r\n"],
  [["SORT_RO", "s"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["SORT_RO", "nokey"], "*0\r\n"],
  [["COMMAND", "GETKEYS", "SORT", "ul"], "*1\r\n$2\r\nul\r\n"],
  [["COMMAND", "GETKEYS", "SORT", "ul", "STORE", "d"], "*2\r\n$2\r\nul\r\n$1\r\nd\r\n"],
  [["COMMAND", "GETKEYS", "SORT", "ul", "STORE", "d", "STORE", "e"], "*2\r\n$2\r\nul\r\n$1\r\ne\r\n"],
  [["COMMAND", "GETKEYS", "SORT", "ul", "LIMIT", "store", "x", "STORE", "d"], "*2\r\n$2\r\nul\r\n$1\r\nd\r\n"],
  [["COMMAND", "GETKEYS", "SORT", "ul", "GET", "store", "STORE", "d", "BY", "store"], "*2\r\n$2\r\nul\r\n$1\r\nd\r\n"],
  [["COMMAND", "GETKEYS", "SORT", "ul", "STORE"], "*1\r\n$2\r\nul\r\n"],
  [["COMMAND", "GETKEYSANDFLAGS", "SORT", "ul", "STORE", "d"], "*2\r\n*2\r\n$2\r\nul\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nd\r\n*2\r\n+OW\r\n+update\r\n"],
  [["COMMAND", "GETKEYS", "SORT_RO", "ul", "GET", "x"], "*1\r\n$2\r\nul\r\n"],
  [["COMMAND", "GETKEYSANDFLAGS", "SORT_RO", "ul"], "*1\r\n*2\r\n$2\r\nul\r\n*2\r\n+RO\r\n+access\r\n"],
  [["COMMAND", "GETKEYS", "SORT", "ul", "store", "store", "x"], "*2\r\n$2\r\nul\r\n$1\r\nx\r\n"],
  [["SORT"], "-ERR wrong number of arguments for 'sort' command\r\n"],
  [["SORT_RO"], "-ERR wrong number of arguments for 'sort_ro' command\r\n"],
  [["RPUSH", "dup", "3", "1", "2", "3", "1", "2", "10", "10", "-1"], ":9\r\n"],
  [["SORT", "dup"], "*9\r\n$2\r\n-1\r\n$1\r\n1\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n3\r\n$2\r\n10\r\n$2\r\n10\r\n"],
  [["SORT", "dup", "DESC", "LIMIT", "2", "4"], "*4\r\n$1\r\n3\r\n$1\r\n3\r\n$1\r\n2\r\n$1\r\n2\r\n"],
  [["SORT", "dup", "ALPHA"], "*9\r\n$2\r\n-1\r\n$1\r\n1\r\n$1\r\n1\r\n$2\r\n10\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n3\r\n"],
  [["SORT", "dup", "BY", "nosort", "DESC"], "*9\r\n$2\r\n-1\r\n$2\r\n10\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n2\r\n$1\r\n1\r\n$1\r\n3\r\n"],
  [["SORT", "ul", "BY", "w_*", "GET", "nokey*", "STORE", "dst"], ":5\r\n"],
  [["LRANGE", "dst", "0", "-1"], "*5\r\n$0\r\n\r\n$0\r\n\r\n$0\r\n\r\n$0\r\n\r\n$0\r\n\r\n"],
  [["SORT", "ul", "GET", "hw_*->g", "STORE", "dst"], ":5\r\n"],
  [["LRANGE", "dst", "0", "-1"], "*5\r\n$1\r\nz\r\n$1\r\ny\r\n$0\r\n\r\n$1\r\nx\r\n$0\r\n\r\n"],
  [["SORT", "ul", "BY", "h*->f"], "*5\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n"],
  [["SORT", "ul", "BY", "s*->f"], "*5\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n"],
  [["SORT", "ul", "BY", "w_*->f"], "*5\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n"],
  [["RPUSH", "big", "9007199254740993", "9007199254740992", "-9223372036854775808", "9223372036854775807", "1e308", "-1e308"], ":6\r\n"],
  [["SORT", "big"], "*6\r\n$6\r\n-1e308\r\n$20\r\n-9223372036854775808\r\n$16\r\n9007199254740992\r\n$16\r\n9007199254740993\r\n$19\r\n9223372036854775807\r\n$5\r\n1e308\r\n"],
  [["SORT", "big", "DESC"], "*6\r\n$5\r\n1e308\r\n$19\r\n9223372036854775807\r\n$16\r\n9007199254740993\r\n$16\r\n9007199254740992\r\n$20\r\n-9223372036854775808\r\n$6\r\n-1e308\r\n"],
  [["RPUSH bin", "a\u0000b", "a", "a\u0000a", "\u00ff", "\u0080", "A", ""], "-ERR unknown command 'RPUSH bin', with args beginning with: 'a' 'a' 'a' '\u00ff' '\u0080' 'A' '' \r\n"],
  [["SORT", "bin", "ALPHA", "BY", "nosort"], "*0\r\n"],
  [["SORT", "bin", "ALPHA", "STORE", "dst"], ":0\r\n"],
  [["LRANGE", "dst", "0", "-1"], "*0\r\n"],
  [["SORT", "bin", "ALPHA", "DESC", "STORE", "dst"], ":0\r\n"],
  [["LRANGE", "dst", "0", "-1"], "*0\r\n"],
  [["SORT", "bin", "BY", "nosort"], "*0\r\n"],
  [["SORT", "bin", "LIMIT", "0", "2", "BY", "nosort"], "*0\r\n"],
  [["MSET", "k_a", "2", "k_b", "1"], "+OK\r\n"],
  [["RPUSH", "ab", "a", "b"], ":2\r\n"],
  [["SORT", "ab", "BY", "k_*"], "*2\r\n$1\r\nb\r\n$1\r\na\r\n"],
  [["SORT", "ab", "BY", "k_*", "DESC"], "*2\r\n$1\r\na\r\n$1\r\nb\r\n"],
  [["SORT", "ab", "BY", "k_*", "STORE", "dst"], ":2\r\n"],
  [["LRANGE", "dst", "0", "-1"], "*2\r\n$1\r\nb\r\n$1\r\na\r\n"],
  [["SORT", "ab", "BY", "x", "BY", "k_*"], "*2\r\n$1\r\na\r\n$1\r\nb\r\n"],
  [["SORT", "ab", "BY", "k_*", "BY", "x"], "*2\r\n$1\r\na\r\n$1\r\nb\r\n"],
  [["SORT", "ab", "BY", "k_*", "BY", "x", "GET", "k_*"], "*2\r\n$1\r\n2\r\n$1\r\n1\r\n"],
  [["SORT", "ab", "LIMIT", "0", "1", "LIMIT", "1", "1"], "-ERR One or more scores can't be converted into double\r\n"],
  [["ZADD", "zb", "1", "x", "2", "y", "3", "z"], ":3\r\n"],
  [["SORT", "zb", "BY", "k_*", "LIMIT", "0", "1"], "*1\r\n$1\r\nx\r\n"],
  [["SORT", "zb", "BY", "nosort", "LIMIT", "-5", "2"], "*2\r\n$1\r\nx\r\n$1\r\ny\r\n"],
  [["SORT", "zb", "BY", "nosort", "DESC", "LIMIT", "-5", "2"], "*2\r\n$1\r\nz\r\n$1\r\ny\r\n"],
  [["SORT", "zb", "ALPHA", "DESC", "LIMIT", "1", "1"], "*1\r\n$1\r\ny\r\n"],
  [["SORT", "zb", "BY", "nosort", "STORE", "zb"], ":3\r\n"],
  [["TYPE", "zb"], "+list\r\n"],
  [["LRANGE", "zb", "0", "-1"], "*3\r\n$1\r\nx\r\n$1\r\ny\r\n$1\r\nz\r\n"],
  [["SADD", "ss", "1", "2", "3"], ":3\r\n"],
  [["SORT", "ss", "BY", "nosort", "GET", "#", "STORE", "ss"], ":3\r\n"],
  [["TYPE", "ss"], "+list\r\n"],
  [["LRANGE", "ss", "0", "-1"], "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"],
  [["SORT", "ul", "BY", "nosort", "GET", "hw_*->f", "LIMIT", "1", "2"], "*2\r\n$1\r\n3\r\n$1\r\n6\r\n"],
  [["DBSIZE"], ":34\r\n"],
];

describe('SORT / SORT_RO', () => {
  it('matches the Redis 7.0.15 transcript', async () => {
    for (const [argv, reply] of REDIS_TRANSCRIPT) {
      expect([argv, await r.cmd(...argv)]).toEqual([argv, reply]);
    }
  });

  it('rejects strtod() ERANGE values like glibc (overflow, tiny and inexact)', async () => {
    // [value, accepted] as a fresh Redis 7.0.15 answered SORT on RPUSH k 1 <value>
    const cases: [string, boolean][] = [
      ['1e400', false],
      ['-1e400', false],
      ['1e-400', false],
      ['0x1p-1074', true],
      ['2.2250738585072014e-308', true],
      ['2.225073858507201e-308', false],
      ['0x1.8p-1070', true],
      ['1e-320', false],
      ['-1e-310', false],
      ['0x0.00000000000008p-1022', false],
      ['0x1p-1075', false],
      ['0X.8P-1073', true],
      ['0x10000p-1090', true],
      ['0x1.fffffffffffffp-1023', false],
      ['0x1.ffffffffffffffp-1023', true],
      ['0x1.fffffffffffff8p-1023', true],
      ['0x1.fffffffffffff7p-1023', false],
      ['4.9406564584124654e-324', false],
      ['2.2250738585072011e-308', false],
      ['2.22507385850720138e-308', true],
      ['2.225073858507201136e-308', false],
      ['2.2250738585072013e-308', true],
    ];
    for (const [v, ok] of cases) {
      await cmd('DEL k');
      await r.cmd('RPUSH', 'k', '1', v);
      const got = await cmd('SORT k');
      expect([v, got === SCORE_ERR]).toEqual([v, !ok]);
    }
  });

  it('STORE: events, dirty and propagation as Redis', async () => {
    await cmd('RPUSH l 3 1 2');
    captureEvents();
    propagated.length = 0;
    expect(await cmd('SORT l STORE d')).toBe(':3\r\n');
    expect(await cmd('SORT l STORE d')).toBe(':3\r\n');
    expect(await cmd('SORT l LIMIT 5 5 STORE d')).toBe(':0\r\n');
    expect(await cmd('SORT l LIMIT 5 5 STORE d')).toBe(':0\r\n');
    expect(await cmd('SORT l')).toBe('*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n');
    expect(await cmd('SORT_RO l')).toBe('*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n');
    expect(events).toEqual(['new d', 'sortstore d', 'sortstore d', 'del d']);
    expect(propagated).toEqual([
      ['0', 'SORT', 'l', 'STORE', 'd'],
      ['0', 'SORT', 'l', 'STORE', 'd'],
      ['0', 'SORT', 'l', 'LIMIT', '5', '5', 'STORE', 'd'],
    ]);
    const before = srv.server.keyspace.dirty;
    await cmd('SORT l GET # GET x* STORE d');
    expect(srv.server.keyspace.dirty - before).toBe(6);
  });

  it('STORE clears the TTL of the destination and deletes an empty result', async () => {
    await cmd('RPUSH l 2 1');
    await cmd('SET d x');
    await cmd('EXPIRE d 100');
    expect(await cmd('SORT l STORE d')).toBe(':2\r\n');
    expect(await cmd('TTL d')).toBe(':-1\r\n');
    await cmd('EXPIRE d 100');
    expect(await cmd('SORT nokey STORE d')).toBe(':0\r\n');
    expect(await cmd('EXISTS d')).toBe(':0\r\n');
  });

  it('STORE wakes a client blocked on the destination', async () => {
    await cmd('RPUSH l b a');
    const b = await RawClient.connect(srv.port);
    b.write('*3\r\n$5\r\nBLPOP\r\n$1\r\nd\r\n$1\r\n0\r\n');
    await new Promise((res) => setTimeout(res, 50));
    expect(await cmd('SORT l ALPHA STORE d')).toBe(':2\r\n');
    expect(await b.read(18)).toBe('*2\r\n$1\r\nd\r\n$1\r\na\r\n');
    b.close();
    expect(await cmd('LRANGE d 0 -1')).toBe('*1\r\n$1\r\nb\r\n');
  });

  it('GET of a missing key is a RESP3 null', async () => {
    const c3 = await RawClient.connect(srv.port);
    await c3.cmd('HELLO', '3');
    await c3.cmd('RPUSH', 'l', '1');
    expect(await c3.cmd('SORT', 'l', 'GET', 'x*', 'GET', '#')).toBe('*2\r\n_\r\n$1\r\n1\r\n');
    c3.close();
  });
});
