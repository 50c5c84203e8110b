/**
 * Fitted weights of the join-or-open model (src/analysis/decide.ts), written by
 * `npm run fit -- --write` (src/cli/fit.ts) from the labelled dev stories: boeing-machinists-strike, crowdstrike-outage, eu-ai-act, google-search-antitrust, microsoft-activision, minerals-deal, minerals-synthetic, nippon-us-steel, who-pandemic-agreement.
 * Data, not code: do not edit by hand; re-fit and commit the result.
 */
import type { DecideModel } from './decide.js';

export const DECIDE_WEIGHTS: DecideModel = {
  features: ["similarity", "headline-similarity", "same-action", "same-verb", "same-family", "other-action", "other-verb", "progressed", "log-days", "over-a-week", "shared-numbers", "shared-names", "new-numbers", "new-names", "short", "short-similarity", "short-same-action", "short-same-family", "short-log-days"],
  weights: [4.374, 1.622, 0.991, 0.243, 0.045, -1.083, -0.511, -1.754, -1.158, -0.396, -0.139, 0.913, 0.108, -0.003, 0.472, -0.233, 0.016, 0.08, -0.313],
  bias: 0.356,
};
