/**
 * Fitted weights of the join-or-open model (src/analysis/decide.ts), written by
 * `npm run fit -- --write` (src/cli/fit.ts) from the labelled dev stories: boeing-machinists-strike, crowdstrike-outage, eu-ai-act, google-search-antitrust, microsoft-activision, minerals-deal, minerals-synthetic, nippon-us-steel, who-pandemic-agreement.
 * Data, not code: do not edit by hand; re-fit and commit the result.
 */
import type { DecideModel } from './decide.js';

export const DECIDE_WEIGHTS: DecideModel = {
  features: ["similarity", "headline-similarity", "same-action", "same-verb", "same-family", "other-action", "other-verb", "progressed", "log-days", "over-a-week", "shared-numbers", "shared-names", "new-numbers", "new-names"],
  weights: [4.118, 1.64, 0.987, 0.246, 0.038, -1.125, -0.506, -1.964, -1.269, -0.439, -0.177, 0.932, 0.15, -0.106],
  bias: 0.621,
};
