/**
 * The decision in plain words: which development an article was matched to and why
 * ("same event as 'Ukraine and US sign minerals deal' (reuters.com, 30 Apr): same
 * action (sign, happened), 64% of headline and lede in common, 1 day later").
 */
import type { Match, Verdict } from './decide.js';
import type { Genre, Profile } from './profile.js';

/** Why a report discusses a development rather than opens one. */
export type FollowerKind = `${Genre} piece` | 'background' | 'restatement' | 'no event';

export interface ExplainContext {
  novel: boolean;
  corpusNewest: number;
  duplicate: boolean;
  /** Why the report discusses a development rather than opens one (the engine's reading, said as is). */
  follows?: FollowerKind | undefined;
}

export function explainVerdict(p: Profile, v: Verdict, ctx: ExplainContext): string {
  const action = p.main ? `${p.main.word} (${p.main.action}, ${p.main.status})` : 'no event verb';
  if (v.kind === 'join') {
    if (ctx.novel) return `new development, first news report of it: ${describe(v.match)} discussed it without an alert; ${because(v.match)}`;
    if (ctx.duplicate) return `copy of ${describe(v.match)}: ${Math.round(v.match.similarity * 100)}% of headline and lede in common`;
    const lead = v.why === 'background' ? `${follower('background', ctx.corpusNewest)}; ` : v.why !== 'same event' ? `${v.why}, a follow-up: ` : '';
    return `${lead}same event as ${describe(v.match)}: ${because(v.match)}`;
  }
  // An opened development with no alert is a follower's (engine.ts): say which kind.
  if (!ctx.novel) return `${follower(ctx.follows ?? 'restatement', ctx.corpusNewest)}; opens no alert (frame: ${action})`;
  if (v.why === 'progressed' && v.best) {
    return `new development: ${action} moves ${describe(v.best)} from planned to ${p.main?.status ?? 'done'}`;
  }
  const closest = v.best ? `; closest is ${describe(v.best)}, ${because(v.best)}` : '';
  return `new development: no known development reports this event (frame: ${action})${closest}`;
}

function follower(kind: FollowerKind, corpusNewest: number): string {
  if (kind === 'background') return `background: published or dated before the seed corpus' newest article (${day(corpusNewest)})`;
  if (kind === 'restatement') return 'restatement of known facts';
  if (kind === 'no event') return 'a headline that tells of no event';
  return kind;
}

function describe(m: Match): string {
  return `"${m.member.title}" (${m.member.origin === 'corpus' ? 'seed corpus' : m.member.source || 'unknown outlet'}, ${day(m.member.time)})`;
}

const RELATION_WORDS: Record<Match['relation'], string> = {
  'same-action': 'same action',
  'same-verb': 'same action in another status',
  'same-family': 'a like action',
  'other-verb': 'another verb',
  'other-action': 'another action',
  progressed: 'the same action, further along',
  'no-action': 'no event verb to compare',
};

function because(m: Match): string {
  const parts = [RELATION_WORDS[m.relation]];
  if (m.sharedNames.length) parts.push(`same names (${m.sharedNames.slice(0, 4).join(', ')})`);
  parts.push(`${Math.round(m.similarity * 100)}% of headline and lede in common`);
  if (m.days >= 1) parts.push(`${Math.round(m.days)} day(s) after its latest report`);
  else parts.push('within a day of its latest report');
  return `${parts.join(', ')} (${Math.max(1, Math.min(99, Math.round(m.score * 100)))}% likely the same event)`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "8 May 2025" (toLocaleDateString costs more than the whole decision). */
function day(t: number): string {
  if (Number.isNaN(t)) return 'undated';
  const d = new Date(t);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}
