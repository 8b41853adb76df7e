import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without type declarations (it must run before anything is built)
import { countSchemathesis, countVitest, formatLine, parseSteps, summarize } from '../../scripts/ci-summary.mjs';

const SCRIPT = join(import.meta.dirname, '../../scripts/ci-summary.mjs');

const vitestReport = (over: Record<string, unknown> = {}) => ({
  numTotalTests: 7,
  numPassedTests: 5,
  numFailedTests: 0,
  numPendingTests: 2,
  numTodoTests: 0,
  success: true,
  testResults: [{ name: 'a.test.ts', status: 'passed', assertionResults: [{ status: 'passed' }] }],
  ...over,
});

const fuzzReport = (over: Record<string, unknown> = {}) => ({
  exit_code: 0,
  complete: true,
  test_cases: { generated: 12590, with_failures: 0, unique_failures: 0, without_checks: 0, errored: 0 },
  ...over,
});

describe('ci summary', () => {
  it('counts Vitest tests: passed, failed, skipped and todo', () => {
    expect(countVitest(vitestReport())).toEqual({ passed: 5, failed: 0, skipped: 2 });
    expect(countVitest(vitestReport({ numFailedTests: 3, numTodoTests: 1, success: false }))).toEqual({
      passed: 5,
      failed: 3,
      skipped: 3,
    });
  });

  it('counts a test file that failed outside its tests, and an unsuccessful run without a failing test', () => {
    const brokenFile = { name: 'b.test.ts', status: 'failed', assertionResults: [] };
    expect(countVitest(vitestReport({ testResults: [brokenFile], success: false })).failed).toBe(1);
    expect(countVitest(vitestReport({ testResults: [], success: false })).failed).toBe(1);
  });

  it("counts schemathesis's generated cases", () => {
    expect(countSchemathesis(fuzzReport())).toEqual({ passed: 12590, failed: 0, skipped: 0 });
    const found = fuzzReport({
      exit_code: 1,
      test_cases: { generated: 100, with_failures: 4, unique_failures: 7, without_checks: 3, errored: 1 },
    });
    expect(countSchemathesis(found)).toEqual({ passed: 92, failed: 5, skipped: 3 });
  });

  it('counts a schemathesis run that failed before generating anything as one failure', () => {
    const unloadable = fuzzReport({
      exit_code: 2,
      complete: false,
      test_cases: { generated: 0, with_failures: 0, unique_failures: 0, without_checks: 0, errored: 0 },
    });
    expect(countSchemathesis(unloadable)).toEqual({ passed: 0, failed: 1, skipped: 0 });
  });

  it('sums steps; a failed step without a report is one failure; checks count one test; setup only when failing', () => {
    const reports: Record<string, unknown> = { 'v.json': vitestReport(), 'f.json': fuzzReport() };
    const read = (path: string) => reports[path];
    const allGood = parseSteps(
      'servers setup - ok\ntest vitest v.json ok\nfuzz schemathesis f.json ok\ndeploy check - ok\n',
    );
    expect(formatLine(summarize(allGood, read))).toBe('12596 passed, 0 failed, 2 skipped');

    const buildBroke = parseSteps('servers setup - ok\ntest vitest v-missing.json failed\n');
    expect(formatLine(summarize(buildBroke, read))).toBe('0 passed, 1 failed');

    const serversBroke = parseSteps('servers setup - failed\n');
    expect(formatLine(summarize(serversBroke, read))).toBe('0 passed, 1 failed');

    const deployBroke = parseSteps('test vitest v.json ok\nfuzz schemathesis f.json ok\ndeploy check - failed');
    expect(formatLine(summarize(deployBroke, read))).toBe('12595 passed, 1 failed, 2 skipped');
  });

  it('a failed step whose report shows no failure still counts one', () => {
    const steps = parseSteps('test vitest v.json failed');
    expect(summarize(steps, () => vitestReport())).toEqual({ passed: 5, failed: 1, skipped: 2 });
  });

  it('prints the line from a steps file as a script', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ci-summary-'));
    writeFileSync(join(dir, 'vitest.json'), JSON.stringify(vitestReport({ numFailedTests: 2, success: false })));
    writeFileSync(join(dir, 'steps'), `servers setup - ok\ntest vitest ${join(dir, 'vitest.json')} failed\n`);
    const out = execFileSync(process.execPath, [SCRIPT, join(dir, 'steps')], { encoding: 'utf8' });
    expect(out).toBe('5 passed, 2 failed, 2 skipped\n');
    const none = execFileSync(process.execPath, [SCRIPT, join(dir, 'absent')], { encoding: 'utf8' });
    expect(none).toBe('0 passed, 0 failed\n');
  });
});
