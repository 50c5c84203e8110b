/**
 * A local fake of Discord's REST API for the real discord.js client (rest.api points at
 * it): channel messages, threads, channel lookups, interaction callbacks; 429 on demand.
 * It answers as Discord does where delivery depends on it: a message that has a thread
 * already refuses a second one with 400 code 160004 (the existing thread's id is the
 * message's id); a post repeating a nonce with enforce_nonce gets the first message back;
 * `refuse` scripts any other answer (400 bad embed, 5xx) for matching requests.
 * `interact` feeds an interaction through discord.js's own INTERACTION_CREATE action.
 * The gateway too (GET /gateway/bot names a local websocket): HELLO, IDENTIFY -> READY,
 * heartbeats, RESUME -> RESUMED, INTERACTION_CREATE dispatches (`gatewayInteract`), and
 * `dropGateway(code)` closes the session as Discord does (4000: resumable).
 */
import type { AddressInfo } from 'node:net';
import type { Client } from 'discord.js';
import { WebSocketServer, type WebSocket } from 'ws';
import { serve } from './http.js';

export interface DiscordCall { method: string; path: string; body: Record<string, unknown> }
interface Scripted { match: (c: DiscordCall) => boolean; status: number; body: unknown; times: number }
interface Message { id: string; channel_id: string; content: string; embeds: unknown[]; nonce?: string }

export async function fakeDiscord() {
  const calls: DiscordCall[] = [];
  let nextId = 9000;
  let rateLimitNext = 0;
  let holdMs = 0;
  /** Discord's per-channel bucket, when set: at most `limit` posts per `windowMs`, then 429. */
  let bucket: { limit: number; windowMs: number } | undefined;
  /** When each post was accepted, per channel (for pacing checks). */
  const accepted = new Map<string, number[]>();
  const scripted: Scripted[] = [];
  const messages = new Map<string, Message>();
  const threadOf = new Map<string, string>();
  const byNonce = new Map<string, Message>();
  /** Where a post lands: a channel, or a thread (a channel id of its own). */
  const postMessage = (channel: string, body: Record<string, unknown>): Message => {
    const nonce = typeof body.nonce === 'string' ? body.nonce : undefined;
    const prior = nonce && body.enforce_nonce ? byNonce.get(nonce) : undefined;
    if (prior) return prior;
    const m: Message = { id: String(nextId++), channel_id: channel, content: (body.content as string) ?? '', embeds: (body.embeds as unknown[]) ?? [], ...(nonce ? { nonce } : {}) };
    messages.set(m.id, m);
    if (nonce) byNonce.set(nonce, m);
    return m;
  };
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => wss.once('listening', r));
  const wsUrl = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  const sockets: WebSocket[] = [];
  /** Gateway opcodes the client sent, in order (2 IDENTIFY, 6 RESUME, 1 heartbeat). */
  const gatewayOps: number[] = [];
  let seq = 0;
  const dispatch = (ws: WebSocket, t: string, d: unknown) => ws.send(JSON.stringify({ op: 0, t, s: ++seq, d }));
  wss.on('connection', (ws) => {
    sockets.push(ws);
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41_250 }, s: null, t: null }));
    ws.on('message', (raw) => {
      const m = JSON.parse(String(raw)) as { op: number };
      gatewayOps.push(m.op);
      if (m.op === 1) ws.send(JSON.stringify({ op: 11, d: null, s: null, t: null }));
      if (m.op === 2) {
        dispatch(ws, 'READY', {
          v: 10, user: { id: '2000', username: 'storywatch', discriminator: '0', avatar: null, bot: true }, guilds: [],
          session_id: 'session-1', resume_gateway_url: wsUrl, application: { id: '2000', flags: 0 }, shard: [0, 1],
        });
      }
      if (m.op === 6) dispatch(ws, 'RESUMED', {});
    });
  });
  const liveSocket = () => sockets.filter((s) => s.readyState === s.OPEN).at(-1);
  const interaction = (id: string, data: Record<string, unknown>, permissions: string, channelId: string) => {
    const user = { id: '5000', username: 'reader', discriminator: '0', avatar: null, global_name: 'Reader' };
    return {
      id, token: `tok-${id}`, application_id: '2000', type: 2, version: 1, channel_id: channelId, guild_id: '4000',
      channel: { id: channelId, type: 0, guild_id: '4000', name: 'news' },
      member: { user, roles: [], permissions, joined_at: '2025-01-01T00:00:00.000Z', deaf: false, mute: false, flags: 0 },
      app_permissions: '0', locale: 'en-US', guild_locale: 'en-US', entitlements: [], authorizing_integration_owners: { 0: '4000' }, context: 0,
      data: { id: '6000', type: 1, ...data },
    };
  };
  const http = await serve((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = raw ? JSON.parse(raw) : {};
      const p = decodeURIComponent(req.url!.replace(/\?.*$/, ''));
      const call = { method: req.method!, path: p, body };
      calls.push(call);
      const json = (o: unknown, status = 200, headers: Record<string, string> = {}) => res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(o));
      const script = scripted.find((s) => s.times > 0 && s.match(call));
      if (script) {
        script.times--;
        return json(script.body, script.status);
      }
      if (p === '/api/v10/gateway/bot') return json({ url: wsUrl, shards: 1, session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 } });
      if (p === '/api/v10/gateway') return json({ url: wsUrl });
      if (/^\/api\/v10\/interactions\/\d+\/[\w-]+\/callback$/.test(p)) return res.writeHead(204).end();
      if (/^\/api\/v10\/webhooks\/\d+\/[\w-]+\/messages\/@original$/.test(p)) return json({ id: String(nextId++), content: body.content });
      if (/^\/api\/v10\/webhooks\/\d+\/[\w-]+$/.test(p)) return json({ id: String(nextId++), content: body.content });
      const thread = /^\/api\/v10\/channels\/(\d+)\/messages\/(\d+)\/threads$/.exec(p);
      if (thread) {
        if (threadOf.has(thread[2]!)) return json({ message: 'A thread has already been created for this message', code: 160004 }, 400);
        const id = String(nextId++);
        threadOf.set(thread[2]!, id);
        return json({ id, type: 11, parent_id: thread[1], name: body.name });
      }
      const one = /^\/api\/v10\/channels\/(\d+)\/messages\/(\d+)$/.exec(p);
      if (one && req.method === 'GET') {
        const m = messages.get(one[2]!);
        return m ? json(m) : json({ message: 'Unknown Message', code: 10008 }, 404);
      }
      const msg = /^\/api\/v10\/channels\/(\d+)\/messages$/.exec(p);
      if (msg && req.method === 'POST') {
        if (rateLimitNext > 0) {
          rateLimitNext--;
          return json({ message: 'You are being rate limited.', retry_after: 0.3, global: false }, 429, { 'retry-after': '1', 'x-ratelimit-scope': 'user' });
        }
        if (bucket) {
          const now = Date.now();
          const recent = (accepted.get(msg[1]!) ?? []).filter((t) => t > now - bucket!.windowMs);
          if (recent.length >= bucket.limit) {
            const retry = (recent[0]! + bucket.windowMs - now) / 1000;
            return json({ message: 'You are being rate limited.', retry_after: retry, global: false }, 429, { 'retry-after': String(Math.ceil(retry)), 'x-ratelimit-scope': 'user' });
          }
        }
        accepted.set(msg[1]!, [...(accepted.get(msg[1]!) ?? []), Date.now()]);
        const m = postMessage(msg[1]!, body);
        // Recorded first, answered later: a client killed meanwhile never learns it was posted.
        if (holdMs) return void setTimeout(() => json(m), holdMs);
        return json(m);
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
    messages,
    rateLimit(n: number) {
      rateLimitNext = n;
    },
    /** The next `times` requests matching answer `status` with `body` (a Discord JSON error). */
    refuse(match: (c: DiscordCall) => boolean, status: number, body: unknown, times = Infinity) {
      scripted.push({ match, status, body, times });
    },
    /** A user clicked "Create Thread" on a message: its thread has the message's id. */
    userThread(messageId: string) {
      threadOf.set(messageId, messageId);
    },
    /** Rate-limits each channel as Discord does: `limit` posts per `windowMs`, 429 beyond. */
    limitChannels(limit: number, windowMs: number) {
      bucket = { limit, windowMs };
    },
    /** Accepted posts' times per channel. */
    accepted,
    /** Posts are recorded at once but answered `ms` later. */
    holdAnswers(ms: number) {
      holdMs = ms;
    },
    /** Channel posts (not threads' ids: those are >= 9000). */
    posts: (channel?: string) => calls.filter((c) => c.method === 'POST' && /^\/api\/v10\/channels\/\d+\/messages$/.test(c.path) && (!channel || c.path === `/api/v10/channels/${channel}/messages`)),
    /** Messages as Discord holds them (one per nonce, whatever was retried). */
    stored: (channel?: string) => [...messages.values()].filter((m) => !channel || m.channel_id === channel),
    interact(client: Client, data: Record<string, unknown>, permissions = '0', channelId = '3000'): string {
      const id = String(interactionId++);
      (client as unknown as { actions: { InteractionCreate: { handle(d: unknown): void } } }).actions.InteractionCreate.handle(interaction(id, data, permissions, channelId));
      return id;
    },
    /** An interaction as Discord sends it: an INTERACTION_CREATE dispatch on the gateway session. */
    gatewayInteract(data: Record<string, unknown>, permissions = '0', channelId = '3000'): string {
      const id = String(interactionId++);
      const ws = liveSocket();
      if (!ws) throw new Error('no gateway session is open');
      dispatch(ws, 'INTERACTION_CREATE', interaction(id, data, permissions, channelId));
      return id;
    },
    gatewayOps,
    gatewayConnected: () => !!liveSocket(),
    /** Closes the session as Discord does; 4000 (unknown error) lets the client resume. */
    dropGateway(code = 4000) {
      liveSocket()?.close(code, 'fake gateway drop');
    },
    callback: (id: string) => calls.find((c) => c.path.startsWith(`/api/v10/interactions/${id}/`)),
    async close() {
      for (const ws of sockets) ws.terminate();
      await new Promise((r) => wss.close(r));
      await http.close();
    },
  };
}
