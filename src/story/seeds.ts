/**
 * Seeds for `story new`: a text file (first line the headline) or a page URL, fetched
 * through the SSRF-guarded fetcher and read with Readability, each with a date. The date
 * pins the story's timeline, so a seed without one is refused rather than guessed.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { parseHTML } from 'linkedom';
import { AppError } from '../domain/errors.js';
import { stripControl } from '../domain/control.js';
import { extractArticle } from '../feeds/enrich/extract.js';
import type { PageRequest, PageResult } from '../feeds/fetcher.js';

export interface Seed {
  /** What the user gave (file path or URL), without the @date. */
  source: string;
  title: string;
  content: string;
  publishedAt: Date;
  /** Where the date came from, said back to the user. */
  dateFrom: string;
  url?: string | undefined;
}

export interface SeedSpec {
  source: string;
  date?: Date | undefined;
}

/** Loads one page; the CLI gives the guarded fetcher, tests a loopback-allowed one. */
export type FetchPage = (url: string, req: PageRequest) => Promise<PageResult>;

const HOW_TO_DATE = 'add its date after an @: --seed corpus/001.txt@2025-03-04T12:00:00Z (a date alone, 2025-03-04, means noon UTC)';
const MAX_SEED_FILE_BYTES = 2 * 1024 * 1024;
const MAX_SEED_CHARS = 100_000;

/** `path-or-url[@ISO-date]`: the suffix is a date only when it reads as one (URLs may hold an @). */
export function parseSeedSpec(raw: string): SeedSpec {
  const at = raw.lastIndexOf('@');
  const suffix = at > 0 ? raw.slice(at + 1) : '';
  if (!/^\d{4}-\d{2}-\d{2}/.test(suffix)) return { source: raw };
  const date = parseDate(suffix);
  if (!date) throw new AppError(`seed "${raw}": "${suffix}" is not a date`, 'USAGE', HOW_TO_DATE);
  return { source: raw.slice(0, at), date };
}

/** An ISO date or date-time; a bare date is taken as noon UTC so no time zone moves its day. */
export function parseDate(s: string): Date | undefined {
  const t = s.trim();
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(t) ? `${t}T12:00:00Z` : t;
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(iso)) return undefined;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export const isUrl = (s: string) => /^https?:\/\//i.test(s);

export async function loadSeed(spec: SeedSpec, fetchPage?: FetchPage): Promise<Seed> {
  return isUrl(spec.source) ? loadPageSeed(spec, fetchPage) : loadFileSeed(spec);
}

function loadFileSeed(spec: SeedSpec): Seed {
  const file = spec.source;
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new AppError(`seed "${file}": no such file`, 'USAGE', 'give a text file (first line the headline) or an http(s) page URL');
  }
  if (statSync(file).size > MAX_SEED_FILE_BYTES) throw new AppError(`seed "${file}" is larger than 2 MB`, 'USAGE', 'a seed is one article as plain text');
  const text = stripControl(readFileSync(file, 'utf8'), true);
  const lines = text.split(/\r?\n/);
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first < 0) throw new AppError(`seed "${file}" is empty`, 'USAGE', 'put the headline on the first line and the article below it');
  if (!spec.date) throw new AppError(`seed "${file}" has no date`, 'USAGE', HOW_TO_DATE);
  return {
    source: file, title: lines[first]!.trim(), content: lines.slice(first + 1).join('\n').trim().slice(0, MAX_SEED_CHARS),
    publishedAt: spec.date, dateFrom: '@ suffix',
  };
}

async function loadPageSeed(spec: SeedSpec, fetchPage?: FetchPage): Promise<Seed> {
  if (!fetchPage) throw new AppError(`seed "${spec.source}": pages cannot be fetched here`, 'USAGE', 'save the article as a text file and give that');
  let page: PageResult;
  try {
    page = await fetchPage(spec.source, { htmlOnly: true });
  } catch (err) {
    throw new AppError(`seed "${spec.source}" could not be fetched: ${(err as Error).message}`, 'INPUT_INVALID',
      'check the URL, or save the article as a text file and give that with @date', { cause: err });
  }
  const got = extractArticle(page.body, MAX_SEED_CHARS);
  if (!got) throw new AppError(`seed "${spec.source}": no article text found on ${page.finalUrl}`, 'INPUT_INVALID', 'save the article as a text file and give that with @date');
  const found = spec.date ? undefined : pageDate(page.body, page.finalUrl);
  const date = spec.date ?? found?.date;
  if (!date) throw new AppError(`seed "${spec.source}": the page gives no publication date (no metadata, JSON-LD or date in its URL)`, 'INPUT_INVALID', HOW_TO_DATE.replace('corpus/001.txt', spec.source));
  const title = got.title || metaTitle(page.body) || got.text.split('\n')[0]!.slice(0, 200);
  return { source: spec.source, url: page.finalUrl, title, content: got.text, publishedAt: date, dateFrom: found?.from ?? '@ suffix' };
}

const DATE_META = [
  'meta[property="article:published_time"]', 'meta[name="article:published_time"]', 'meta[itemprop="datePublished"]',
  'meta[name="pubdate"]', 'meta[name="publishdate"]', 'meta[name="date"]', 'meta[name="dc.date"]', 'meta[name="DC.date.issued"]',
  'meta[property="og:published_time"]', 'meta[name="parsely-pub-date"]', 'meta[name="sailthru.date"]',
];

/** The page's publication date: metadata, then JSON-LD, then a <time>, then the URL's path. */
export function pageDate(html: string, url: string): { date: Date; from: string } | undefined {
  const { document } = parseHTML(html.slice(0, 3_000_000));
  for (const sel of DATE_META) {
    const d = looseDate(document.querySelector(sel)?.getAttribute('content'));
    if (d) return { date: d, from: `page metadata (${sel.replace(/^meta\[|\]$/g, '')})` };
  }
  for (const el of [...document.querySelectorAll('script[type="application/ld+json"]')]) {
    const d = looseDate(jsonLdDate(el.textContent ?? ''));
    if (d) return { date: d, from: 'page JSON-LD (datePublished)' };
  }
  const time = looseDate(document.querySelector('time[datetime]')?.getAttribute('datetime'));
  if (time) return { date: time, from: 'the page\'s <time> element' };
  const m = /\/(20\d{2}|19\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:\/|$|-)/.exec(new URL(url).pathname);
  if (m) {
    const d = parseDate(`${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`);
    if (d) return { date: d, from: 'the date in its URL' };
  }
  return undefined;
}

function looseDate(v: string | null | undefined): Date | undefined {
  if (!v) return undefined;
  const t = v.trim();
  if (!/^\d{4}-\d{2}-\d{2}/.test(t)) return undefined;
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(t) ? `${t}T12:00:00Z` : t);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** datePublished anywhere in a JSON-LD block (an object, an array, or a @graph). */
function jsonLdDate(text: string): string | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  const stack = [data];
  for (let seen = 0; stack.length && seen < 500; seen++) {
    const v = stack.pop();
    if (Array.isArray(v)) stack.push(...v);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.datePublished === 'string') return o.datePublished;
      stack.push(...Object.values(o).filter((x) => x && typeof x === 'object'));
    }
  }
  return undefined;
}

function metaTitle(html: string): string | undefined {
  const { document } = parseHTML(html.slice(0, 3_000_000));
  return document.querySelector('meta[property="og:title"]')?.getAttribute('content')?.trim() || undefined;
}
