/**
 * What one channel may be told about: not what came from another channel's private feed
 * (its headlines, outlets, ids or developments known only from it).
 */
import { othersFeeds } from '../../pipeline/channels.js';
import { unnameArticles } from '../../domain/redact.js';
import type { AskIndex } from './ask-index.js';
import type { CommandContext, CommandDeps } from './handlers.js';

/** Feed ids private to other channels: what came from them is not quoted or explained to this caller. */
export async function othersPrivateFeeds(deps: CommandDeps, ctx: CommandContext): Promise<Set<string>> {
  return othersFeeds(ctx.channel, await deps.channels.listChannels(), deps.configuredFeeds);
}

/** Reasons with every article from a hidden feed unnamed. */
export function unnameHidden(index: AskIndex, hidden: Set<string>, lines: string[]): string[] {
  const secret = index.fromFeeds(hidden).map((r) => ({ id: r.articleId, title: r.headline }));
  return secret.length ? lines.map((l) => unnameArticles(l, secret)) : lines;
}
