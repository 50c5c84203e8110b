/**
 * The story pages as plain server-rendered HTML and an inline SVG: no client script, no
 * external request (styles inline, no fonts or images from elsewhere), readable on a
 * phone. Every string that came from a feed goes through `esc`.
 */
import { developmentAnchor } from '../domain/page-link.js';
import type { StoryTimeline, TimelineDevelopment, TimelineReport } from './timeline.js';

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const COLOURS: Record<TimelineDevelopment['kind'], string> = { progress: '#1a7f37', setback: '#cf222e', planned: '#0969da' };

const STYLE = `body{font:16px/1.45 system-ui,sans-serif;margin:0 auto;max-width:54rem;padding:1rem;color:#1f2328}
a{color:#0969da}h1{font-size:1.5rem}h2{font-size:1.1rem;margin:.2rem 0}
.dev{border-left:4px solid #ccc;padding:.3rem .8rem;margin:1.2rem 0}.progress{border-color:${COLOURS.progress}}
.setback{border-color:${COLOURS.setback}}.planned{border-color:${COLOURS.planned}}.kind{font-size:.8rem;text-transform:uppercase;color:#57606a}
ul{padding-left:1.2rem}li{margin:.2rem 0}.rel{font-size:.8rem;color:#57606a}svg{width:100%;height:auto;display:block}
.legend span{margin-right:1rem}.legend i{display:inline-block;width:.8rem;height:.8rem;border-radius:50%;margin-right:.3rem;vertical-align:middle}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:">
<link rel="icon" href="data:,"><title>${esc(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

export function renderIndex(stories: Array<{ id: string; name: string; developments: number }>): string {
  const items = stories.map((s) => `<li><a href="/stories/${encodeURIComponent(s.id)}">${esc(s.name)}</a> <span class="rel">${s.developments} development(s)</span></li>`).join('');
  return page('Tracked stories', `<h1>Tracked stories</h1><ul>${items || '<li>none</li>'}</ul>`);
}

const W = 600;
const H = 140;
const PAD = 30;

/** Developments over time: one mark each, its area by its reports, its colour by its kind. */
export function timelineSvg(t: StoryTimeline): string {
  const devs = [...t.developments].sort((a, b) => a.at - b.at);
  if (!devs.length) return `<svg viewBox="0 0 ${W} 40" role="img" aria-label="no developments yet"><text x="10" y="25">No developments yet.</text></svg>`;
  const t0 = devs[0]!.at;
  const t1 = Math.max(devs[devs.length - 1]!.at, t0 + 1);
  const x = (at: number) => PAD + ((at - t0) / (t1 - t0)) * (W - 2 * PAD);
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const marks = devs.map((d, i) => {
    const r = Math.min(24, 7 + 3 * Math.sqrt(1 + d.later.length));
    // Alternate heights so marks of one day do not hide each other.
    const y = H / 2 + (i % 2 ? -18 : 18) * (devs.length > 1 ? 1 : 0);
    return `<a href="#${esc(anchor(d.id))}"><circle cx="${x(d.at).toFixed(1)}" cy="${y}" r="${r.toFixed(1)}" fill="${COLOURS[d.kind]}" fill-opacity="0.75" stroke="#fff"><title>${esc(`${day(d.at)} ${d.kind}: ${d.summary} (${1 + d.later.length} report(s))`)}</title></circle></a>`;
  }).join('');
  return `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(`${devs.length} developments of ${t.name} over time`)}">
<line x1="${PAD}" y1="${H / 2}" x2="${W - PAD}" y2="${H / 2}" stroke="#8c959f"/>${marks}
<text x="${PAD}" y="${H - 6}" font-size="13">${day(t0)}</text><text x="${W - PAD}" y="${H - 6}" font-size="13" text-anchor="end">${day(t1)}</text></svg>`;
}

/** The page anchor of a development (alerts link to it). */
export const anchor = developmentAnchor;

function reportLine(r: TimelineReport): string {
  const when = esc(r.publishedAt.slice(0, 16).replace('T', ' '));
  const title = r.url ? `<a href="${esc(r.url)}" rel="noopener noreferrer nofollow">${esc(r.title || r.url)}</a>` : esc(r.title);
  return `<li><b>${esc(r.outlet)}</b>, ${when} UTC: ${title} <span class="rel">${r.relation}</span></li>`;
}

function developmentHtml(d: TimelineDevelopment): string {
  const facts = d.facts.length ? `<p>New: ${d.facts.map(esc).join('; ')}</p>` : '';
  const later = d.later.length ? `<p>Later reports (${d.later.length}), newest first:</p><ul>${d.later.map(reportLine).join('')}</ul>` : '';
  return `<section class="dev ${d.kind}" id="${esc(anchor(d.id))}"><div class="kind">${d.kind}</div><h2>${esc(d.summary)}</h2>${facts}
<p>First report:</p><ul>${reportLine(d.first)}</ul>${later}</section>`;
}

export function renderStory(t: StoryTimeline): string {
  const legend = `<p class="legend">${Object.entries(COLOURS).map(([k, c]) => `<span><i style="background:${c}"></i>${k}</span>`).join('')} (size: number of reports)</p>`;
  return page(t.name, `<p><a href="/stories">All stories</a></p><h1>${esc(t.name)}</h1>${timelineSvg(t)}${legend}
<p>${t.developments.length} development(s), newest first. <a href="/stories/${encodeURIComponent(t.id)}.json">As data</a></p>
${t.developments.map(developmentHtml).join('\n')}`);
}
