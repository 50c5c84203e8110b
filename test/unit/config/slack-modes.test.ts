import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/app-config.js';
import { ROOT } from '../../helpers/paths.js';

const base = { STORYWATCH_TARGETS: 'slack:C1' };

describe('Slack configuration: HTTP or Socket Mode', () => {
  it('an app-level token switches to Socket Mode: no signing secret needed', () => {
    const c = loadConfig({ ...base, SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1-A1-2-abc' }, ROOT);
    expect(c.slack).toMatchObject({ botToken: 'xoxb-1', appToken: 'xapp-1-A1-2-abc' });
    expect(c.slack!.signingSecret).toBeUndefined();
  });

  it('HTTP mode as before; a bot token alone, or a wrong app token, is refused with what to set', () => {
    expect(loadConfig({ ...base, SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret-123' }, ROOT).slack).toMatchObject({ signingSecret: 'secret-123', port: 3000 });
    expect(() => loadConfig({ ...base, SLACK_BOT_TOKEN: 'xoxb-1' }, ROOT)).toThrow(/SLACK_SIGNING_SECRET: Slack needs SLACK_SIGNING_SECRET \(HTTP mode\) or SLACK_APP_TOKEN \(Socket Mode\)/);
    expect(() => loadConfig({ ...base, SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xoxb-2' }, ROOT)).toThrow(/SLACK_APP_TOKEN: a Slack app-level token starts with xapp-/);
    expect(() => loadConfig({ SLACK_APP_TOKEN: 'xapp-1' }, ROOT)).toThrow(/SLACK_BOT_TOKEN: Slack needs SLACK_BOT_TOKEN/);
  });
});
