/**
 * Which outlet wrote an item, and its headline without the outlet's name. Aggregators
 * (Google News, Bing News) name the outlet in <source> or News:Source and repeat it as a
 * " - Outlet" headline suffix; publisher feeds may give dc:publisher. The engine and the
 * alerts must see the headline the outlet wrote, and the outlet as the source.
 */

const SEPARATORS = [' - ', ' – ', ' — ', ' | '];

/** "Headline - Reuters" with outlet "Reuters" -> "Headline" (case-insensitive, any usual dash or bar). */
export function stripOutletSuffix(title: string, outlet: string): string {
  const t = title.trimEnd();
  const o = outlet.trim().toLowerCase();
  if (!o) return t;
  for (const sep of SEPARATORS) {
    const suffix = `${sep}${o}`;
    if (t.toLowerCase().endsWith(suffix) && t.length > suffix.length) return t.slice(0, t.length - suffix.length).trimEnd();
  }
  return t;
}

/**
 * The trailing " - Outlet" of an aggregator headline when no element names the outlet:
 * short (at most 5 words, 40 characters), capitalised, no sentence punctuation, after a
 * headline of at least 3 words. Only used on aggregator items, where the suffix is a
 * convention; a publisher's own "Deal explained - Q&A" is left alone.
 */
export function guessOutletSuffix(title: string): string | undefined {
  let best: { at: number; sep: string } | undefined;
  for (const sep of SEPARATORS) {
    const at = title.lastIndexOf(sep);
    if (at > 0 && (!best || at > best.at)) best = { at, sep };
  }
  if (!best) return undefined;
  const outlet = title.slice(best.at + best.sep.length).trim();
  const head = title.slice(0, best.at).trim();
  if (!outlet || outlet.length > 40 || outlet.split(/\s+/).length > 5) return undefined;
  if (!/^[\p{Lu}\p{N}]/u.test(outlet) || /[.!?:;,]$/.test(outlet) || /[!?]/.test(outlet)) return undefined;
  if (head.split(/\s+/).length < 3) return undefined;
  return outlet;
}
