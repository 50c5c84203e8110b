/**
 * Fitted weights of the join-or-open model (src/analysis/decide.ts), written by
 * `npm run fit -- --write` (src/cli/fit.ts) from the labelled dev stories: boeing-machinists-strike, crowdstrike-outage, eu-ai-act, google-search-antitrust, microsoft-activision, minerals-deal, minerals-synthetic, nippon-us-steel, who-pandemic-agreement.
 * Data, not code: do not edit by hand; re-fit and commit the result.
 */
import type { DecideModel } from './decide.js';

export const DECIDE_WEIGHTS: DecideModel = {
  features: ["similarity", "headline-similarity", "same-action", "same-verb", "same-family", "other-action", "other-verb", "progressed", "log-days", "over-a-week", "shared-numbers", "shared-names", "new-numbers", "new-names", "short", "short-similarity", "short-same-action", "short-same-family", "short-log-days"],
  weights: [4.35, 1.623, 1.042, 0.286, 0.072, -1.049, -0.473, -1.722, -1.156, -0.396, -0.13, 0.881, 0.094, -0.011, 0.454, -0.257, 0.103, 0.097, -0.319],
  bias: 0.329,
};
