#!/usr/bin/env node
// The last line of `.ci/run`: `N passed, N failed` (`, N skipped` when some were), summed over every step that ran.
//   node scripts/ci-summary.mjs STEPS_FILE
// STEPS_FILE has one line per step that ran: `<name> <kind> <report file or -> <ok|failed>`, where kind is
//   vitest        the report is Vitest's JSON reporter output (`--reporter=json --outputFile.json=…`)
//   schemathesis  the report is schemathesis's JSON run report (`--report-json-path …`): its generated cases count
//   check         a step that is one test of its own (passed or failed)
//   setup         a step that tests nothing (counted only when it fails)
// A step that failed without a readable report, or whose report shows no failure, counts one failed test, so the
// line never says "0 failed" for a run that failed. Plain Node, no build: it must work when the build failed.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** @typedef {{ passed: number, failed: number, skipped: number }} Counts */

const ZERO = Object.freeze({ passed: 0, failed: 0, skipped: 0 });
const count = (value) => (Number.isInteger(value) && value > 0 ? value : 0);

/**
 * Vitest's JSON report (Jest-compatible). A test file that fails outside any test (an import error, a failing hook)
 * counts as one failed test; so does an unsuccessful run without a failing test.
 * @returns {Counts}
 */
export function countVitest(report) {
  const files = Array.isArray(report?.testResults) ? report.testResults : [];
  const failedFiles = files.filter(
    (file) =>
      file?.status === 'failed' &&
      !(Array.isArray(file.assertionResults) && file.assertionResults.some((test) => test?.status === 'failed')),
  ).length;
  let failed = count(report?.numFailedTests) + failedFiles;
  if (report?.success === false && failed === 0) failed = 1;
  return {
    passed: count(report?.numPassedTests),
    failed,
    skipped: count(report?.numPendingTests) + count(report?.numTodoTests),
  };
}

/**
 * schemathesis's JSON run report. Cases with a failure or an error fail; cases no check applied to are skipped;
 * the other generated cases passed. schemathesis counts a case as failing only for a failure it had not seen yet,
 * so `failed` is at least the number of distinct failures found, not every case that repeated one.
 * A non-zero exit code without a failing case (the schema did not load, a fatal error) is one failed test.
 * @returns {Counts}
 */
export function countSchemathesis(report) {
  const cases = report?.test_cases ?? {};
  const generated = count(cases.generated);
  let failed = count(cases.with_failures) + count(cases.errored);
  const skipped = count(cases.without_checks);
  const passed = Math.max(0, generated - failed - skipped);
  if (report?.exit_code !== 0 && failed === 0) failed = 1;
  return { passed, failed, skipped };
}

const COUNTERS = { vitest: countVitest, schemathesis: countSchemathesis };

/** Parses the steps file (blank lines and `#` comments ignored). */
export function parseSteps(text) {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [name = '?', kind = 'setup', report = '-', status = 'failed'] = line.split(/\s+/);
      return { name, kind, report: report === '-' ? undefined : report, ok: status === 'ok' };
    });
}

/**
 * Sums the steps. `readReport(path)` returns the parsed report or undefined (missing, unreadable, not JSON).
 * @returns {Counts}
 */
export function summarize(steps, readReport) {
  const total = { ...ZERO };
  for (const step of steps) {
    const counter = COUNTERS[step.kind];
    const report = counter && step.report ? readReport(step.report) : undefined;
    /** @type {Counts} */
    let counts = report === undefined ? { ...ZERO } : counter(report);
    if (step.kind === 'check') counts = step.ok ? { ...ZERO, passed: 1 } : { ...ZERO, failed: 1 };
    else if (!step.ok && counts.failed === 0) counts = { ...counts, failed: 1 };
    total.passed += counts.passed;
    total.failed += counts.failed;
    total.skipped += counts.skipped;
  }
  return total;
}

/** `N passed, N failed` plus `, N skipped` when any were. */
export function formatLine({ passed, failed, skipped }) {
  return `${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`;
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node scripts/ci-summary.mjs STEPS_FILE');
    process.exit(2);
  }
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    // No step recorded: nothing ran.
  }
  const steps = parseSteps(text);
  for (const step of steps) {
    if (step.ok && COUNTERS[step.kind] && (!step.report || readJson(step.report) === undefined))
      console.error(
        `ci-summary: step ${step.name} passed but left no readable ${step.kind} report: its tests are not counted`,
      );
  }
  console.log(formatLine(summarize(steps, readJson)));
}
