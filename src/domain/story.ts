/** A tracked story: what makes an article about it, and the corpus it starts from. */

export interface ConceptGroup {
  /** Short label shown in explanations, e.g. "ukraine". */
  name: string;
  /** An article must mention every required group to be about the story. */
  required: boolean;
  /** Words or phrases; ALL-CAPS entries (US, EU) match case-sensitively; a lower-case word also in its -ing and -ed forms. */
  terms: string[];
}

export interface StoryDefinition {
  id: string;
  name: string;
  description: string;
  groups: ConceptGroup[];
  /** Relevance score (0..1) at or above which a fully matched article is relevant. */
  minRelevance: number;
}

export interface CorpusDocument {
  id: string;
  title: string;
  url: string;
  source: string;
  publishedAt: string | null;
  content: string;
}
