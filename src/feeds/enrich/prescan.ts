/**
 * A cheap look at a page before anything parses it. Readability's cost grows much faster
 * than the page when elements nest deep (500 levels: 1 s, 1,000: 5 s, 1,500: 28 s, 3,000:
 * a stack overflow), and no real article nests anywhere near that; such a page, or one
 * larger than any article page, is refused here with the reason, before a DOM is built.
 *
 * One forward pass with indexOf only, never a regex that can backtrack, so a hostile page
 * costs at most a few milliseconds per megabyte.
 */

export interface PrescanLimits {
  /** Characters of HTML a page may have (the fetch cap is in bytes and a little smaller). */
  maxChars: number;
  /** How deep elements may nest; real news pages stay under 100. */
  maxDepth: number;
}

export const DEFAULT_PRESCAN_LIMITS: PrescanLimits = { maxChars: 3_000_000, maxDepth: 256 };

/** Elements that never hold others. */
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr', 'keygen', 'frame', 'basefont', 'isindex']);
/** Elements whose end a parser implies, so pages often leave them open: they are not counted. */
const IMPLIED_END = new Set(['html', 'head', 'body', 'p', 'li', 'dt', 'dd', 'tr', 'td', 'th', 'thead', 'tbody', 'tfoot', 'option', 'optgroup', 'colgroup', 'caption', 'rb', 'rt', 'rp']);
/** Elements whose content is raw text up to their end tag. */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp']);

const isNameChar = (c: number) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 58;

/** Why the page must not be parsed, or undefined when it may be. */
export function prescanHtml(html: string, limits: PrescanLimits = DEFAULT_PRESCAN_LIMITS): string | undefined {
  if (html.length > limits.maxChars) {
    return `the page has ${html.length.toLocaleString('en')} characters of HTML, over the ${limits.maxChars.toLocaleString('en')} an article page may have`;
  }
  const depth = maxNestingDepth(html.toLowerCase(), limits.maxDepth);
  if (depth > limits.maxDepth) return `its elements nest more than ${limits.maxDepth} deep (no article page does; parsing it could take minutes)`;
  return undefined;
}

/** The deepest nesting seen, counting no further than just past `stopAbove`. */
export function maxNestingDepth(lower: string, stopAbove = Infinity): number {
  let depth = 0;
  let max = 0;
  let i = lower.indexOf('<');
  while (i >= 0 && i < lower.length) {
    const next = lower.charCodeAt(i + 1);
    if (lower.startsWith('<!--', i)) {
      const end = lower.indexOf('-->', i + 4);
      if (end < 0) break;
      i = lower.indexOf('<', end + 3);
      continue;
    }
    if (next === 33 /* ! */ || next === 63 /* ? */) {
      const end = lower.indexOf('>', i + 2);
      if (end < 0) break;
      i = lower.indexOf('<', end + 1);
      continue;
    }
    const closing = next === 47; /* / */
    const start = closing ? i + 2 : i + 1;
    let j = start;
    while (j < lower.length && isNameChar(lower.charCodeAt(j))) j++;
    const name = lower.slice(start, j);
    if (!name || !(lower.charCodeAt(start) >= 97 && lower.charCodeAt(start) <= 122)) {
      i = lower.indexOf('<', i + 1);
      continue;
    }
    const end = lower.indexOf('>', j);
    if (end < 0) break;
    const counted = !VOID.has(name) && !IMPLIED_END.has(name);
    if (closing) {
      if (counted && depth > 0) depth--;
      i = lower.indexOf('<', end + 1);
      continue;
    }
    const selfClosing = lower.charCodeAt(end - 1) === 47;
    if (RAW_TEXT.has(name) && !selfClosing) {
      // Its end tag is skipped with it: it was never counted as open.
      const close = lower.indexOf(`</${name}`, end + 1);
      const closeEnd = close < 0 ? -1 : lower.indexOf('>', close);
      if (closeEnd < 0) break;
      i = lower.indexOf('<', closeEnd + 1);
      continue;
    }
    if (counted && !selfClosing) {
      depth++;
      if (depth > max) max = depth;
      if (max > stopAbove) return max;
    }
    i = lower.indexOf('<', end + 1);
  }
  return max;
}
