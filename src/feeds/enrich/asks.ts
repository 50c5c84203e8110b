/**
 * In-article asks: newsletter sign-ups, subscription offers, donation appeals. Sites mark
 * them with class names of their own ("c-box", "wp-block-group"), so they are found by
 * what they are instead: a small block around a call to action (a sign-up form, an email
 * field, or a link or button to subscribe, donate or join) whose own text is a pitch.
 * A link in a real paragraph ("residents can sign up for the consultation here") is no
 * pitch, and the block holding the article is never small, so neither is taken.
 */

/** Structural hooks for the DOM we get from linkedom; only what this file uses. */
export interface AskNode {
  tagName: string;
  textContent: string | null;
  parentElement: AskNode | null;
  getAttribute(name: string): string | null;
  querySelectorAll(selector: string): Iterable<AskNode>;
  remove(): void;
}

/** A block larger than this is article, not a box beside it. */
const MAX_ASK_CHARS = 450;
/** Calls to action looked at per page; an article page has a handful. */
const MAX_ASKS = 50;
/** Containers an ask box never climbs into. */
const CONTAINERS = new Set(['BODY', 'HTML', 'MAIN', 'ARTICLE']);

/** A path segment that is itself an ask: /subscribe, /donate?src=x, /newsletters/, /support-us. */
const ASK_PATH = /\/(subscribe|subscriptions?|donate|donations?|give|newsletters?|membership|members|join|signup|sign-up|register|contribute|support-us|support)(\/|$|\?|#)/i;
/** The wording of a button or short link that asks. */
const ASK_LABEL = /^\W*(subscribe|donate|give|join|sign[ -]?up|register|contribute|support( us)?|become a (member|subscriber|supporter)|get (the )?newsletter)\b/i;
/** What a pitch talks about (the call to action alone is not enough to call a block one). */
const PITCH = /\b(newsletters?|inbox|briefing|subscrib\w*|donat\w*|members?hip|unlimited access|free trial|per (week|month)|a (week|month)|readers like you|support (our|independent|local|quality)|your support|journalism|paywall)\b/i;

function isCallToAction(el: AskNode): boolean {
  const tag = el.tagName.toUpperCase();
  if (tag === 'FORM') return true;
  if (tag === 'INPUT') return (el.getAttribute('type') ?? '').toLowerCase() === 'email';
  const label = (el.textContent ?? '').trim();
  if (tag === 'BUTTON') return ASK_LABEL.test(label);
  if (tag !== 'A') return false;
  const href = el.getAttribute('href') ?? '';
  let path = href;
  try {
    path = new URL(href, 'http://x/').pathname + new URL(href, 'http://x/').search;
  } catch {
    // Keep the raw value: a broken href is matched as written.
  }
  return ASK_PATH.test(path) || (label.split(/\s+/).length <= 4 && ASK_LABEL.test(label));
}

/** A paragraph of prose that is not a pitch: article text, which no ask box holds. */
const isProse = (p: AskNode) => {
  const text = (p.textContent ?? '').trim();
  return text.length >= 60 && !PITCH.test(text);
};

/** The largest block around `el` that is still small, holds no prose and is not the article. */
function boxAround(el: AskNode): AskNode {
  let box = el;
  for (let up = box.parentElement; up && !CONTAINERS.has(up.tagName.toUpperCase()); up = up.parentElement) {
    if ((up.textContent ?? '').length > MAX_ASK_CHARS) break;
    // A short article is small too: its paragraphs are what stop the climb.
    if ([...up.querySelectorAll('p')].some(isProse)) break;
    box = up;
  }
  return box;
}

/** Removes every ask box; `keep` vetoes removing a block (one holding most of the page). */
export function removeAsks(elements: Iterable<AskNode>, keep: (box: AskNode) => boolean): void {
  let asks = 0;
  for (const el of [...elements]) {
    if (!el.parentElement || !isCallToAction(el)) continue;
    // Each climb reads text around it: a page of thousands of "subscribe" links gets no more.
    if (++asks > MAX_ASKS) break;
    const box = boxAround(el);
    if (box !== el && PITCH.test(box.textContent ?? '') && !keep(box)) box.remove();
  }
}
