/** A tracked story: what makes an article about it, and the corpus it starts from. */

export interface ConceptGroup {
  /** Short label shown in explanations, e.g. "ukraine". */
  name: string;
  /** An article must mention every required group to be about the story. */
  required: boolean;
  /** Words or phrases; ALL-CAPS entries (US, EU) match case-sensitively. */
  terms: string[];
}

export interface NoveltyTuning {
  /** A sentence whose best known match contains less than this share of it is novel. */
  novelSentenceCoverage: number;
  /** Facts only count as new when their sentence is covered less than this. */
  factSentenceCoverage: number;
  /** Minimum summed weight of new facts for a new development. */
  minNewFactWeight: number;
  /** Minimum share of the article's information that is new. */
  minContentNovelty: number;
  /** Shingle containment at or above which an article is a copy. */
  duplicateContainment: number;
}

export interface StoryDefinition {
  id: string;
  name: string;
  description: string;
  groups: ConceptGroup[];
  /** Relevance score (0..1) at or above which a fully matched article is relevant. */
  minRelevance: number;
  novelty: NoveltyTuning;
}

export interface CorpusDocument {
  id: string;
  title: string;
  url: string;
  source: string;
  publishedAt: string | null;
  content: string;
}

export const DEFAULT_NOVELTY: NoveltyTuning = {
  novelSentenceCoverage: 0.5,
  factSentenceCoverage: 0.75,
  minNewFactWeight: 3,
  minContentNovelty: 0.2,
  duplicateContainment: 0.6,
};
