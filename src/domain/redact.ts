/**
 * URLs shown to people (status replies, notices, logs) may carry secrets a channel put
 * in its feed URL: `user:pass@` and query values such as `?access_token=`. They are
 * shown with those parts replaced by `***`.
 */
const SECRET_PARAM = /token|key|secret|sig|pass|auth|session|cred|code|jwt|bearer/i;

export function redactUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return raw;
  }
  if (url.username || url.password) {
    url.username = '***';
    url.password = '';
  }
  for (const [name] of [...url.searchParams]) if (SECRET_PARAM.test(name)) url.searchParams.set(name, '***');
  // searchParams.set percent-encodes the stars; show them plainly.
  return url.href.replace(/%2A%2A%2A/g, '***');
}

/** Every http(s) URL inside a free text (an error message, a notice) redacted. */
export function redactUrlsIn(text: string): string {
  return text.replace(/\bhttps?:\/\/[^\s"'<>]+/gi, (u) => {
    const trail = /[).,;:!?\]]+$/.exec(u)?.[0] ?? '';
    return redactUrl(u.slice(0, u.length - trail.length)) + trail;
  });
}

/** What stands in for an article a reader may not be told about. */
export const UNNAMED_REPORT = 'an earlier report';

/**
 * A reason or "why" line with these articles unnamed: the engine quotes an article as
 * `"headline" (outlet, day)`, and `closest known article: <id> "headline"`. An article from
 * another channel's private feed is not named (headline, outlet or id) to a channel.
 */
export function unnameArticles(text: string, articles: Array<{ id?: string | undefined; title: string }>): string {
  let out = text;
  for (const a of articles) {
    if (!a.title) continue;
    const quoted = `"${a.title}"`;
    if (a.id) out = out.split(`${a.id} ${quoted}`).join(UNNAMED_REPORT);
    for (let at = out.indexOf(quoted); at >= 0; at = out.indexOf(quoted, at + UNNAMED_REPORT.length)) {
      const after = at + quoted.length;
      // The outlet and day in parentheses right after the headline go with it.
      const close = out.startsWith(' (', after) ? out.indexOf(')', after) : -1;
      out = out.slice(0, at) + UNNAMED_REPORT + out.slice(close >= 0 ? close + 1 : after);
    }
  }
  return out;
}
