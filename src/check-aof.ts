#!/usr/bin/env node
/**
 * tredis-check-aof [--fix] <file.manifest|file.aof>: the `bin` entry of
 * persistence/aof/check.ts, in the spirit of redis-check-aof.
 */
import fs from 'node:fs';
import { checkAofMain } from './persistence/aof/check';

function confirm(question: string): boolean {
  process.stdout.write(question);
  const buf = Buffer.alloc(64);
  let n = 0;
  try {
    n = fs.readSync(0, buf, 0, buf.length, null);
  } catch {
    return false;
  }
  return /^\s*y/i.test(buf.latin1Slice(0, n));
}

process.exitCode = checkAofMain(process.argv.slice(2), { out: (s) => process.stdout.write(s), confirm });
