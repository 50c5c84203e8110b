/**
 * The README is for users: short, with a table of contents whose links resolve, no talk
 * of how the project was built, and setup facts that match the code (Discord permission
 * integer, metric names). Maintainer material lives in docs/.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PermissionFlagsBits } from 'discord.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { ROOT } from '../helpers/paths.js';

const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const docs = readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => ({ f, text: readFileSync(path.join(ROOT, 'docs', f), 'utf8') }));

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
const anchor = (heading: string) => heading.toLowerCase().replace(/[^\w\s-]/g, '').trim().replace(/\s/g, '-');

describe('README.md', () => {
  it('is under 3,000 words', () => {
    expect(readme.split(/\s+/).filter(Boolean).length).toBeLessThan(3000);
  });

  it('has a table of contents whose every link is a heading of the README', () => {
    const toc = readme.split('## Contents')[1]!.split('\n## ')[0]!;
    const links = [...toc.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]!);
    const headings = new Set([...readme.matchAll(/^#{2,3} (.+)$/gm)].map((m) => anchor(m[1]!)));
    expect(links.length).toBeGreaterThan(8);
    for (const l of links) expect(headings, l).toContain(l);
  });

  it('links only to files that exist', () => {
    for (const [, target] of readme.matchAll(/\]\((?!https?:|#)([^)#]+)/g)) expect(existsSync(path.join(ROOT, target!)), target).toBe(true);
  });

  it('says nothing about how the project was made, nor do the docs', () => {
    for (const { f, text } of [{ f: 'README.md', text: readme }, ...docs]) expect(text.match(/session|issue [0-9]|stop's/gi), f).toBeNull();
  });

  it('the Discord invite asks for exactly View Channel, Send Messages, Send Messages in Threads, Create Public Threads and Embed Links', () => {
    const p = PermissionFlagsBits;
    const wanted = p.ViewChannel | p.SendMessages | p.SendMessagesInThreads | p.CreatePublicThreads | p.EmbedLinks;
    const invite = /https:\/\/discord\.com\/oauth2\/authorize\?client_id=[^&\s]+&scope=bot\+applications\.commands&permissions=(\d+)/.exec(readme);
    expect(invite?.[1]).toBe(String(wanted));
  });

  it('names the metrics as the process serves them', async () => {
    const served = await createMetrics().registry.metrics();
    for (const [, name] of readme.matchAll(/`(storywatch_[a-z_0-9]+)/g)) expect(served, name).toContain(name!);
    expect(served).toContain('storywatch_process_cpu_seconds_total');
    expect(served).not.toContain('storywatch_process_process_');
  });
});
