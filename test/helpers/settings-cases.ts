/**
 * The channel-settings commands each platform's e2e test runs through its real client:
 * text as typed on Slack (Discord builds the same text from its options), whether an
 * admin sends it, and the private reply expected.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fetchFeed } from '../../src/feeds/fetcher.js';
import { DEFAULT_FETCH_OPTIONS } from '../../src/feeds/fetcher.js';
import { parseFeed } from '../../src/feeds/parser.js';
import { serve } from './http.js';

export interface SettingsCase {
  text: string;
  admin: boolean;
  reply: RegExp;
}

export function settingsCases(devId: string, storyId: string, feedUrl: string, badFeedUrl: string, mention: string): SettingsCase[] {
  return [
    { text: `mute ${devId} for 2h`, admin: false, reply: /^Only admins can change this channel's alert settings/ },
    { text: `mute ${devId} for 2h`, admin: true, reply: new RegExp(`^Muted development ${devId} until \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC: its alerts and follow-ups are not posted or threaded here\\.$`) },
    { text: 'mute dev-nope', admin: true, reply: /^No development dev-nope is known\./ },
    { text: "mute story", admin: true, reply: new RegExp(`^Muted the story ${storyId} \\(every alert\\) until undone`) },
    { text: `unmute ${storyId}`, admin: true, reply: new RegExp(`^Unmuted the story ${storyId}`) },
    { text: 'mute x for ever', admin: true, reply: /^"mute" takes an optional duration such as `for 30m`/ },
    { text: 'pause for 1d', admin: false, reply: /^Only admins can change/ },
    { text: 'pause for 1d', admin: true, reply: /^Alerts paused in this channel until \d{4}-\d\d-\d\d \d\d:\d\d UTC/ },
    { text: 'status', admin: false, reply: new RegExp(`Alerts are PAUSED here until .*\\nMuted: ${devId} \\(until `) },
    { text: 'resume', admin: true, reply: /^Alerts resumed in this channel\.$/ },
    { text: 'digest schedule daily 25:00', admin: true, reply: /"25:00" is not a time of day/ },
    { text: 'digest schedule weekly mon 08:00 Mars/Olympus', admin: true, reply: /"Mars\/Olympus" is not a time zone/ },
    { text: 'digest schedule daily 08:00 Europe/Kyiv', admin: false, reply: /^Only admins can change/ },
    { text: 'digest schedule daily 08:00 Europe/Kyiv', admin: true, reply: /^Digest scheduled: daily 08:00 Europe\/Kyiv\. The first one is due \d{4}-\d\d-\d\d \d\d:\d\d UTC/ },
    { text: `notify ${mention} min-confidence 0.8`, admin: false, reply: /^Only admins can change/ },
    { text: `notify ${mention} min-confidence 2`, admin: true, reply: /takes `min-confidence` and a number from 0 to 1/ },
    { text: `notify ${mention} min-confidence 0.8`, admin: true, reply: /^New-development alerts here will mention (role|user group) \w+ when their confidence is at least 0\.8 \(follow-ups never do\)\.$/ },
    { text: 'watch add "rare earth" AND fund NOT', admin: true, reply: /^expected a word, "phrase" or \/regex\/, found the end at position 26\./ },
    { text: 'watch add "rare earth" AND fund NOT opinion', admin: true, reply: /^Now watching "rare earth" AND fund NOT opinion\./ },
    { text: `feeds add ${badFeedUrl}`, admin: true, reply: /^Refused http:\/\/127\.0\.0\.1:\d+\/page: not an RSS\/Atom document .*Nothing was saved/ },
    { text: `feeds add ${feedUrl}`, admin: true, reply: /^\*The Kyiv Independent\*: 2 items\.\nThe latest 2, and what storywatch would have said of each:\n• Zelensky signs law ratifying minerals agreement with US \(2025-05-12\) — (new development|follow-up of "[^"]+")\n• Ukraine war latest: Russia strikes Odesa port overnight \(2025-05-12\) — off-topic\nAdded http/ },
    { text: 'status', admin: false, reply: /Digest: daily 08:00 Europe\/Kyiv\nNotify: (role|usergroup) \w+ on new developments with confidence ≥ 0\.8/ },
  ];
}

/** A feed (the recorded Kyiv Independent shape) and a web page, on loopback. */
export async function feedServer(fixtures: string) {
  const xml = readFileSync(path.join(fixtures, 'feeds', 'kyiv-independent.xml'), 'utf8');
  return serve((req, res) => {
    if (req.url === '/rss') return res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(xml);
    res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Not a feed</body></html>');
  });
}

/** What main.ts gives the commands: one guarded fetch and parse (loopback allowed for the test). */
export async function fetchPreview(url: string) {
  const r = await fetchFeed(url, {}, { ...DEFAULT_FETCH_OPTIONS, policy: { allow: ['127.0.0.1'] } });
  if (r.kind !== 'ok') throw new Error(`the server answered ${r.status} with no feed`);
  return parseFeed(r.body, url);
}
