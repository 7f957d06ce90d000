/**
 * Request parsing alone, in process: tredis's RequestReader against the
 * design card's redis-parser, on the same pipelined requests (what one read
 * event of `redis-benchmark -P 16` carries), each producing the argv of
 * every command as latin1 strings. Prints ns per command, median of rounds.
 *
 *   npm run build && node bench/parser.mjs [--rounds 7] [--commands 2000000]
 *
 * redis-parser is not a dependency of tredis (this measurement is why, see
 * the README); ioredis, a dev dependency, brings it.
 */
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const { RequestReader, NEED_MORE } = require('../dist/protocol/reader.js');
let Parser;
try {
  Parser = require('redis-parser');
} catch {
  console.error('redis-parser is not installed (it comes with the dev dependency ioredis: npm install)');
  process.exit(2);
}

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '7' }, commands: { type: 'string', default: '2000000' } } });
const ROUNDS = Number(values.rounds);
const COMMANDS = Number(values.commands);
const PIPELINE = 16;

const resp = (args) => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
const batches = {
  'SET key:NNNNNN xxx': Buffer.from(Array.from({ length: PIPELINE }, (_, i) => resp(['SET', `key:${String(i).padStart(6, '0')}`, 'xxx'])).join(''), 'latin1'),
  'GET key:NNNNNN': Buffer.from(Array.from({ length: PIPELINE }, (_, i) => resp(['GET', `key:${String(i).padStart(6, '0')}`])).join(''), 'latin1'),
  'MSET 10 keys': Buffer.from(Array.from({ length: PIPELINE }, () => resp(['MSET', ...Array.from({ length: 10 }, (_, j) => [`key:${j}`, 'xxx']).flat()])).join(''), 'latin1'),
};

function tredisReader(batch) {
  const reader = new RequestReader({ protoMaxBulkLen: 512 * 1024 * 1024, queryBufferLimit: 1024 * 1024 * 1024 });
  let sink = 0;
  const t0 = process.hrtime.bigint();
  for (let n = 0; n < COMMANDS; n += PIPELINE) {
    reader.feed(batch);
    for (let argv = reader.next(); argv !== NEED_MORE; argv = reader.next()) sink += argv.length;
  }
  return [Number(process.hrtime.bigint() - t0) / COMMANDS, sink];
}

function redisParser(batch) {
  let sink = 0;
  const parser = new Parser({ returnReply: (argv) => (sink += argv.length), returnError: () => {}, returnBuffers: false, stringNumbers: false });
  const t0 = process.hrtime.bigint();
  for (let n = 0; n < COMMANDS; n += PIPELINE) parser.execute(batch);
  return [Number(process.hrtime.bigint() - t0) / COMMANDS, sink];
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`${COMMANDS} commands, ${PIPELINE} per read, median of ${ROUNDS} rounds (ns per command)`);
console.log('| request | tredis RequestReader | redis-parser | redis-parser / tredis |');
console.log('| :--- | ---: | ---: | ---: |');
for (const [name, batch] of Object.entries(batches)) {
  const a = [];
  const b = [];
  for (let r = 0; r < ROUNDS; r++) {
    a.push(tredisReader(batch)[0]);
    b.push(redisParser(batch)[0]);
  }
  console.log(`| ${name} | ${median(a).toFixed(1)} | ${median(b).toFixed(1)} | ${(median(b) / median(a)).toFixed(2)} |`);
}
