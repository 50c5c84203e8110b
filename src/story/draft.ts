/**
 * Drafts a story's concept groups from its seeds alone: the parties every seed names
 * (each with the spellings the seeds use) and the subject, the nouns the seeds keep
 * coming back to. The draft is scored on the seeds themselves so the user sees, before
 * anything runs, which seed matches which group.
 */
import { matchGroups, scoreRelevance } from '../analysis/relevance.js';
import { sentences, tag } from '../analysis/nlp.js';
import type { ConceptGroup, StoryDefinition } from '../domain/story.js';
import { clusterNames, foldName, isAcronym, nameMentions, spelledOut, type NameCluster } from './names.js';
import { GENERIC_NOUNS } from './generic.js';
import { rarity } from './rarity.js';
import { familyOf } from './synonyms.js';

export interface SeedText {
  title: string;
  content: string;
}

export interface Draft {
  groups: ConceptGroup[];
  minRelevance: number;
  /** One line per choice: what was chosen and why. */
  why: string[];
}

const MAX_PARTIES = 2;
const MAX_VARIANTS = 10;
const MAX_SUBJECT_TERMS = 8;

const atLeast = (n: number, share: number) => Math.max(1, Math.ceil(n * share));

/** In how many seeds (and seed headlines) a set of terms matches, as the engine matches it. */
function coverage(terms: string[], seeds: SeedText[]): { df: number; hdf: number } {
  const story: StoryDefinition = { id: 'draft', name: 'draft', description: '', minRelevance: 0.7, groups: [{ name: 'x', required: true, terms }] };
  let df = 0;
  let hdf = 0;
  for (const s of seeds) {
    if (matchGroups(story, [s.title]).matched.length) {
      hdf++;
      df++;
    } else if (matchGroups(story, [s.title, ...sentences(s.content)]).matched.length) df++;
  }
  return { df, hdf };
}

/** A group name: the party's commonest spelling, as an id. */
function slug(s: string): string {
  return s.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 30) || 'party';
}

/** A party's terms: its spellings, and the spelt-out form of its acronyms. */
function partyTerms(c: NameCluster, text: string): string[] {
  // A long name seen once is a title-case line read as a name ("Ukraine New Rare Earth Metals Deal").
  const terms = c.variants.filter((v, i) => i === 0 || v.split(' ').length <= 3 || (c.counts.get(v) ?? 0) >= 2);
  for (const v of c.variants) if (isAcronym(v) && c.variants.length === 1) terms.push(...spelledOut(v, text));
  const seen = new Set<string>();
  return terms.filter((t) => {
    const k = isAcronym(t) ? t : foldName(t);
    return !seen.has(k) && (seen.add(k), true);
  }).slice(0, MAX_VARIANTS);
}

/** The party's name most headlines use ("US", not "Trump" who is named more often in bodies). */
function headlineName(terms: string[], seeds: SeedText[]): string {
  let best = terms[0]!;
  let most = -1;
  for (const t of terms.slice(0, 6)) {
    const hdf = coverage([t], seeds).hdf;
    if (hdf > most) [best, most] = [t, hdf];
  }
  return best;
}

interface Party { cluster: NameCluster; terms: string[]; df: number; hdf: number }

function chooseParties(seeds: SeedText[], why: string[]): Party[] {
  const n = seeds.length;
  const text = seeds.map((s) => `${s.title}\n${s.content}`).join('\n');
  const ties: Array<[string, string]> = [];
  const clusters = clusterNames(nameMentions(seeds.map((s) => s.content), ties), ties).slice(0, 25);
  const scored = clusters.map((c) => {
    const terms = partyTerms(c, text);
    return { cluster: c, terms, ...coverage(terms, seeds) };
  });
  // A party of the story is named in (nearly) every seed and in headlines: the others are context.
  const parties = scored
    .filter((p) => p.df >= atLeast(n, 0.75) && p.hdf >= atLeast(n, 0.5))
    .sort((a, b) => b.hdf - a.hdf || b.df - a.df || b.cluster.mentions - a.cluster.mentions)
    .slice(0, MAX_PARTIES);
  for (const p of parties) why.push(`party "${p.terms[0]}": named in ${p.df} of ${n} seeds (${p.hdf} headlines); spellings ${p.terms.join(', ')}`);
  const near = scored.filter((p) => !parties.includes(p) && p.df >= atLeast(n, 0.5)).slice(0, 4);
  if (near.length) why.push(`also named, left out as context: ${near.map((p) => `${p.terms[0]} (${p.df} seeds, ${p.hdf} headlines)`).join(', ')}`);
  return parties;
}

interface Lemma { lemma: string; forms: Set<string>; seeds: Set<number>; headlines: Set<number>; count: number }

/** Nouns of every seed (headlines read in small letters so title case does not hide them). */
function nouns(seeds: SeedText[], exclude: Set<string>): Lemma[] {
  const lemmas = new Map<string, Lemma>();
  const forms = new Map<string, Set<string>>();
  seeds.forEach((s, i) => {
    const parts = [{ text: s.title.toLowerCase(), headline: true }, ...sentences(s.content).map((text) => ({ text, headline: false }))];
    for (const part of parts) {
      const t = tag(part.text);
      t.lemmas.forEach((raw, k) => {
        const lemma = raw.toLowerCase();
        const word = t.words[k]!.toLowerCase();
        if (/^[a-z][a-z-]+$/.test(word) && word.startsWith(lemma.slice(0, 4))) forms.set(lemma, (forms.get(lemma) ?? new Set()).add(word));
        if (t.pos[k] !== 'NOUN' || !/^[a-z][a-z-]{2,}$/.test(lemma) || GENERIC_NOUNS.has(lemma) || exclude.has(lemma)) return;
        if (/^[A-Z]/.test(t.words[k]!) && !part.headline && k > 0) return;
        const e = lemmas.get(lemma) ?? { lemma, forms: new Set<string>(), seeds: new Set<number>(), headlines: new Set<number>(), count: 0 };
        e.seeds.add(i);
        if (part.headline) e.headlines.add(i);
        e.count++;
        lemmas.set(lemma, e);
      });
    }
  });
  // The lemma as a term only when the seeds write it ("rule" for "rules"; not "datum" for "data").
  for (const e of lemmas.values()) {
    const seen = [...(forms.get(e.lemma) ?? [])];
    const base = seen.some((f) => f.startsWith(e.lemma)) ? [e.lemma] : [];
    e.forms = new Set([...base, ...seen.filter((f) => !base.some((b) => f === b || f === `${b}s` || f === `${b}es`))]);
  }
  return [...lemmas.values()];
}

function chooseSubject(seeds: SeedText[], parties: Party[], why: string[]): Lemma[] {
  const n = seeds.length;
  const exclude = new Set(parties.flatMap((p) => p.terms.flatMap((t) => t.toLowerCase().split(/\s+/))));
  const ranked = nouns(seeds, exclude)
    .filter((e) => e.seeds.size >= atLeast(n, 0.5))
    .map((e) => ({ e, score: ((e.seeds.size + e.headlines.size) / n) * (0.4 + rarity(e.lemma)) }))
    .sort((a, b) => b.score - a.score || b.e.count - a.e.count)
    .map((x) => x.e)
    .slice(0, MAX_SUBJECT_TERMS);
  if (ranked.length) why.push(`subject: the nouns most seeds use (seeds/headlines): ${ranked.map((e) => `${e.lemma} ${e.seeds.size}/${e.headlines.size}`).join(', ')}`);
  return ranked;
}

/**
 * The seeds' relevance with each one scored against the others (as a new report would be):
 * minRelevance sits at the full-match floor unless a seed falls below it.
 */
function chooseMinRelevance(def: StoryDefinition, seeds: SeedText[], why: string[]): number {
  const scores = seeds.map((s) => scoreRelevance(def, matchGroups(def, [s.title, ...sentences(s.content)]), 0));
  const full = scores.filter((r) => r.missing.length === 0).length;
  why.push(`minRelevance 0.7: an article must name every group (${full} of ${seeds.length} seeds do); ` +
    'closeness to the seeds only adds to the score, so a higher bar would drop new developments that share few words with them');
  scores.forEach((r, i) => {
    if (r.missing.length) why.push(`seed ${i + 1} ("${seeds[i]!.title.slice(0, 60)}") misses ${r.missing.join(', ')}: add the word it uses to that group`);
  });
  return 0.7;
}

export function draftStory(seeds: SeedText[]): Draft {
  const why: string[] = [];
  const parties = chooseParties(seeds, why);
  const groups: ConceptGroup[] = parties.map((p) => ({ name: slug(headlineName(p.terms, seeds)), required: true, terms: p.terms }));
  const subject = chooseSubject(seeds, parties, why);
  // One party leaves a headline room for the subject only. A noun every seed and every
  // headline uses is a concept of its own ("pandemic" beside "treaty"): a headline naming
  // both is then not refused for leaving the party out, and one naming the noun alone
  // ("WHO calls meeting on pandemic") is not taken for the story.
  const n = seeds.length;
  const lead = subject.find((e) => n >= 3 && e.seeds.size === n && e.headlines.size === n);
  if (parties.length === 1 && lead && subject.length > 2) {
    groups.push({ name: lead.lemma, required: true, terms: [...lead.forms] });
    why.push(`"${lead.lemma}" is in every seed and every headline: a group of its own`);
  }
  const rest = subject.filter((e) => e !== lead || groups.length === parties.length);
  if (rest.length) {
    const terms = [...new Set(rest.flatMap((e) => [...e.forms]))];
    const more = familyOf(terms);
    if (more.length) why.push(`subject widened with words reports use for the same kind of event: ${more.join(', ')}`);
    groups.push({ name: 'subject', required: true, terms: [...terms, ...more] });
  }
  if (!groups.length) why.push('no party or subject recurs across the seeds: give more seeds, or write the groups by hand');
  // Two groups named alike would be one group in explanations.
  groups.forEach((g, i) => {
    if (groups.findIndex((x) => x.name === g.name) !== i) g.name = `${g.name}-${i + 1}`;
  });
  const def: StoryDefinition = { id: 'draft', name: 'draft', description: '', groups, minRelevance: 0.7 };
  const minRelevance = groups.length ? chooseMinRelevance(def, seeds, why) : 0.7;
  return { groups, minRelevance, why };
}
