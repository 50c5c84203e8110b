/**
 * The language layer: sentence boundaries, tokens, lemmas, parts of speech and negation
 * from wink-nlp with its English light model (a registry package: nothing is downloaded
 * at run time). Two pipelines, because sentence boundaries are wanted for every article
 * and tagging only for the few sentences the event frame reads.
 */
import winkNLP, { type ItemToken } from 'wink-nlp';
import model from 'wink-eng-lite-web-model';

const splitter = winkNLP(model, ['sbd']);
const tagger = winkNLP(model, ['sbd', 'negation', 'pos']);
const its = tagger.its;

let framing = true;

/**
 * Runs `fn` with the event frame and the names read by position rules alone, without the
 * tagger: how `storywatch eval --ablate` measures what the tagger buys in F1.
 */
export function withoutTagger<T>(fn: () => T): T {
  const was = framing;
  framing = false;
  try {
    return fn();
  } finally {
    framing = was;
  }
}

let recorded: string[] | undefined;

/**
 * While a list is given, every sentence the tagger reads is added to it: the classify bench
 * times exactly those again, alone, to say what share of classify the tagger is.
 */
export function recordTagged(into: string[] | undefined): void {
  recorded = into;
}

/** The tags the frame and the names read: none inside withoutTagger. */
export function frameTags(sentence: string): Tagged | undefined {
  return framing ? tag(sentence) : undefined;
}

export interface Tagged {
  /** The tokens as written. */
  words: string[];
  lemmas: string[];
  /** Universal part-of-speech tags: VERB, AUX, NOUN, PROPN, ADJ, ADP, PART, NUM … */
  pos: string[];
  /** Inside the scope of a negation ("did not sign"). */
  negated: boolean[];
}

const porter2 = model.addons.stem as unknown as (word: string) => string;

/** The Porter2 stem of a lower-case word (the model's own stemmer). */
export function porterStem(word: string): string {
  return porter2(word);
}

/** Longer than any sentence: a run with no boundary is cut rather than tagged whole. */
const MAX_SENTENCE_CHARS = 2_000;

/**
 * Sentences of a text; a line break always ends one. The model's boundaries, except where
 * no space follows the full stop ("Censor.NET", "News.Az"): a name, not an ending.
 */
export function sentences(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\n+/)) {
    const para = line.trim();
    if (!para) continue;
    if (!/[.!?]\s/.test(para)) {
      push(out, para);
      continue;
    }
    let pending = '';
    let at = 0;
    for (const s of splitter.readDoc(para).sentences().out() as string[]) {
      const start = para.indexOf(s, at);
      at = start >= 0 ? start + s.length : at;
      pending += s;
      // Glued to what follows: one sentence with a dotted name in it.
      if (at < para.length && !/\s/.test(para[at]!)) continue;
      push(out, pending);
      pending = '';
    }
    if (pending) push(out, pending);
  }
  return out;
}

function push(out: string[], raw: string): void {
  const s = raw.trim();
  if (s.length > 1 && /[A-Za-z0-9]/.test(s)) out.push(s.length > MAX_SENTENCE_CHARS ? s.slice(0, MAX_SENTENCE_CHARS) : s);
}

/** Tokens of one sentence (or a headline) with lemma, part of speech and negation. */
export function tag(sentence: string): Tagged {
  recorded?.push(sentence);
  const tokens = tagger.readDoc(sentence.slice(0, MAX_SENTENCE_CHARS)).tokens();
  const words = tokens.out() as string[];
  // The typings give lemma the signature of a token helper; it works on a collection too.
  // The model has no lemma for a few tokens ("IAM" read as "I am"): the word stands in.
  const lemmas = (tokens.out(its.lemma as unknown as typeof its.pos) as Array<string | undefined>).map((l, i) => l ?? words[i]!.toLowerCase());
  const pos = tokens.out(its.pos) as string[];
  // The typings know no boolean "its" for a collection: read it token by token.
  const negated: boolean[] = [];
  const flag = its.negationFlag as unknown as Parameters<ItemToken['out']>[0];
  tokens.each((t: ItemToken) => {
    negated.push((t.out(flag) as unknown) === true);
  });
  return { words, lemmas, pos, negated };
}
