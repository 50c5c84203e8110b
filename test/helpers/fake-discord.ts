/**
 * A local fake of Discord's REST API for the real discord.js client (rest.api points at
 * it): channel messages, threads, channel lookups, interaction callbacks; 429 on demand.
 * `interact` feeds an interaction through discord.js's own INTERACTION_CREATE action.
 */
import type { Client } from 'discord.js';
import { serve } from './http.js';

export interface DiscordCall { method: string; path: string; body: Record<string, unknown> }

export async function fakeDiscord() {
  const calls: DiscordCall[] = [];
  let nextId = 9000;
  let rateLimitNext = 0;
  const http = await serve((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = raw ? JSON.parse(raw) : {};
      const p = decodeURIComponent(req.url!.replace(/\?.*$/, ''));
      calls.push({ method: req.method!, path: p, body });
      const json = (o: unknown, status = 200, headers: Record<string, string> = {}) => res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(o));
      if (/^\/api\/v10\/interactions\/\d+\/[\w-]+\/callback$/.test(p)) return res.writeHead(204).end();
      if (/^\/api\/v10\/webhooks\/\d+\/[\w-]+\/messages\/@original$/.test(p)) return json({ id: String(nextId++), content: body.content });
      const thread = /^\/api\/v10\/channels\/(\d+)\/messages\/(\d+)\/threads$/.exec(p);
      if (thread) return json({ id: String(nextId++), type: 11, parent_id: thread[1] });
      const msg = /^\/api\/v10\/channels\/(\d+)\/messages$/.exec(p);
      if (msg) {
        if (rateLimitNext > 0) {
          rateLimitNext--;
          return json({ message: 'You are being rate limited.', retry_after: 0.3, global: false }, 429, { 'retry-after': '1', 'x-ratelimit-scope': 'user' });
        }
        return json({ id: String(nextId++), channel_id: msg[1], content: body.content ?? '', embeds: body.embeds ?? [] });
      }
      const channel = /^\/api\/v10\/channels\/(\d+)$/.exec(p);
      if (channel && req.method === 'GET') return json({ id: channel[1], type: 0, guild_id: '4000' });
      json({ message: '404: Not Found', code: 0 }, 404);
    });
  });
  let interactionId = 100;
  return {
    url: http.url,
    apiUrl: `${http.url}/api`,
    calls,
    rateLimit(n: number) {
      rateLimitNext = n;
    },
    /** Channel posts (not threads' ids: those are >= 9000). */
    posts: (channel?: string) => calls.filter((c) => c.method === 'POST' && /^\/api\/v10\/channels\/\d+\/messages$/.test(c.path) && (!channel || c.path === `/api/v10/channels/${channel}/messages`)),
    interact(client: Client, data: Record<string, unknown>, permissions = '0', channelId = '3000'): string {
      const id = String(interactionId++);
      const user = { id: '5000', username: 'reader', discriminator: '0', avatar: null, global_name: 'Reader' };
      (client as unknown as { actions: { InteractionCreate: { handle(d: unknown): void } } }).actions.InteractionCreate.handle({
        id, token: `tok-${id}`, application_id: '2000', type: 2, version: 1, channel_id: channelId, guild_id: '4000',
        channel: { id: channelId, type: 0, guild_id: '4000', name: 'news' },
        member: { user, roles: [], permissions, joined_at: '2025-01-01T00:00:00.000Z', deaf: false, mute: false, flags: 0 },
        app_permissions: '0', locale: 'en-US', guild_locale: 'en-US', entitlements: [], authorizing_integration_owners: { 0: '4000' }, context: 0,
        data: { id: '6000', type: 1, ...data },
      });
      return id;
    },
    callback: (id: string) => calls.find((c) => c.path.startsWith(`/api/v10/interactions/${id}/`)),
    close: http.close,
  };
}
