/**
 * Fitted weights of the join-or-open model (src/analysis/decide.ts), written by
 * `npm run fit` (src/eval/fit.ts) from the labelled dev stories: eval-real-dev, eval-dev, nippon-us-steel.
 * Data, not code: do not edit by hand; re-fit and commit the result.
 */
import type { DecideModel } from './decide.js';

export const DECIDE_WEIGHTS: DecideModel = {
  features: ["similarity", "headline-similarity", "same-action", "same-verb", "other-action", "progressed", "within-a-day", "within-3-days", "log-days", "shared-numbers", "shared-names", "new-numbers", "new-names"],
  weights: [3.431, 2.628, 1.452, 1.437, -0.778, -3.063, -3.035, -0.103, -3.02, -0.044, 1.934, 0.423, -0.418],
  bias: 3.373,
};
