// Running redis-benchmark from the bench scripts: CSV parsing, error
// detection, and a watchdog (redis-benchmark busy-loops forever when it
// cannot connect).

import { spawn } from 'node:child_process';
import { splitWords, track } from './lib.mjs';

/** Split one CSV line with double-quoted fields. */
function csvFields(line) {
  const out = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let v = '';
      i++;
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') {
          v += '"';
          i += 2;
        } else if (line[i] === '"') {
          i++;
          break;
        } else v += line[i++];
      }
      out.push(v);
      if (line[i] === ',') i++;
      else break;
    } else {
      const j = line.indexOf(',', i);
      if (j === -1) {
        out.push(line.slice(i));
        break;
      }
      out.push(line.slice(i, j));
      i = j + 1;
    }
  }
  return out;
}

const ERROR_RE = /error|-ERR|^ERR\b|could not connect|connection reset|server closed|unexpected|invalid/i;

/**
 * Run redis-benchmark once with `benchArgs` (host, port, -n, -c, -P, -t or a
 * command...; --csv -q are added). Resolves to
 * { rows: [{test, rps, avg, p50, p99, ...}], errors: [lines], warnings: [lines], seconds }.
 */
export function runRedisBenchmark(benchArgs, { timeoutMs = 600000 } = {}) {
  const benchBin = splitWords(process.env.REDIS_BENCHMARK || 'redis-benchmark');
  const args = ['--csv', '-q', ...benchArgs]; // options first: after a command they become its arguments

  return new Promise((resolve) => {
    const started = Date.now();
    const child = track(spawn(benchBin[0], [...benchBin.slice(1), ...args], { stdio: ['ignore', 'pipe', 'pipe'] }));
    let stdout = '';
    let stderr = '';
    const errors = [];
    let killedFor = null;
    const kill = (why) => {
      if (killedFor) return;
      killedFor = why;
      child.kill('SIGKILL');
    };
    // redis-benchmark busy-loops forever when it cannot connect, so watch
    // its output and kill it as soon as something fatal shows up.
    const watch = () => {
      if (/Could not connect|Error from server|Connection reset|Server closed/i.test(stdout + stderr)) {
        setTimeout(() => kill('fatal output'), 200);
      }
    };
    child.stdout.on('data', (d) => {
      stdout += d;
      watch();
    });
    child.stderr.on('data', (d) => {
      stderr += d;
      watch();
    });
    const timer = setTimeout(() => kill(`timeout after ${timeoutMs / 1000}s`), timeoutMs);
    child.once('error', (err) => errors.push(`failed to run ${benchBin.join(' ')}: ${err.message}`));
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const rows = [];
      const warnings = [];
      let header = null;
      // With -q, progress lines are terminated by \r; treat those as separators too.
      const lines = (stdout + '\n' + stderr).split(/\r\n|\r|\n/);
      for (const raw of lines) {
        const line = raw.trim();
        if (!line) continue;
        if (line.startsWith('"')) {
          const f = csvFields(line);
          if (f[0] === 'test') {
            header = f;
            continue;
          }
          if (header) {
            const rec = {};
            header.forEach((h, i) => (rec[h] = i === 0 ? f[i] : Number(f[i])));
            rows.push({
              test: rec.test,
              rps: rec.rps,
              avg: rec.avg_latency_ms,
              min: rec.min_latency_ms,
              p50: rec.p50_latency_ms,
              p95: rec.p95_latency_ms,
              p99: rec.p99_latency_ms,
              max: rec.max_latency_ms,
            });
            continue;
          }
        }
        if (ERROR_RE.test(line) && !/^WARNING: Could not fetch server CONFIG/i.test(line)) errors.push(line);
        else warnings.push(line);
      }
      if (killedFor && errors.length === 0) errors.push(`redis-benchmark killed: ${killedFor}`);
      if (signal && !killedFor) errors.push(`redis-benchmark terminated by ${signal}`);
      if (code !== 0 && code !== null && errors.length === 0) errors.push(`redis-benchmark exited with code ${code}`);
      if (rows.length === 0 && errors.length === 0) errors.push('redis-benchmark produced no CSV results');
      resolve({ rows, errors, warnings, seconds: (Date.now() - started) / 1000 });
    });
  });
}
