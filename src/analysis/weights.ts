/**
 * Fitted weights of the join-or-open model (src/analysis/decide.ts), written by
 * `npm run fit` (src/eval/fit.ts) from the labelled dev stories. Data, not code: do not
 * edit by hand; re-fit and commit the result.
 */
import type { DecideModel } from './decide.js';

export const DECIDE_WEIGHTS: DecideModel = {
  features: ['similarity', 'headline-similarity', 'same-action', 'same-verb', 'other-action', 'progressed', 'within-a-day', 'within-3-days', 'log-days', 'shared-numbers', 'shared-names'],
  weights: [6, 1, 1, 0.3, -0.7, -3, 1.5, 0.7, -0.4, 0.5, 1],
  bias: -2.2,
};
