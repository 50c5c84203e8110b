/**
 * Fitted weights of the join-or-open model (src/analysis/decide.ts), written by
 * `npm run fit` (src/eval/fit.ts) from the labelled dev stories: eval-real-dev, eval-dev, nippon-us-steel.
 * Data, not code: do not edit by hand; re-fit and commit the result.
 */
import type { DecideModel } from './decide.js';

export const DECIDE_WEIGHTS: DecideModel = {
  features: ["similarity", "headline-similarity", "same-action", "same-verb", "other-action", "progressed", "within-a-day", "within-3-days", "log-days", "shared-numbers", "shared-names", "new-numbers", "new-names"],
  weights: [3.533, 2.864, 1.32, 1.45, -0.72, -3.171, -2.717, -0.039, -2.691, -0.066, 2.443, -0.421, -0.145],
  bias: 2.953,
};
