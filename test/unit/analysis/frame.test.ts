import { describe, expect, it } from 'vitest';
import { extractActions, mainAction, restates } from '../../../src/analysis/frame.js';
import { tag } from '../../../src/analysis/nlp.js';

/** The main action of a headline read with the tagger, as profiles read headlines. */
const tagged = (headline: string) => mainAction(extractActions(headline, true, undefined, tag(headline)), []);

const main = (headline: string, lede = '') => {
  const a = mainAction(extractActions(headline, true), lede ? extractActions(lede) : []);
  return a ? `${a.action}/${a.status}` : undefined;
};

describe('event frames', () => {
  it('reads the action and its status from a headline', () => {
    expect(main('Washington and Kyiv sign minerals deal')).toBe('sign/happened');
    expect(main('Ukraine ready to sign long-awaited minerals deal with US on Wednesday')).toBe('sign/planned');
    expect(main("Ukraine's parliament ratifies minerals deal with the US")).toBe('ratify/happened');
    expect(main('Rada may meet in special session on May 8 to ratify US minerals deal')).toBe('ratify/planned');
    expect(main('FT: last-minute dispute between US and Ukraine over minerals deal')).toBe('suspend/failed');
    expect(main('Court upholds ban on the takeover')).toBe('approve/happened');
  });

  it('treats synonyms as one action', () => {
    for (const h of ['Kyiv inks pact with Washington', 'Kyiv seals pact with Washington', 'Kyiv signed a pact with Washington']) {
      expect(main(h), h).toBe('sign/happened');
    }
    expect(main('Biden bars Nippon Steel takeover')).toBe(main('Biden blocks Nippon Steel takeover'));
    // "Signed off on" approves; it is not a signing (the lede of one outlet, the headline verb of another).
    expect(main('Shareholders have signed off on selling the company')).toBe(main('Shareholders endorse the sale'));
  });

  it('reads a permission as an approval, and "competition" as no event', () => {
    // A competition watchdog is a regulator, not a contest being launched.
    expect(tagged('Competition watchdog gives provisional approval for Microsoft to buy Activision')?.action).toBe('approve');
    expect(main("Judge allows Delta's lawsuit against CrowdStrike to proceed")).toBe('approve/happened');
  });

  it('a won or lost appeal is a ruling; a pulled offer is withdrawn', () => {
    expect(main('Microsoft wins appeal of FTC challenge to Activision deal')).toBe(main('FTC loses appeal against Microsoft'));
    expect(main('Microsoft wins the contract')).toBe('award/happened');
    expect(main('Boeing pulls contract offer as talks collapse')).toBe(main('Boeing withdraws contract offer'));
  });

  it('talks resumed are a meeting, not another kind of event', () => {
    expect(main('Boeing and the union resumed talks on Tuesday')).toBe('meet/happened');
    expect(main('Boeing and the union to resume talks on Tuesday')).toBe('meet/planned');
  });

  it('reads a headline verb the tagger takes for an adverb', () => {
    // "back" after a plural subject, tagged ADV in a headline.
    const a = tagged('U.S. Steel investors back Nippon Steel takeover by a wide margin');
    expect(a && `${a.action}/${a.status}`).toBe('approve/happened');
  });

  it('skips reporting verbs and takes the event they report', () => {
    expect(main('Zelensky says US has offered Ukraine a new deal')).toBe('propose/happened');
  });

  it('does not read nouns and passive descriptions as events', () => {
    // "the fund" is a noun; "a fund set up by" describes the fund.
    expect(main('Officials discuss the fund', 'The joint fund set up by the two countries holds the revenue.')).toBe('meet/happened');
    expect(extractActions('a joint investment fund set up by the two countries').filter((a) => a.verb)).toEqual([]);
  });

  it('a negation is a failure, not an event that happened', () => {
    expect(main('Parliament did not ratify the agreement')).toBe('ratify/failed');
  });

  it('never reads the story\'s own subject as an event', () => {
    const concepts = new Set(['acquisition', 'takeover']);
    expect(extractActions('Nippon Steel completes its acquisition of U.S. Steel', true, concepts).map((a) => a.action)).toEqual(['complete']);
  });

  it('knows a restatement', () => {
    expect(restates('Yulia Svyrydenko repeated that the agreement creates no debt')).toBe(true);
    expect(restates('The cabinet approved the agreement and reiterated its support')).toBe(false);
  });

  it('reads the word after a possessive as a thing, not an event', () => {
    const h = 'Nearly 3 weeks into strike, Boeing workers’ resolve holds';
    expect(extractActions(h, true, undefined, tag(h)).map((a) => a.word)).not.toContain('resolve');
    const g = "Boeing's resolve holds firm";
    expect(extractActions(g, true, undefined, tag(g)).map((a) => a.word)).not.toContain('resolve');
  });

  it('finds the verb of a headline with no body that the tagger read as a plural noun ("X forces Y"), and only there', () => {
    // Neither verb is in the lexicon; the tagger reads both as nouns.
    const alone = (h: string) => mainAction(extractActions(h, true, undefined, tag(h), true), [])?.action;
    expect(alone("Judge forces Google's search and AI default deals into an annual renewal cycle")).toBe('~force');
    expect(alone("McCormick: Nippon deal guarantees American CEO and a government 'golden share'")).toBe('~guarantee');
    // A plural subject before the real verb is no verb ("members clinch draft").
    expect(alone('WHO members clinch draft pandemic treaty after three years')).not.toBe('~member');
    // With a body, the lede's verb leads the frame instead.
    const h = "Judge forces Google's search and AI default deals into an annual renewal cycle";
    expect(mainAction(extractActions(h, true, undefined, tag(h)), [])).toBeUndefined();
  });
});

