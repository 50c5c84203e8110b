/**
 * Fitted weights of the join-or-open model (src/analysis/decide.ts), written by
 * `npm run fit` (src/eval/fit.ts) from the labelled dev stories: eval-real-dev, eval-dev, nippon-us-steel.
 * Data, not code: do not edit by hand; re-fit and commit the result.
 */
import type { DecideModel } from './decide.js';

export const DECIDE_WEIGHTS: DecideModel = {
  features: ["similarity", "headline-similarity", "same-action", "same-verb", "other-action", "progressed", "within-a-day", "within-3-days", "log-days", "shared-numbers", "shared-names", "new-numbers", "new-names"],
  weights: [4.039, 2.78, 1.408, 1.488, -0.81, -3.202, -2.923, -0.196, -2.917, -0.057, 0.551, 0.624, 0.2],
  bias: 3.193,
};
