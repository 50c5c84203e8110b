/**
 * `ask`'s first line on hand-written coverage, one case per failure class of issue 27: the
 * answer comes from the development the question is about (not from a sentence of another
 * one that shares its words), of the kind asked (a person, an amount, a count, the
 * development's date, a place or a court), and from headlines and ledes before "nothing".
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { answerQuestion, NOTHING } from '../../../src/chat/commands/ask.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { recordCoverage } from '../../helpers/coverage.js';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

const now = () => new Date('2026-12-20T12:00:00Z');

type Item = Parameters<typeof recordCoverage>[1] extends (infer T)[] | undefined ? T : never;

/** Coverage of a made-up story (within the store's 180 days of retention): a merger fought in two courts, a fine, a sale and a strike vote. */
const STORY: Item[] = [
  { id: 'a1', dev: 'dev-deal', novel: true, at: '2026-06-02T09:00:00Z', source: 'Wire One', title: 'Acme to buy 120 plants from Borex for $3 billion',
    content: 'Acme Corp agreed on Monday to buy 120 power plants from Borex.\nThe agreement gives Acme an option on up to 40 more plants later.' },
  { id: 'a2', dev: 'dev-deal', novel: false, at: '2026-06-02T15:00:00Z', source: 'Ledger', title: 'Acme strikes plant deal with Borex',
    content: 'Acme said on Monday it would take over the Borex plants.\nAnalysts called the price steep.' },
  { id: 'a3', dev: 'dev-analysis', novel: true, at: '2026-08-20T09:00:00Z', source: 'Ledger', title: 'Analysis: what the Acme plant deal means for prices',
    content: 'Acme agreed to buy the Borex plants, and on July 1, 2026 they changed hands; prices have barely moved.\nEconomists expect little change before 2027.' },
  { id: 'a4', dev: 'dev-block', novel: true, at: '2026-07-10T09:00:00Z', source: 'Wire One', title: 'Regulator sues to block Acme plant deal',
    content: 'The Federal Energy Commission sued on Thursday in the District Court for Delaware to block the takeover.\nCommission chair Maria Lopez said the deal would raise bills.' },
  { id: 'a4b', dev: 'dev-trial', novel: true, at: '2026-09-08T09:00:00Z', source: 'Wire One', title: 'Trial over Acme plant deal opens',
    content: 'Opening statements in the commission\'s case were delivered on Monday in a packed Wilmington courtroom, as Silicon Valley investors watched.\nCommission lawyer Ruth Kim told the court the deal would raise power bills.' },
  { id: 'a5', dev: 'dev-suit', novel: true, at: '2026-08-12T09:00:00Z', source: 'Ledger', title: 'Borex shareholders sue Acme over plant deal',
    content: 'Borex shareholders filed suit on Tuesday in Cook County Circuit Court in Chicago, saying the price was too low.\nTheir lawyer, Dan Ortiz, said the board ignored better offers.' },
  { id: 'a6', dev: 'dev-ruling', novel: true, at: '2026-10-02T09:00:00Z', source: 'Wire One', title: 'Judge clears Acme plant deal',
    content: 'US District Judge Ellen Park ruled on Wednesday that the takeover may proceed, rejecting the commission\'s case.\nThe commission said it would study the ruling.' },
  { id: 'a6b', dev: 'dev-ruling', novel: false, at: '2026-10-05T09:00:00Z', source: 'Ledger', title: 'Commission studies judge\'s decision on Acme takeover',
    content: 'The commission is studying what the judge decided on the Acme takeover before choosing whether to appeal.' },
  { id: 'a7', dev: 'dev-vote', novel: true, at: '2026-11-05T09:00:00Z', source: 'Wire One', title: 'Acme plant workers vote to accept contract, ending strike',
    content: 'Workers at the Acme plants approved the contract on Tuesday, ending a six-week walkout.\n31 of the 120 plants had been idle.' },
  { id: 'a7b', dev: 'dev-vote', novel: false, at: '2026-11-05T12:00:00Z', source: 'Ledger', title: 'Acme strike ends as workers back deal',
    content: 'The strike that began on September 22, 2026 is over after plant workers backed the contract.\nPickets came down at all plants.' },
  { id: 'a8', dev: 'dev-boards', novel: true, at: '2026-11-20T09:00:00Z', source: 'Ledger', title: 'Acme board votes on plant closures',
    content: 'At the board meeting, 9 directors backed the closures while 2, including the chair, abstained.\nThe plan covers 11 plants in 4 states.' },
  { id: 'a8b', dev: 'dev-cap', novel: true, at: '2026-11-22T09:00:00Z', source: 'Wire One', title: 'Borex tells Acme its damages are limited',
    content: 'Borex said its liability for the outages is contractually capped at an amount in the "single-digit millions".\nAcme had sought far more.' },
  { id: 'a9', dev: 'dev-safety', novel: true, at: '2026-11-25T09:00:00Z', source: 'Ledger', title: 'Acme and union reach accord on plant safety',
    content: 'Acme and the workers\' union signed a memorandum on plant safety on Tuesday.\nThe money for the work comes from the Harbor Renewal Fund.' },
];

async function ask(question: string, items: Item[] = STORY): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sw-ask-classes-'));
  dirs.push(dir);
  const store = createSqliteStore({ dir, warn: () => {} });
  await recordCoverage(store, items);
  const story = { id: 'acme', name: 'Acme', description: '', minRelevance: 0.5, groups: [{ name: 'acme', required: true, terms: ['Acme', 'plants'] }] };
  const reply = await answerQuestion({ store, corpus: [], now, story }, question);
  await store.close();
  return reply.split('\n')[0]!;
}

describe('ask answers on its first line', () => {
  it('who: the person of the development asked about, not a name from another one that shares its words', async () => {
    const line = await ask('Who ruled that the Acme takeover may proceed?');
    expect(line).toMatch(/^\*[^*]*Ellen Park[^*]*\*/);
    expect(line).not.toContain('Lopez');
    expect(await ask('Who is the lawyer for the Borex shareholders?')).toMatch(/^\*[^*]*Dan Ortiz/);
    // A person named with a role, not the place or the crowd of the sentence that shares the question's words.
    expect(await ask('Who delivered the commission\'s opening statement at the trial?')).toMatch(/^\*Ruth Kim\*/);
  });

  it('how much / how many: the amount a headline states, the deal\'s own count (not an option on more), a count apart from its noun', async () => {
    expect(await ask('For how much is Acme buying the Borex plants?')).toMatch(/^\*\$3 billion\*/);
    const count = await ask('How many plants is Acme buying from Borex?');
    expect(count).toMatch(/^\*120 /);
    // "2, including the chair, abstained": the number that does the asked verb.
    expect(await ask('How many directors abstained in the board vote on closures?')).toMatch(/^\*2\*/);
    // An amount said as a magnitude, not in figures, is still the amount.
    expect(await ask('At what amount does Borex say its liability is capped?')).toMatch(/^\*single-digit millions\*/);
  });

  it('when: the date of the development asked about, not of an analysis that names another day', async () => {
    const line = await ask('When did Acme agree to buy the Borex plants?');
    expect(line).toMatch(/^\*1 June 2026\* — Acme to buy 120 plants/);
    // A lede's date weeks before its report is background (the strike's start), not the vote.
    expect(await ask('When did the Acme plant workers vote to accept the contract?')).toMatch(/^\*3 November 2026\* — /);
    expect(await ask('When did the judge clear the Acme deal?')).toMatch(/^\*30 September 2026\* — Judge clears Acme plant deal/);
  });

  it('where / which court: the court of the suit asked about, and a city', async () => {
    expect(await ask('In which court did the Borex shareholders sue Acme?')).toMatch(/^\*Cook County Circuit Court/);
    expect(await ask('In which court did the Federal Energy Commission sue to block the deal?')).toMatch(/^\*District Court for Delaware|^\*[^*]*District Court/);
    expect(await ask('In which city did the Borex shareholders file suit?')).toMatch(/^\*[^*]*Chicago/);
  });

  it('a question whose answer is a development\'s headline is answered from headlines and ledes, not "nothing"', async () => {
    const line = await ask('What did the plant workers decide on 3 November 2026?');
    expect(line).not.toBe(NOTHING.split('\n')[0]);
    expect(line).toContain('vote to accept contract');
  });

  it('what did X sign / which thing: the noun phrase the asked verb acts on, the name before the asked noun', async () => {
    expect(await ask('What did Acme and the union sign?')).toMatch(/^\*a memorandum\* — Acme and union reach accord on plant safety/);
    expect(await ask('Which fund pays for the safety work at the plants?')).toMatch(/^\*Harbor Renewal Fund/);
  });

  it('what did X decide: the line names the development the answer came from, by its opening headline', async () => {
    const line = await ask('What did the judge decide on the Acme takeover?');
    expect(line).toContain('Judge clears Acme plant deal');
  });

  it('still says nothing answers when no headline or lede does', async () => {
    expect(await ask('What did the zebra sanctuary decide about bitcoin?')).toBe(NOTHING);
  });
});

/** One event opened as two developments (another outlet's words, a day later), a like event of another party, and a vote told before and after. */
const TWICE: Item[] = [
  ...STORY,
  { id: 'b1', dev: 'dev-cordex-exit', novel: true, at: '2026-12-03T09:00:00Z', source: 'Ledger', title: 'Cordex withdraws from Acme talks',
    content: 'Cordex said on Wednesday it had withdrawn from talks with Acme over a supply deal.' },
  { id: 'b2', dev: 'dev-borex-out', novel: true, at: '2026-12-09T20:00:00Z', source: 'Wire One', title: 'Borex abandons Acme talks',
    content: 'Borex abandoned the talks with Acme on Wednesday, December 9, 2026, after a dispute over damages.' },
  { id: 'b3', dev: 'dev-borex-out-2', novel: true, at: '2026-12-10T09:00:00Z', source: 'Ledger', title: 'Borex withdraws from talks with Acme',
    content: 'Borex has withdrawn from the talks with Acme, ending hopes of a settlement.' },
  { id: 'c1', dev: 'dev-pay-preview', novel: true, at: '2026-12-15T08:00:00Z', source: 'Ledger', title: 'Acme workers vote today on pay deal',
    content: 'Acme plant workers vote on Tuesday on a pay deal offered last week.' },
  { id: 'c2', dev: 'dev-pay-vote', novel: true, at: '2026-12-16T08:00:00Z', source: 'Wire One', title: 'Acme strike ends as workers accept pay deal',
    content: 'Acme plant workers voted on Tuesday to approve the pay deal, the union said.' },
  { id: 'c3', dev: 'dev-pay-vote', novel: false, at: '2026-12-16T09:00:00Z', source: 'Ledger', title: 'Acme workers vote to accept pay deal and end strike',
    content: 'Acme plant workers voted on Tuesday, December 15, to accept the pay deal.' },
];

describe('ask: one event told twice, a vote told before and after', () => {
  it('when: the first report of the event, even when another outlet opened it again in other words; not a like event of another party', async () => {
    expect(await ask('When did Borex withdraw from the talks with Acme?', TWICE)).toMatch(/^\*9 December 2026\*/);
  });

  it('what did they decide in the vote on a day: the report of the result, not the preview published that day', async () => {
    const line = await ask('What did the Acme workers decide in their vote on 15 December 2026?', TWICE);
    // What the lede says they did leads the line, then the development it came from.
    expect(line).toMatch(/^\*voted on Tuesday to approve the pay deal\* — /);
    expect(line).toMatch(/accept pay deal/);
    expect(line).not.toContain('vote today');
  });
});
