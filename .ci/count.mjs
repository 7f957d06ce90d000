#!/usr/bin/env node
/**
 * Counts a test run from the report .ci/count-reporter.mjs wrote and
 * vitest's exit status, and prints the line CI reads last:
 *
 *   tests: N passed, M failed, K skipped
 *
 * M: every failed test, failed hook, module that failed to load or collect,
 * unfinished module or test, and unhandled error or rejection (one each, as
 * the report lists them); at least 1 whenever vitest exited non-zero or
 * wrote no report. K: skipped and todo tests. Before the line, one line per
 * failure and per skipped or todo test says which.
 *
 * Usage: node .ci/count.mjs REPORT_FILE VITEST_EXIT_STATUS
 * Exits 1 when M > 0 or the status is non-zero, else 0.
 */
import fs from 'node:fs';

const [reportFile, statusArg] = process.argv.slice(2);
if (!reportFile || statusArg === undefined || !/^\d+$/.test(statusArg)) {
  console.error('usage: node .ci/count.mjs REPORT_FILE VITEST_EXIT_STATUS');
  process.exit(2);
}
const status = Number(statusArg);

let report = null;
try {
  const text = fs.readFileSync(reportFile, 'utf8');
  if (text.trim() !== '') report = JSON.parse(text);
} catch (e) {
  if (e.code !== 'ENOENT') console.log(`count: cannot read ${reportFile}: ${e.message}`);
}

let passed = 0;
let failed = 0;
let skipped = 0;
if (report === null) {
  console.log(`count: no report from .ci/count-reporter.mjs (vitest exited with status ${status} before finishing a run): counted as 1 failure`);
  failed = 1;
} else {
  for (const f of report.failed) console.log(`FAILED (${f.kind}) ${f.name}: ${f.message}`);
  for (const name of report.skipped) console.log(`SKIPPED ${name}`);
  for (const name of report.todo) console.log(`TODO ${name}`);
  passed = report.passed.length;
  failed = report.failed.length;
  skipped = report.skipped.length + report.todo.length;
  console.log(`count: ${report.skipped.length} skipped and ${report.todo.length} todo tests; vitest's run ended "${report.reason}", exit status ${status}`);
  if (status !== 0 && failed === 0) {
    console.log(`count: vitest exited with status ${status} but the report lists no failure: counted as 1 failure`);
    failed = 1;
  }
}

console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || status !== 0 ? 1 : 0);
