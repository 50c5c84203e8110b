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

/**
 * A long text as several messages of at most `max` characters, cut only between lines
 * (an item is one line: never cut in the middle). A line longer than `max` on its own is
 * shortened. Past `maxParts` messages the last one ends with "… and N more lines" and `hint`.
 */
export function splitAtLines(text: string, max: number, maxParts = 5, hint = ''): string[] {
  const lines = text.split('\n').map((l) => (length(l) > max ? truncate(l, max) : l));
  const more = (n: number) => truncate(`… and ${n} more line${n === 1 ? '' : 's'}${hint ? `: ${hint}` : ''}`, max);
  const parts: number[][] = [[]];
  const size = (p: number[]) => p.reduce((a, i) => a + length(lines[i]!) + 1, 0);
  for (let i = 0; i < lines.length; i++) {
    const part = parts[parts.length - 1]!;
    if (!part.length || size(part) + length(lines[i]!) <= max) {
      part.push(i);
    } else if (parts.length < maxParts) {
      parts.push([i]);
    } else {
      // No room for more messages: the last one ends with how much was left and where to find it.
      while (part.length > 1 && size(part) + length(more(lines.length - part[part.length - 1]!)) > max) part.pop();
      const shown = parts.map((p) => p.map((j) => lines[j]!).join('\n'));
      shown[shown.length - 1] += `\n${more(lines.length - 1 - part[part.length - 1]!)}`;
      return shown;
    }
  }
  return parts.map((p) => p.map((j) => lines[j]!).join('\n'));
}

/**
 * Feed- or page-written text inside a command reply or digest, which both platforms read
 * as markup (Slack mrkdwn, Discord markdown) and neither lets us escape the same way: the
 * marks that could format, hide or link (* _ ~ ` | [ ]) become look-alikes, and a line
 * cannot start a quote, heading or list. The words stay readable; nothing formats.
 */
const INERT: Record<string, string> = { '*': '\u2217', _: '\u02cd', '~': '\u223c', '`': '\u02cb', '|': '\u01c0', '[': '\uff3b', ']': '\uff3d' };
export function inert(s: string): string {
  return s.replace(/[*_~`|[\]]/g, (c) => INERT[c]!).replace(/(^|\n)(\s*)([>#-])/g, '$1$2\u2060$3');
}

export { stripControl } from '../domain/control.js';
