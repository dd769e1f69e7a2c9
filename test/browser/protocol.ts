// What the page hands the runner: the check results, or why the checks could not run.
import type { CheckResult } from '../shared/types.js';

export type PageOutcome = { results: CheckResult[] } | { error: string };

declare global {
  interface Window {
    /** Set up by index.html before any module loads; settles once. */
    convkitOutcome: Promise<PageOutcome>;
    reportConvkit(outcome: PageOutcome): void;
  }
}
