/**
 * Watch terms with AND / OR / NOT, parentheses, "phrases" and /regexes/:
 * `"rare earth" AND fund NOT opinion`. Parsed once into a tree (a mistake is reported
 * with its position); matched in time linear in the text: the text is split into words
 * once, words and phrases are looked up in that list, regexes run on RE2 (re2js).
 * Operators are upper case, so a lower-case "and" stays an ordinary word.
 */
import { RE2JS } from 're2js';

export type QueryNode =
  | { type: 'words'; words: string[] }
  | { type: 'regex'; re: RE2JS }
  | { type: 'not'; item: QueryNode }
  | { type: 'and' | 'or'; items: QueryNode[] };

type Token =
  | { kind: 'atom'; node: QueryNode; at: number; text: string }
  | { kind: 'op'; op: 'AND' | 'OR' | 'NOT'; at: number; text: string }
  | { kind: '(' | ')'; at: number; text: string };

export class QueryError extends Error {
  constructor(readonly position: number, message: string) {
    super(`${message} at position ${position}`);
    this.name = 'QueryError';
  }
}

/** Words of a text as the matcher sees them: lower-case runs of letters and digits. */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

function regexAtom(pattern: string, at: number): QueryNode {
  try {
    return { type: 'regex', re: RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE) };
  } catch (err) {
    throw new QueryError(at, `the regex /${pattern}/ is refused: ${(err as Error).message} (watch regexes are RE2 syntax, matched in linear time: no backreferences or lookaround)`);
  }
}

function wordsAtom(text: string, at: number): QueryNode {
  const w = words(text);
  if (!w.length) throw new QueryError(at, `"${text.slice(0, 40)}" has no letters or digits to match`);
  return { type: 'words', words: w };
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    const at = i + 1;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      out.push({ kind: c, at, text: c });
      i++;
    } else if (c === '"' || c === '“') {
      const end = src.slice(i + 1).search(/["”]/);
      if (end < 0) throw new QueryError(at, 'the phrase opened here has no closing double quote');
      const phrase = src.slice(i + 1, i + 1 + end);
      out.push({ kind: 'atom', node: wordsAtom(phrase, at), at, text: `"${phrase.trim()}"` });
      i += end + 2;
    } else if (c === '/') {
      // A regex ends at a slash followed by a space, a parenthesis or the end.
      const rest = src.slice(i + 1);
      const m = /\/(?=\s|\)|$)/.exec(rest);
      if (!m || m.index === 0) throw new QueryError(at, 'the /regex/ opened here has no closing slash');
      const pattern = rest.slice(0, m.index);
      out.push({ kind: 'atom', node: regexAtom(pattern, at), at, text: `/${pattern}/` });
      i += m.index + 2;
    } else {
      const m = /^[^\s()"“]+/.exec(src.slice(i))![0];
      if (m === 'AND' || m === 'OR' || m === 'NOT') out.push({ kind: 'op', op: m, at, text: m });
      else out.push({ kind: 'atom', node: wordsAtom(m, at), at, text: m });
      i += m.length;
    }
  }
  return out;
}

/** Recursive descent: or := and (OR and)*; and := unary ((AND | AND NOT | NOT) unary)*; unary := NOT? atom | ( or ). */
export function parseQuery(src: string): QueryNode {
  const tokens = tokenize(src);
  let pos = 0;
  const peek = () => tokens[pos];
  const where = () => peek()?.at ?? src.length + 1;
  const describe = (t: Token | undefined) => (t ? `"${t.text.slice(0, 40)}"` : 'the end');

  const unary = (): QueryNode => {
    const t = peek();
    if (t?.kind === 'op' && t.op === 'NOT') {
      pos++;
      return { type: 'not', item: unary() };
    }
    if (t?.kind === '(') {
      pos++;
      const inner = or();
      if (peek()?.kind !== ')') throw new QueryError(where(), `expected ")" to close the "(" at position ${t.at}, found ${describe(peek())}`);
      pos++;
      return inner;
    }
    if (t?.kind === 'atom') {
      pos++;
      return t.node;
    }
    throw new QueryError(where(), `expected a word, "phrase" or /regex/, found ${describe(t)}`);
  };
  const and = (): QueryNode => {
    const items = [unary()];
    for (;;) {
      const t = peek();
      if (t?.kind === 'op' && t.op === 'AND') {
        pos++;
        items.push(unary());
      } else if (t?.kind === 'op' && t.op === 'NOT') {
        items.push(unary());
      } else if (t?.kind === 'atom' || t?.kind === '(') {
        throw new QueryError(t.at, `expected AND, OR or NOT before ${describe(t)} (a term has spaces: put a phrase in double quotes)`);
      } else {
        return items.length === 1 ? items[0]! : { type: 'and', items };
      }
    }
  };
  const or = (): QueryNode => {
    const items = [and()];
    while (peek()?.kind === 'op' && (peek() as { op: string }).op === 'OR') {
      pos++;
      items.push(and());
    }
    return items.length === 1 ? items[0]! : { type: 'or', items };
  };

  if (!tokens.length) throw new QueryError(1, 'give a word, a "quoted phrase" or a /regex/');
  const tree = or();
  if (pos < tokens.length) throw new QueryError(where(), `unexpected ${describe(peek())}`);
  if (!positive(tree)) throw new QueryError(1, 'a watch term needs a word that must appear (NOT alone would match almost every alert)');
  return tree;
}

/** Whether the query can only match a text that contains something (not by absences alone). */
function positive(n: QueryNode): boolean {
  if (n.type === 'not') return false;
  if (n.type === 'and') return n.items.some(positive);
  if (n.type === 'or') return n.items.every(positive);
  return true;
}

/** A text prepared once for every term of every channel: its words and where each occurs. */
export interface PreparedText {
  text: string;
  words: string[];
  at: Map<string, number[]>;
}

export function prepareText(text: string): PreparedText {
  const w = words(text);
  const at = new Map<string, number[]>();
  w.forEach((word, i) => {
    const list = at.get(word);
    if (list) list.push(i);
    else at.set(word, [i]);
  });
  return { text, words: w, at };
}

function hasWords(t: PreparedText, seq: string[]): boolean {
  for (const i of t.at.get(seq[0]!) ?? []) {
    if (seq.every((w, k) => t.words[i + k] === w)) return true;
  }
  return false;
}

export function matchQuery(n: QueryNode, t: PreparedText): boolean {
  switch (n.type) {
    case 'words':
      return hasWords(t, n.words);
    case 'regex':
      return n.re.matcher(t.text).find();
    case 'not':
      return !matchQuery(n.item, t);
    case 'and':
      return n.items.every((i) => matchQuery(i, t));
    case 'or':
      return n.items.some((i) => matchQuery(i, t));
  }
}
