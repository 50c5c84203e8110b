/**
 * The article's main text from a publisher page: Mozilla Readability (Firefox Reader
 * View's algorithm) on linkedom, a DOM light enough to build per page in a worker.
 *
 * Readability picks the container with the densest prose, but keeps what sits inside or
 * right beside it: ad slots between paragraphs, "support us" callouts, subscribe boxes,
 * cookie banners on short pages. Those are removed first, by the roles, tags and class
 * names sites give them, never an element holding most of the page's text. What comes out
 * is plain text with paragraph breaks, as feed text is.
 */
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { stripControl } from '../../domain/control.js';
import { htmlToText } from '../html.js';
import { removeAsks, type AskNode } from './asks.js';

export interface Extracted {
  title: string;
  text: string;
}

/** Readability walks the whole DOM: nothing larger than this is parsed (the fetch cap is larger). */
const MAX_HTML_CHARS = 3_000_000;

const BOILERPLATE_TAGS = 'nav, aside, footer, form, button, iframe, noscript, [role=navigation], [role=banner], [role=contentinfo], [role=complementary], [role=dialog], [role=alert], [aria-hidden=true]';
/** Matched against each dash/underscore-separated word of a class, id or data-component. */
const BOILERPLATE_WORD = /^(ads?|advert|advertisement|advertising|banner|promo|sponsored|subscribe|subscription|newsletter|cta|callout|share|sharing|sharedaddy|social|related|cookie|cookies|consent|gdpr|support|donate|donation|contribute|contributions?|membership|fundraising|appeal|upsell|popular|most|comments?|respond|breadcrumbs?|tags|toolbar|links|paywall|signup|outbrain|taboola)$/i;

/** Names that only mean boilerplate as a whole ("sign-off" is not "sign" plus "off"). */
const BOILERPLATE_NAME = /sign[-_]?off|read[-_]?more|most[-_]?read|more[-_]?on[-_]?this|post[-_]?navigation/i;

type El = { getAttribute(n: string): string | null; textContent: string | null; remove(): void; parentNode: unknown };

function looksLikeBoilerplate(el: El): boolean {
  for (const attr of ['class', 'id', 'data-component']) {
    const v = el.getAttribute(attr);
    if (v && (BOILERPLATE_NAME.test(v) || v.split(/[\s_-]+/).some((w) => BOILERPLATE_WORD.test(w)))) return true;
  }
  return false;
}

function removeBoilerplate(document: { body: El | null; querySelectorAll(s: string): Iterable<El> }): void {
  const total = (document.body?.textContent ?? '').length;
  const mostOfPage = (el: El) => (el.textContent ?? '').length >= total * 0.5;
  const remove = (el: El) => {
    // A site that names its article wrapper "story-support" must not lose the article.
    if (!mostOfPage(el)) el.remove();
  };
  // A template is never shown as it is: scripts clone it, if anything.
  for (const el of [...document.querySelectorAll('template')]) el.remove();
  // Before forms go below: a sign-up form is what shows the box around it is an ask.
  removeAsks(document.querySelectorAll('a[href], button, form, input') as unknown as Iterable<AskNode>, (box) => mostOfPage(box as unknown as El));
  for (const el of [...document.querySelectorAll(BOILERPLATE_TAGS)]) remove(el);
  for (const el of [...document.querySelectorAll('[class], [id], [data-component]')]) if (el.parentNode && looksLikeBoilerplate(el)) remove(el);
}

/** Share of the text that is link text: a list of links is a menu, not an article. */
function linkDensity(html: string): number {
  const text = htmlToText(html).length;
  let links = 0;
  for (const m of html.matchAll(/<a\b[^>]*>([\s\S]*?)<\/a>/gi)) links += htmlToText(m[1] ?? '').length;
  return text ? links / text : 1;
}

/** Lines of three words or fewer with no sentence in them: bylines, dates, section labels. */
const isLabel = (line: string) => line.split(/\s+/).length <= 3 && !/[.!?"”]$/.test(line);

export function extractArticle(html: string, maxChars: number): Extracted | undefined {
  if (html.length > MAX_HTML_CHARS) return undefined;
  const { document } = parseHTML(html);
  removeBoilerplate(document as unknown as Parameters<typeof removeBoilerplate>[0]);
  // Readability reads only; the page's scripts never run (linkedom has no script engine).
  const parsed = new Readability(document as unknown as ConstructorParameters<typeof Readability>[0], { charThreshold: 200 }).parse();
  if (!parsed?.content || linkDensity(parsed.content) > 0.5) return undefined;
  const lines = stripControl(htmlToText(parsed.content), true).split('\n').map((l) => l.trim()).filter((l) => l && !isLabel(l));
  const text = lines.join('\n').slice(0, maxChars);
  return text.length >= 80 ? { title: stripControl(parsed.title ?? '').trim(), text } : undefined;
}
