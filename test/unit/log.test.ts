import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { createLogger } from '../../src/log.js';

function capture() {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c) => (text += c));
  return { out, text: () => text };
}

describe('logger', () => {
  it('redacts tokens, passwords in URLs and secret-named fields, in text and in pino JSON', async () => {
    for (const format of ['text', 'json'] as const) {
      const c = capture();
      const log = createLogger({ out: c.out, format });
      log.warn('posting with xoxb-1234-5678-abcdefghijkl failed', { appToken: 'xapp-1-A1-2-zz', url: 'redis://user:hunter2@redis:6379', signingSecret: 'abc', feed: 'wire' });
      await new Promise((r) => setImmediate(r));
      const text = c.text();
      expect(text, format).not.toMatch(/xoxb-1234|xapp-1|hunter2|"abc"|=abc/);
      expect(text, format).toMatch(/wire/);
      if (format === 'json') {
        const line = JSON.parse(text.trim());
        expect(line).toMatchObject({ level: 'warn', service: 'storywatch', msg: 'posting with *** failed', url: 'redis://user:***@redis:6379', signingSecret: '***', feed: 'wire' });
      }
    }
  });
});
