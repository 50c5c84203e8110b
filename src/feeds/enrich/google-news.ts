/**
 * Google News article links (news.google.com/rss/articles/<id>) do not redirect over
 * HTTP since 2024. The flow public decoders use (e.g. SSujitX/google-news-url-decoder):
 *  1. GET <base>/articles/<id> (falling back to <base>/rss/articles/<id>); the page holds
 *     `<c-wiz><div jscontroller data-n-a-sg="<signature>" data-n-a-ts="<timestamp>">`;
 *  2. POST <base>/_/DotsSplashUi/data/batchexecute with the form field f.req =
 *     [[["Fbv4je", "[\"garturlreq\",[…client context…],\"<id>\",<timestamp>,\"<signature>\"]"]]];
 *     the answer is `)]}'` + "\n\n" + [["wrb.fr","Fbv4je","[\"garturlres\",\"<url>\",1]",…],…].
 * Old ids carry the URL inside and need no request. The base URL is configurable so
 * tests run the flow against a local fake.
 */
import { parseHTML } from 'linkedom';
import { decodeGoogleNewsIdOffline, googleNewsId } from './links.js';

export const GOOGLE_NEWS_BASE_URL = 'https://news.google.com';

export interface GoogleNewsDeps {
  baseUrl: string;
  /** GET a page's text; throws on failure. */
  get: (url: string) => Promise<string>;
  /** POST a form; the answer's text; throws on failure. */
  post: (url: string, form: string) => Promise<string>;
}

export class DecodeError extends Error {
  override name = 'DecodeError';
}

/** The client context the public decoders send; Google answers without a real one. */
const CONTEXT = '[["X","X",["X","X"],null,null,1,1,"US:en",null,1,null,null,null,null,null,0,1],"X","X",1,[1,1,1],1,1,null,0,0,null,0]';

export function batchexecuteForm(id: string, timestamp: string, signature: string): string {
  const inner = `["garturlreq",${CONTEXT},${JSON.stringify(id)},${timestamp},${JSON.stringify(signature)}]`;
  return `f.req=${encodeURIComponent(JSON.stringify([[['Fbv4je', inner]]]))}`;
}

/** Signature and timestamp from the article page, or undefined when the page has none. */
export function decodingParams(html: string): { signature: string; timestamp: string } | undefined {
  const { document } = parseHTML(html);
  const el = document.querySelector('c-wiz > div[jscontroller]');
  const signature = el?.getAttribute('data-n-a-sg');
  const timestamp = el?.getAttribute('data-n-a-ts');
  return signature && timestamp && /^\d+$/.test(timestamp) ? { signature, timestamp } : undefined;
}

/** The publisher URL in a batchexecute answer. */
export function parseBatchexecute(text: string): string {
  const chunk = text.split('\n\n')[1];
  let envelopes: unknown;
  try {
    envelopes = JSON.parse(chunk ?? '');
  } catch {
    throw new DecodeError('batchexecute answer is not the expected JSON');
  }
  const hit = Array.isArray(envelopes) ? envelopes.find((e) => Array.isArray(e) && e[0] === 'wrb.fr' && e[1] === 'Fbv4je') as unknown[] | undefined : undefined;
  if (typeof hit?.[2] !== 'string') throw new DecodeError('batchexecute answer has no Fbv4je result');
  let res: unknown;
  try {
    res = JSON.parse(hit[2]);
  } catch {
    throw new DecodeError('batchexecute result is not JSON');
  }
  const url = Array.isArray(res) && res[0] === 'garturlres' ? res[1] : undefined;
  if (typeof url !== 'string' || !/^https?:\/\//i.test(url)) throw new DecodeError('batchexecute result carries no http(s) URL');
  return new URL(url).href;
}

export async function decodeGoogleNewsLink(deps: GoogleNewsDeps, link: string): Promise<string> {
  const id = googleNewsId(link);
  if (!id) throw new DecodeError(`not a Google News article link: ${link.slice(0, 120)}`);
  const offline = decodeGoogleNewsIdOffline(id);
  if (offline) return offline;
  const base = deps.baseUrl.replace(/\/+$/, '');
  let params: ReturnType<typeof decodingParams>;
  let firstError: unknown;
  for (const page of [`${base}/articles/${id}`, `${base}/rss/articles/${id}`]) {
    try {
      params = decodingParams(await deps.get(page));
      if (params) break;
    } catch (err) {
      firstError ??= err;
    }
  }
  if (!params) throw new DecodeError(`no decoding signature for Google News id ${id.slice(0, 24)}…${firstError ? ` (${(firstError as Error).message})` : ''}`);
  return parseBatchexecute(await deps.post(`${base}/_/DotsSplashUi/data/batchexecute`, batchexecuteForm(id, params.timestamp, params.signature)));
}
