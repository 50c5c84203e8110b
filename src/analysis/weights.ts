/**
 * Fitted weights of the join-or-open model (src/analysis/decide.ts), written by
 * `npm run fit -- --write` (src/cli/fit.ts) from the labelled dev stories: boeing-machinists-strike, crowdstrike-outage, eu-ai-act, google-search-antitrust, microsoft-activision, minerals-deal, minerals-synthetic, nippon-us-steel, who-pandemic-agreement.
 * Data, not code: do not edit by hand; re-fit and commit the result.
 */
import type { DecideModel } from './decide.js';

export const DECIDE_WEIGHTS: DecideModel = {
  features: ["similarity", "headline-similarity", "same-action", "same-verb", "same-family", "other-action", "other-verb", "progressed", "log-days", "over-a-week", "shared-numbers", "shared-names", "new-numbers", "new-names", "short", "short-similarity", "short-same-action", "short-same-family", "short-log-days"],
  weights: [4.296, 1.691, 1.008, 0.215, 0.038, -1.109, -0.519, -1.768, -1.15, -0.418, -0.145, 0.894, 0.143, -0.012, 0.461, -0.245, 0.036, 0.074, -0.314],
  bias: 0.377,
};
