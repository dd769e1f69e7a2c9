// The contract between the shared test suite and the runners (vitest in Node, the page in
// Chromium and Firefox): a check is a name and a function that throws on failure.
import type * as Convkit from '../../dist/convkit.js';

export type ConvkitModule = typeof Convkit;

export interface Check {
  name: string;
  run: () => void | Promise<void>;
}

export interface CheckResult {
  name: string;
  ok: boolean;
  message?: string;
}

/** Runs checks one after another, catching each failure; never throws. */
export async function runChecks(checks: readonly Check[]): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    try {
      await check.run();
      results.push({ name: check.name, ok: true });
    } catch (error) {
      results.push({ name: check.name, ok: false, message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    }
  }
  return results;
}
