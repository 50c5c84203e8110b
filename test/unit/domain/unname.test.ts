/**
 * The engine quotes articles in its reasons; a channel may not be told the headline,
 * outlet or id of another channel's private article (issue 22, item 6).
 */
import { describe, expect, it } from 'vitest';
import { unnameArticles } from '../../../src/domain/redact.js';

describe('unnameArticles', () => {
  const secret = { id: 'priv-7', title: 'Envoys agree "final" text' };
  it('drops the headline with its outlet and day, and the id line of the closest article', () => {
    const reasons = [
      'same event as "Envoys agree "final" text" (PrivateOutlet, 30 Apr 2025): same action (agree, happened), 64% of headline and lede in common',
      'closest known article: priv-7 "Envoys agree "final" text" (91% similar)',
      'new development: no known development reports this event (frame: sign (sign, happened)); closest is "Envoys agree "final" text" (PrivateOutlet, 30 Apr 2025), another action',
    ];
    const out = reasons.map((r) => unnameArticles(r, [secret]));
    expect(out).toEqual([
      'same event as an earlier report: same action (agree, happened), 64% of headline and lede in common',
      'closest known article: an earlier report (91% similar)',
      'new development: no known development reports this event (frame: sign (sign, happened)); closest is an earlier report, another action',
    ]);
    for (const o of out) expect(o).not.toMatch(/PrivateOutlet|Envoys|priv-7/);
  });

  it('leaves other articles named, and text without the article alone', () => {
    const text = 'same event as "Rada ratifies deal" (Kyiv Wire, 8 May 2025)';
    expect(unnameArticles(text, [secret])).toBe(text);
    expect(unnameArticles(text, [{ title: '' }])).toBe(text);
  });
});
