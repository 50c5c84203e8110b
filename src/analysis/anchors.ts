/**
 * Story anchors: words only this story's coverage uses (an institution, a fund's name,
 * a deposit, a negotiator), learned from the seed corpus and every relevant article
 * that did not need anchors to be relevant (engine.ts, teachesAnchors),
 * and seen more often there than in near misses (articles that named some of the
 * story's concepts but were judged off-topic). A headline that misses one concept group but names two
 * anchors ("Rada committee backs deal") is still about the story.
 */

/** An anchor must appear in this many of the story's articles... */
const MIN_STORY_DF = 2;

export class AnchorStats {
  private readonly story = new Map<string, number>();
  /** Words of the story's own concept groups: they are counted by the groups already. */
  private readonly concepts: Set<string>;

  constructor(conceptTerms: string[]) {
    this.concepts = new Set(conceptTerms.flatMap((t) => t.toLowerCase().split(/[^a-z0-9]+/)).filter(Boolean));
  }
  private readonly nearMiss = new Map<string, number>();

  /** Counts an article of the story (the names in its headline and lede). */
  addStory(terms: string[]): void {
    for (const t of new Set(terms)) this.story.set(t, (this.story.get(t) ?? 0) + 1);
  }

  /** Counts an off-topic article that still matched some of the story's concepts. */
  addNearMiss(terms: string[]): void {
    for (const t of new Set(terms)) this.nearMiss.set(t, (this.nearMiss.get(t) ?? 0) + 1);
  }

  isAnchor(term: string): boolean {
    const story = this.story.get(term) ?? 0;
    // A near miss may itself have been about the story: a name must be more the story's than theirs.
    return story >= MIN_STORY_DF && story > (this.nearMiss.get(term) ?? 0) && !this.concepts.has(term);
  }

  /**
   * Names the story has never used: another party, another place. A name that shares its
   * stem with one of the story's terms ("Europe" for "European Union") is that term's.
   */
  strangers(names: string[]): string[] {
    return [...new Set(names)].filter((t) => !this.concepts.has(t) && !this.story.has(t) && !this.aliasOfConcept(t));
  }

  private aliasOfConcept(name: string): boolean {
    if (name.length < 4) return false;
    const stem = name.slice(0, Math.max(4, name.length - 2));
    for (const c of this.concepts) if (c.length >= 4 && (c.startsWith(stem) || name.startsWith(c.slice(0, Math.max(4, c.length - 2))))) return true;
    return false;
  }

  /** The distinct anchors among the names. */
  find(names: string[]): string[] {
    return [...new Set(names)].filter((t) => this.isAnchor(t));
  }

  /** The counts, for an engine snapshot (snapshot.ts). */
  exportState(): { story: Map<string, number>; nearMiss: Map<string, number> } {
    return { story: this.story, nearMiss: this.nearMiss };
  }

  importState(s: { story: Map<string, number>; nearMiss: Map<string, number> }): void {
    this.story.clear();
    this.nearMiss.clear();
    for (const [k, v] of s.story) this.story.set(k, v);
    for (const [k, v] of s.nearMiss) this.nearMiss.set(k, v);
  }
}
