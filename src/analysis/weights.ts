/**
 * Fitted weights of the join-or-open model (src/analysis/decide.ts), written by
 * `npm run fit -- --write` (src/cli/fit.ts) from the labelled dev stories: boeing-machinists-strike, crowdstrike-outage, eu-ai-act, google-search-antitrust, microsoft-activision, minerals-deal, minerals-synthetic, nippon-us-steel, who-pandemic-agreement.
 * Data, not code: do not edit by hand; re-fit and commit the result.
 */
import type { DecideModel } from './decide.js';

export const DECIDE_WEIGHTS: DecideModel = {
  features: ["similarity", "headline-similarity", "same-action", "same-verb", "same-family", "other-action", "other-verb", "progressed", "log-days", "over-a-week", "shared-numbers", "shared-names", "new-numbers", "new-names", "short", "short-similarity", "short-same-action", "short-same-family", "short-log-days"],
  weights: [4.366, 1.567, 1.078, 0.278, 0.049, -1.149, -0.466, -1.732, -1.16, -0.374, -0.116, 0.856, 0.113, -0.066, 0.436, -0.253, 0.088, 0.101, -0.327],
  bias: 0.376,
};
