/**
 * Benchmark publisher site (own process, so it does not share the client's event loop):
 * N article pages at /a/<i>.html, each a generated article inside navigation, an ad slot,
 * related links, comments and a footer, as news pages are; /robots.txt allows all.
 * Prints its port on stdout.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateStream } from './generate.js';

const n = Number(process.argv[2] ?? 2000);
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const menu = ['Politics', 'Business', 'War', 'Opinion', 'Culture', 'Sport'].map((m) => `<li><a href="/${m.toLowerCase()}">${m}</a></li>`).join('');
const comments = Array.from({ length: 8 }, (_, i) => `<li class="comment"><b>reader${i}</b><p>${'I have followed this story closely and I disagree with the framing here. '.repeat(3)}</p></li>`).join('');
const pages = generateStream(n, 7).map((a) => {
  const paras = a.content.split(/(?<=\.)\s+/).map((p) => `<p>${esc(p)}</p>`);
  paras.splice(1, 0, '<div class="ad-slot">Advertisement</div>');
  return Buffer.from(`<!doctype html><html><head><meta charset="utf-8"><title>${esc(a.title)}</title><script>var x=1;</script></head><body>
<header><nav><ul>${menu}</ul></nav></header><main><article><h1>${esc(a.title)}</h1><div class="byline">Staff</div><div class="article-body">${paras.join('\n')}</div></article>
<aside class="related"><h2>Related</h2><ul>${menu}</ul></aside><section id="comments"><ol>${comments}</ol></section></main>
<footer><p>© 2025 Bench Media. All rights reserved.</p><ul>${menu}</ul></footer></body></html>`);
});

const server = http.createServer((req, res) => {
  if (req.url === '/robots.txt') return res.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nAllow: /\n');
  const m = /^\/a\/(\d+)\.html$/.exec(req.url ?? '');
  const page = m ? pages[Number(m[1])] : undefined;
  if (!page) return res.writeHead(404).end();
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': page.length }).end(page);
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
