/**
 * Watch-term matching cost as the alert text grows: 50 terms of every kind (words,
 * phrases, regexes, AND / OR / NOT queries, and hostile ones: a phrase whose first word
 * repeats all through the text, a backtracking-prone regex) against texts of 2k, 20k and
 * 200k characters. The baseline, in the same run, is lower-casing and splitting the same
 * text into words; CPU time (process.cpuUsage), so other load does not skew the ratio.
 * A ratio that stays flat as the text grows is linear-time matching.
 * Run with `npm run bench:watch`.
 */
import { parseWatchTerm, prepareWatchText, watchMatches } from '../chat/commands/parse.js';
import type { WatchTerm } from '../chat/commands/parse.js';
import { prepareText, words } from '../chat/commands/watch-query.js';

const TERMS = [
  'lithium', '"rare earth"', '/rati(fy|fied)/', '"rare earth" AND fund NOT opinion', '(lithium OR cobalt) AND NOT price',
  '"fund fund fund fund board"', '/(a+)+$/', '/(\\w+\\s?)*$/', 'zebra', '"joint investment fund" OR /minerals? deal/',
];

function cpuMs(fn: () => void, rounds: number): number {
  const u = process.cpuUsage();
  for (let i = 0; i < rounds; i++) fn();
  const d = process.cpuUsage(u);
  return (d.user + d.system) / 1000 / rounds;
}

function text(chars: number): string {
  const base = 'The fund fund fund board of the US Ukraine reconstruction fund met in Kyiv on Monday aaaaaaaaaaaa ';
  return base.repeat(Math.ceil(chars / base.length)).slice(0, chars);
}

function main(): void {
  const all = Array.from({ length: 5 }, () => TERMS).flat().map((t) => parseWatchTerm(t) as WatchTerm);
  // Regexes run on re2js (RE2 in JavaScript): linear, but far dearer per character than word lookups.
  const plain = all.filter((t) => !t.source.includes('/'));
  const regex = all.filter((t) => t.source.includes('/'));
  console.log(`| text (chars) | split into words, ms | ${plain.length} word/phrase/AND-OR-NOT terms, ms (÷ split) | ${regex.length} terms with a regex, ms (÷ split) |`);
  console.log('|---|---|---|---|');
  for (const chars of [2_000, 20_000, 200_000]) {
    const t = text(chars);
    const rounds = Math.max(3, Math.round(2_000_000 / chars));
    // The app caps alert text at 20k characters; the bench matches the whole text to show the growth.
    const prepare = () => (chars > 20_000 ? prepareText(t) : prepareWatchText(t));
    const run = (terms: WatchTerm[]) => cpuMs(() => {
      const p = prepare();
      for (const term of terms) watchMatches(term, p);
    }, rounds);
    const split = cpuMs(() => void words(t).length, rounds);
    const [a, b] = [run(plain), run(regex)];
    console.log(`| ${chars.toLocaleString('en')} | ${split.toFixed(3)} | ${a.toFixed(3)} (${(a / split).toFixed(1)}×) | ${b.toFixed(3)} (${(b / split).toFixed(1)}×) |`);
  }
}

main();
