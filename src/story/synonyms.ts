/**
 * Words news reports use for one kind of event: a story's seeds use some of them, later
 * reports the others ("acquisition" in the seeds, "buyout" in the next headline). General
 * newsroom vocabulary, as src/analysis/lexicon.ts is: nothing here is about one story.
 * A drafted subject that holds one word of a family gets the family's other words.
 */
export const EVENT_FAMILIES: string[][] = [
  ['acquisition', 'acquire', 'takeover', 'buyout', 'merger', 'purchase', 'buy', 'bid', 'sale'],
  ['treaty', 'accord', 'pact', 'convention'],
  ['law', 'act', 'regulation', 'legislation', 'bill', 'rule'],
  ['strike', 'walkout', 'stoppage', 'picket'],
  ['negotiation', 'talks', 'negotiator', 'negotiate'],
  ['lawsuit', 'suit', 'trial', 'ruling', 'judge', 'court'],
  ['antitrust', 'monopoly', 'competition'],
  ['outage', 'crash', 'glitch', 'failure', 'meltdown', 'disruption'],
  ['contract', 'tentative agreement', 'offer', 'wage', 'pay'],
  ['sanction', 'embargo', 'tariff'],
  ['ceasefire', 'truce', 'armistice'],
  ['election', 'vote', 'ballot', 'poll'],
];

/** The family words a subject lacks, for the subject's terms. */
export function familyOf(terms: string[]): string[] {
  const have = new Set(terms.map((t) => t.toLowerCase()));
  const out: string[] = [];
  for (const family of EVENT_FAMILIES) {
    if (!family.some((w) => have.has(w))) continue;
    for (const w of family) if (!have.has(w) && !out.includes(w)) out.push(w);
  }
  return out;
}
