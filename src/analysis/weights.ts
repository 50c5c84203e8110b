/**
 * Fitted weights of the join-or-open model (src/analysis/decide.ts), written by
 * `npm run fit` (src/eval/fit.ts) from the labelled dev stories: eval-real-dev, eval-dev, nippon-us-steel.
 * Data, not code: do not edit by hand; re-fit and commit the result.
 */
import type { DecideModel } from './decide.js';

export const DECIDE_WEIGHTS: DecideModel = {
  features: ["similarity", "headline-similarity", "same-action", "same-verb", "other-action", "progressed", "within-a-day", "within-3-days", "log-days", "shared-numbers", "shared-names", "new-numbers", "new-names"],
  weights: [4.063, 2.974, 1.414, 1.508, -0.817, -3.232, -2.97, -0.256, -2.898, -0.077, 0.564, 0.629, 0.227],
  bias: 3.214,
};
