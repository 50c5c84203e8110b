/**
 * Feed content is HTML more often than not: reduce it to plain text with paragraphs.
 *
 * Feed and page HTML is hostile input: a description of 120,000 '<' or an unterminated
 * comment once made regex stripping quadratic and froze the process for seconds. This is a
 * streaming tokenizer (htmlparser2, a state machine: one pass, linear in the input) over an
 * input capped before any work, so its cost has a hard bound whatever the markup.
 */
import { decodeHTML } from 'entities';
import { Parser } from 'htmlparser2';

/** No item's HTML is read past this (the text of an item is capped far below it anyway). */
export const MAX_HTML_TO_TEXT_CHARS = 1_000_000;

/** Elements whose content is never text a reader sees. */
const HIDDEN = new Set(['script', 'style', 'noscript', 'iframe', 'svg', 'template', 'head', 'title']);
/** Elements that end a line, as a browser lays them out. */
const BREAK_AFTER = new Set(['p', 'div', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li', 'blockquote', 'tr', 'section', 'article', 'figcaption', 'pre', 'dd', 'dt']);

export function decodeEntities(s: string): string {
  return decodeHTML(s);
}

export function htmlToText(html: string, maxChars: number = MAX_HTML_TO_TEXT_CHARS): string {
  const out: string[] = [];
  // Depth inside hidden elements: their text is dropped, nested or not.
  let hidden = 0;
  const parser = new Parser(
    {
      onopentag(name) {
        if (HIDDEN.has(name)) hidden++;
        else if (name === 'br') out.push('\n');
        else out.push(' ');
      },
      onclosetag(name, implied) {
        if (HIDDEN.has(name)) hidden = Math.max(0, hidden - 1);
        else if (BREAK_AFTER.has(name)) out.push('\n');
        else if (!implied || name !== 'br') out.push(' ');
      },
      ontext(text) {
        if (hidden === 0) out.push(text);
      },
    },
    { decodeEntities: true, lowerCaseTags: true, recognizeSelfClosing: true },
  );
  parser.end(html.length > maxChars ? html.slice(0, maxChars) : html);
  return tidy(out.join(''));
}

/** Whitespace as a reader sees it: single spaces, single line breaks, no blank lines. */
function tidy(text: string): string {
  // Runs of spaces collapse first, so the patterns after it never backtrack over long runs.
  return text
    .replace(/[ \t\f\v\r\u00a0]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{2,}/g, '\n')
    .trim();
}
