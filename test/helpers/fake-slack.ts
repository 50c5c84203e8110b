/**
 * A local fake of Slack: the Web API (chat.postMessage, users.info, auth.test,
 * chat.getPermalink, apps.connections.open, conversations.history / replies with message
 * metadata as Slack returns it for include_all_metadata), response_url, and a Socket Mode
 * WebSocket endpoint (the `ws` server) that says hello, sends envelopes and records their acks.
 * `holdAnswers(ms)` keeps a post (recorded at once) unanswered for that long.
 */
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { serve } from './http.js';

export interface SlackCall { path: string; auth?: string | undefined; body: Record<string, unknown> }
export interface SlackMessage { channel: string; ts: string; thread_ts?: string; text: string; metadata?: { event_type: string; event_payload: Record<string, unknown> } }

/** Form posts carry nested objects as JSON strings. */
function parsed(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((r) => {
    let b = '';
    req.on('data', (c) => (b += c));
    req.on('end', () => r(b));
  });
}

export async function fakeSlack() {
  const calls: SlackCall[] = [];
  const acks: Array<{ envelope_id: string; payload?: unknown }> = [];
  const sockets: WebSocket[] = [];
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => wss.once('listening', r));
  const wsUrl = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/link`;
  wss.on('connection', (ws) => {
    sockets.push(ws);
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as { envelope_id?: string };
      if (m.envelope_id) acks.push(m as { envelope_id: string });
    });
    ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake', approximate_connection_time: 3600 }, connection_info: { app_id: 'A1' } }));
  });
  let ts = 0;
  let holdMs = 0;
  const messages: SlackMessage[] = [];
  const history = (body: Record<string, unknown>, replies: boolean) => {
    const oldest = Number(body.oldest ?? 0);
    const all = String(body.include_all_metadata) === 'true';
    const list = messages.filter((m) => m.channel === body.channel && Number(m.ts) >= oldest
      && (replies ? m.ts === body.ts || m.thread_ts === body.ts : !m.thread_ts))
      .map(({ channel: _c, metadata, ...m }) => ({ type: 'message', ...m, ...(all && metadata ? { metadata } : {}) }));
    return { ok: true, messages: replies ? list : list.reverse(), has_more: false, response_metadata: { next_cursor: '' } };
  };
  const http = await serve(async (req, res) => {
    const raw = await readBody(req);
    const body = req.headers['content-type']?.includes('json') ? JSON.parse(raw || '{}') : Object.fromEntries(new URLSearchParams(raw));
    calls.push({ path: req.url!, auth: req.headers.authorization, body });
    const json = (o: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(o));
    if (req.url === '/api/chat.postMessage') {
      // Slack's ts is its clock (seconds): now, made unique.
      const m: SlackMessage = { channel: String(body.channel), ts: `${Math.floor(Date.now() / 1000)}.${String(++ts).padStart(6, '0')}`, text: String(body.text ?? '') };
      if (body.thread_ts) m.thread_ts = String(body.thread_ts);
      const metadata = parsed(body.metadata) as SlackMessage['metadata'];
      if (metadata?.event_type) m.metadata = metadata;
      messages.push(m);
      const answer = () => json({ ok: true, channel: body.channel, ts: m.ts });
      return holdMs ? void setTimeout(answer, holdMs) : answer();
    }
    if (req.url === '/api/conversations.history') return json(history(body, false));
    if (req.url === '/api/conversations.replies') return json(history(body, true));
    if (req.url === '/api/chat.getPermalink') return json({ ok: true, channel: body.channel, permalink: `https://t1.slack.test/archives/${body.channel}/p${String(body.message_ts).replace('.', '')}` });
    if (req.url === '/api/auth.test') return json({ ok: true, url: 'https://t1.slack.test/', team: 'T', user: 'storywatch', team_id: 'T1', user_id: 'UBOT', bot_id: 'BBOT' });
    if (req.url === '/api/users.info') return json({ ok: true, user: { id: body.user, is_admin: body.user === 'UWSADMIN', is_owner: false } });
    if (req.url === '/api/apps.connections.open') return json(req.headers.authorization === 'Bearer xapp-1-test' ? { ok: true, url: wsUrl } : { ok: false, error: 'invalid_auth' });
    if (req.url === '/api/usergroups.list') return json({ ok: true, usergroups: [{ id: 'S0NEWSROOM', handle: 'newsroom', name: 'Newsroom' }] });
    if (req.url?.startsWith('/respond/')) return json({ ok: true });
    json({ ok: false, error: 'unknown_method' });
  });
  let envelopes = 0;
  return {
    url: http.url,
    apiUrl: `${http.url}/api/`,
    calls,
    acks,
    connected: () => sockets.some((s) => s.readyState === s.OPEN),
    posts: () => calls.filter((c) => c.path === '/api/chat.postMessage'),
    /** Messages as Slack holds them. */
    messages,
    holdAnswers(ms: number) {
      holdMs = ms;
    },
    /** A slash command over Socket Mode, as Slack sends it; returns its envelope id. */
    slashOverSocket(payload: Record<string, string>): string {
      const id = `env-${++envelopes}`;
      const open = sockets.filter((s) => s.readyState === s.OPEN);
      open[open.length - 1]!.send(JSON.stringify({ envelope_id: id, type: 'slash_commands', accepts_response_payload: true, payload }));
      return id;
    },
    async close() {
      for (const s of sockets) s.terminate();
      await new Promise((r) => wss.close(r));
      await http.close();
    },
  };
}
