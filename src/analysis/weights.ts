/**
 * Fitted weights of the join-or-open model (src/analysis/decide.ts), written by
 * `npm run fit -- --write` (src/cli/fit.ts) from the labelled dev stories: boeing-machinists-strike, crowdstrike-outage, eu-ai-act, google-search-antitrust, microsoft-activision, minerals-deal, minerals-synthetic, nippon-us-steel, who-pandemic-agreement.
 * Data, not code: do not edit by hand; re-fit and commit the result.
 */
import type { DecideModel } from './decide.js';

export const DECIDE_WEIGHTS: DecideModel = {
  features: ["similarity", "headline-similarity", "same-action", "same-verb", "same-family", "other-action", "other-verb", "progressed", "log-days", "over-a-week", "shared-numbers", "shared-names", "new-numbers", "new-names", "short", "short-similarity", "short-same-action", "short-same-family", "short-log-days"],
  weights: [4.367, 1.567, 1.068, 0.275, 0.043, -1.156, -0.482, -1.737, -1.159, -0.376, -0.121, 0.856, 0.109, -0.065, 0.425, -0.255, 0.1, 0.108, -0.332],
  bias: 0.389,
};
