/**
 * Deterministic synthetic news stream for benchmarks: on-topic developments with fresh
 * facts, syndicated copies, rehashes of earlier items and off-topic noise, in the
 * proportions a busy feed set shows. Same seed, same stream.
 */
import type { Article } from '../domain/article.js';

/** A small deterministic generator (mulberry32): the same seed, the same sequence. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PEOPLE = ['Olena Kovalenko', 'Mark Hadley', 'Ivan Petrenko', 'Sara Lindqvist', 'Taras Bondar', 'Grace Miller', 'Andriy Shevchuk', 'Paul Ortega'];
const BODIES = ['cabinet', 'parliament', 'committee', 'board', 'ministry', 'regulator', 'court', 'fund', 'auditors', 'council', 'agency', 'tribunal'];
const STEPS = ['approved', 'signed', 'ratified', 'published', 'appointed', 'invested in', 'launched', 'suspended', 'rejected', 'extended', 'awarded', 'cancelled', 'reviewed', 'opened a tender for', 'paid for', 'delayed'];
const OBJECTS = [
  'a lithium project', 'a graphite mine', 'the annual report', 'a titanium plant', 'new licence rules', 'a rare earth processing plant',
  'the audit plan', 'a port upgrade', 'a nickel smelter', 'the second budget', 'an exploration licence', 'a uranium deposit',
  'a copper refinery', 'the reserves survey', 'a rail link to the mines', 'a magnet factory',
];
const PLACES = ['Kyiv', 'Dnipro', 'Lviv', 'Odesa', 'Zhytomyr', 'Kirovohrad', 'Poltava', 'Kharkiv'];
const OFF = [
  'Grain exports through Black Sea ports rose as insurers cut premiums for cargo ships.',
  'The central bank kept its key rate unchanged and said inflation was slowing.',
  'Football fans gathered in the capital to celebrate the cup final victory.',
  'A heatwave pushed electricity demand to a record and prompted calls to save power.',
  'The city council voted to extend tram lines to the new residential district.',
  'Chile and Australia expanded cooperation on copper smelting and port logistics.',
  'Canada announced tax credits for battery makers and nickel miners.',
  'European leaders discussed air defence and ceasefire guarantees in London.',
];
const BACKGROUND = [
  'The agreement with the United States created a joint reconstruction investment fund for revenues from new mineral licences.',
  'Ukraine keeps ownership of its natural resources under the minerals deal signed in Washington.',
  'Talks on the minerals deal began in February after Washington asked for a share of resource revenues.',
  'The fund is run by a board of American and Ukrainian members and reinvests profits inside Ukraine.',
];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

const SYLLABLES = ['ko', 'ra', 'vin', 'do', 'bra', 'mel', 'za', 'tor', 'lu', 'shev', 'nik', 'ol', 'pet', 'ha', 'sky', 'mar'];

/** A made-up site name ("Dobrashev"): each development is about its own project. */
function siteName(r: () => number): string {
  const name = `${pick(r, SYLLABLES)}${pick(r, SYLLABLES)}${pick(r, SYLLABLES)}`;
  return name[0]!.toUpperCase() + name.slice(1);
}

/** Each development has its own spokesperson, as real ones have their own officials. */
function person(r: () => number): string {
  return `${pick(r, PEOPLE).split(' ')[0]} ${siteName(r)}enko`;
}

const DETAILS = [
  (r: () => number) => `The decision passed with ${200 + Math.floor(r() * 200)} votes and covers ${2 + Math.floor(r() * 9)} sites over ${3 + Math.floor(r() * 12)} years.`,
  (r: () => number) => `Work is due to start within ${2 + Math.floor(r() * 20)} months and employ ${100 + Math.floor(r() * 900)} people.`,
  (r: () => number) => `The ${siteName(r)} consortium holds ${10 + Math.floor(r() * 80)}% of the venture.`,
  (r: () => number) => `An audit by ${siteName(r)} Partners found reserves of ${1 + Math.floor(r() * 40)} million tonnes.`,
];

function development(r: () => number, i: number): { title: string; content: string } {
  const body = pick(r, BODIES);
  const step = pick(r, STEPS);
  const obj = `the ${siteName(r)} ${pick(r, OBJECTS).replace(/^(a|an|the|new) /, '')}`;
  const amount = 5 + Math.floor(r() * 995);
  const title = `US-Ukraine minerals fund ${body} ${step} ${obj} (${i})`;
  const lines = [
    `The ${body} of the US-Ukraine reconstruction investment fund ${step} ${obj} near ${pick(r, PLACES)} worth $${amount} million, ${person(r)} said on ${pick(r, ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'])}.`,
    pick(r, DETAILS)(r),
    pick(r, BACKGROUND),
    pick(r, BACKGROUND),
    `Officials in Kyiv and Washington said item ${i} would be reviewed by ${person(r)} next month.`,
  ];
  return { title, content: lines.join(' ') };
}

/** Minutes between two articles: a story has about one development a day. */
const STEP_MINUTES = 360;

export function generateStream(n: number, seed = 42): Article[] {
  return [...streamArticles(n, seed)];
}

/**
 * The same stream one article at a time (a million articles do not fit in memory at
 * once), starting at `start` and `stepMinutes` apart.
 */
export function* streamArticles(n: number, seed = 42, opts: { start?: number; stepMinutes?: number } = {}): Generator<Article> {
  const r = rng(seed);
  // Copies are of one of the last five developments: only those are kept.
  const developments: Article[] = [];
  let count = 0;
  const start = opts.start ?? Date.UTC(2025, 5, 1);
  const step = (opts.stepMinutes ?? STEP_MINUTES) * 60_000;
  for (let i = 0; i < n; i++) {
    const roll = r();
    let title: string;
    let content: string;
    if (roll < 0.55 || i === 0) {
      title = `${pick(r, OFF).split(' ').slice(0, 6).join(' ')} (${i})`;
      content = [pick(r, OFF), pick(r, OFF), pick(r, OFF), `Report number ${i} from ${pick(r, PLACES)}.`].join(' ');
    } else if (roll < 0.8 || count === 0) {
      ({ title, content } = development(r, i));
    } else {
      // A syndicated copy or light rewrite of one of the last few developments.
      const src = developments[developments.length - 1 - Math.floor(r() * Math.min(count, 5))]!;
      title = `${src.title} - wire copy`;
      content = roll < 0.9 ? src.content : `${src.content.split('. ').slice(0, 2).join('. ')}.`;
    }
    const article = {
      id: `g${i}`, title, content, source: `wire${i % 7}`, url: `https://bench.example/${i}`,
      publishedAt: new Date(start + i * step).toISOString(),
    };
    if (roll >= 0.55 && roll < 0.8) {
      developments.push(article);
      count++;
      if (developments.length > 5) developments.shift();
    }
    yield article;
  }
}

/** An off-topic item of a busy feed set (the bulk of what a story's feeds carry), from `i` alone. */
export function noiseArticle(i: number, time: number): Article {
  const r = rng(i * 7919 + 1);
  return {
    id: `n${i}`, title: `${pick(r, OFF).split(' ').slice(0, 6).join(' ')} (${i})`,
    content: [pick(r, OFF), pick(r, OFF), `Report number ${i} from ${pick(r, PLACES)}.`].join(' '),
    source: `desk${i % 23}`, url: `https://noise.example/${i}`, publishedAt: new Date(time).toISOString(),
  };
}
