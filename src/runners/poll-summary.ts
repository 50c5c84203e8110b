/**
 * The line a person reads after the first poll: how many feeds answered, why the others
 * did not, and what to do about it (not what storywatch will do: it retries anyway).
 */
export interface FeedFailure {
  feedId: string;
  error: string;
}

/** A failure's kind, short enough to count: the same cause on six feeds is one reason. */
export function failureKind(error: string): string {
  if (/ENOTFOUND|EAI_AGAIN|getaddrinfo/i.test(error)) return 'name lookup failed';
  if (/ECONNREFUSED/.test(error)) return 'connection refused';
  if (/ENETUNREACH|EHOSTUNREACH/.test(error)) return 'network unreachable';
  if (/timed? ?out|ETIMEDOUT|deadline/i.test(error)) return 'timed out';
  if (/certificate|TLS|SSL/i.test(error)) return 'TLS error';
  const status = /\b(?:HTTP|status|answered)\s*(\d{3})\b/i.exec(error);
  if (status) return `HTTP ${status[1]}`;
  if (/not a feed|no feed|parse|XML/i.test(error)) return 'not a feed';
  if (/private|SSRF|not allowed/i.test(error)) return 'address refused by the SSRF guard';
  return error.replace(/https?:\/\/\S+/g, '<url>').slice(0, 60);
}

export function pollSummary(polled: number, failures: FeedFailure[]): { line: string; level: 'info' | 'warn' | 'error' } {
  if (!failures.length) return { line: `first poll: all ${polled} feed(s) answered`, level: 'info' };
  const kinds = new Map<string, string[]>();
  for (const f of failures) kinds.set(failureKind(f.error), [...(kinds.get(failureKind(f.error)) ?? []), f.feedId]);
  const why = [...kinds].map(([kind, ids]) => `${kind} (${ids.length}: ${ids.slice(0, 3).join(', ')}${ids.length > 3 ? ', …' : ''})`).join('; ');
  if (failures.length >= polled) {
    const offline = [...kinds.keys()].some((k) => /lookup|refused|unreachable|timed out/.test(k));
    const todo = offline
      ? 'is this machine offline or behind a proxy? check with `curl -I <feed url>`; `npm run demo` shows storywatch working with no network'
      : 'check the feed URLs in the config (or STORYWATCH_FEEDS); `npm run demo` shows storywatch working with local feeds';
    return { line: `first poll: all ${polled} feed(s) failed: ${why}. What to do: ${todo}`, level: 'error' };
  }
  return { line: `first poll: ${polled - failures.length} of ${polled} feed(s) answered; failing: ${why}. Fix or remove those feeds; the others are watched`, level: 'warn' };
}
