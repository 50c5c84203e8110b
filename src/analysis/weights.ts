/**
 * Fitted weights of the join-or-open model (src/analysis/decide.ts), written by
 * `npm run fit` (src/eval/fit.ts) from the labelled dev stories: eval-real-dev, eval-dev, nippon-us-steel.
 * Data, not code: do not edit by hand; re-fit and commit the result.
 */
import type { DecideModel } from './decide.js';

export const DECIDE_WEIGHTS: DecideModel = {
  features: ["similarity", "headline-similarity", "same-action", "same-verb", "other-action", "progressed", "within-a-day", "within-3-days", "log-days", "shared-numbers", "shared-names"],
  weights: [4.348, 3.179, 1.226, 1.534, -0.661, -3.341, -2.581, -0.035, -2.706, -0.141, 0.478],
  bias: 2.636,
};
