/**
 * What one channel may be told about: not what came from another channel's private feed
 * (its headlines, outlets, ids or developments known only from it).
 */
import { channelFeedId } from '../../pipeline/channels.js';
import { unnameArticles } from '../../domain/redact.js';
import type { AskIndex } from './ask-index.js';
import type { CommandContext, CommandDeps } from './handlers.js';

/**
 * Feed ids private to other channels (their own feeds, unless the URL is configured or
 * also the caller's): what came from them is not quoted or explained to this caller.
 */
export async function othersPrivateFeeds(deps: CommandDeps, ctx: CommandContext): Promise<Set<string>> {
  const configured = new Set(deps.configuredFeeds.map((f) => f.id));
  const sharedUrls = new Set([...deps.configuredFeeds.map((f) => f.url), ...(await deps.channels.getChannel(ctx.channel)).feeds.map((f) => f.url)]);
  const out = new Set<string>();
  for (const c of await deps.channels.listChannels()) {
    if (c.channel === ctx.channel) continue;
    for (const f of c.feeds) {
      if (sharedUrls.has(f.url)) continue;
      // Both the derived id and whatever an older version stored.
      for (const id of [channelFeedId(c.channel, f.url), f.id]) if (!configured.has(id)) out.add(id);
    }
  }
  return out;
}

/** Reasons with every article from a hidden feed unnamed. */
export function unnameHidden(index: AskIndex, hidden: Set<string>, lines: string[]): string[] {
  const secret = index.fromFeeds(hidden).map((r) => ({ id: r.articleId, title: r.headline }));
  return secret.length ? lines.map((l) => unnameArticles(l, secret)) : lines;
}
