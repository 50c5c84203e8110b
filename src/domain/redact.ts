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
