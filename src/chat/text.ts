/** Text helpers shared by the platform renderers. */

/** Cuts to at most `max` characters (code points), ending with "…" when cut; never splits a surrogate pair. */
export function truncate(s: string, max: number): string {
  const chars = [...s];
  if (chars.length <= max) return s;
  if (max <= 1) return chars.slice(0, max).join('');
  return `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

export function length(s: string): number {
  return [...s].length;
}

/** Bulleted lines that fit in `max` characters; says how many were left out. */
export function bullets(items: string[], max: number, bullet = '•'): string {
  const out: string[] = [];
  let used = 0;
  for (const [i, item] of items.entries()) {
    const line = `${bullet} ${item}`;
    const rest = items.length - i - 1;
    const tail = rest ? `\n… and ${rest} more` : '';
    if (used + length(line) + 1 + length(tail) > max) {
      out.push(`… and ${items.length - i} more`);
      break;
    }
    out.push(line);
    used += length(line) + 1;
  }
  return truncate(out.join('\n'), max);
}

export { stripControl } from '../domain/control.js';
