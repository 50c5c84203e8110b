/**
 * SSRF guard for user-supplied feed URLs. Addresses are checked when the socket is
 * about to connect (inside DNS lookup), so a name that resolves to a public address
 * at validation time and a private one later (DNS rebinding) is still refused.
 */
import { BlockList, isIP } from 'node:net';
import dns from 'node:dns';
import type { LookupFunction } from 'node:net';

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16],
  ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15],
  ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
  ['2001:db8::', 32], ['100::', 64],
  // Translations and tunnels that carry an IPv4 address, or reach a private network:
  // IPv4-compatible ::a.b.c.d (deprecated), SIIT ::ffff:0:a.b.c.d, local-use NAT64
  // 64:ff9b:1::/48, 6to4 2002::/16 and Teredo 2001::/32. None is needed for a news feed.
  ['::', 96], ['::ffff:0:0:0', 96], ['64:ff9b:1::', 48], ['2002::', 16], ['2001::', 32],
] as const) blocked.addSubnet(net, prefix, 'ipv6');

/** The canonical (URL) spelling of an IPv6 address: lower case, compressed, hex groups only. */
function canonicalIPv6(ip: string): string {
  try {
    return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  } catch {
    return ip.toLowerCase();
  }
}

/**
 * IPv4 carried inside IPv6 whose meaning is that IPv4 address (mapped ::ffff:a.b.c.d,
 * well-known NAT64 64:ff9b::/96) is judged as IPv4. The canonical spelling has no
 * dotted form and no zero-padding, so one pattern covers every way of writing it.
 */
function embeddedIPv4(ip: string): string | undefined {
  const hex = /^(?:::ffff:|64:ff9b::)(?:([0-9a-f]{1,4}):)?([0-9a-f]{1,4})$/.exec(canonicalIPv6(ip));
  if (!hex) return undefined;
  const n = ((parseInt(hex[1] ?? '0', 16) << 16) | parseInt(hex[2]!, 16)) >>> 0;
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export interface SsrfPolicy {
  /** Addresses or CIDRs exempt from the guard (tests and the local demo only). */
  allow: string[];
}

const NO_EXCEPTIONS: SsrfPolicy = { allow: [] };
const allowLists = new WeakMap<SsrfPolicy, BlockList>();

/** The policy's exceptions as a BlockList, built once per policy object. */
function allowList(policy: SsrfPolicy): BlockList {
  const cached = allowLists.get(policy);
  if (cached) return cached;
  const list = new BlockList();
  allowLists.set(policy, list);
  for (const entry of policy.allow) {
    const [addr, bits] = entry.split('/');
    const family = isIP(addr ?? '') === 6 ? 'ipv6' : 'ipv4';
    if (!addr || !isIP(addr)) continue;
    if (bits) list.addSubnet(addr, Number(bits), family);
    else list.addAddress(addr, family);
  }
  return list;
}

/** Why an address may not be fetched, or undefined when it may. */
export function refusalReason(ip: string, policy: SsrfPolicy = NO_EXCEPTIONS): string | undefined {
  const family = isIP(ip);
  if (!family) return `"${ip}" is not an IP address`;
  const type = family === 6 ? 'ipv6' : 'ipv4';
  if (allowList(policy).check(ip, type)) return undefined;
  const v4 = family === 6 ? embeddedIPv4(ip) : undefined;
  if (v4 ? blocked.check(v4, 'ipv4') : blocked.check(family === 6 ? canonicalIPv6(ip) : ip, type)) {
    return `${ip} is a loopback, private, link-local, shared or reserved address`;
  }
  return undefined;
}

export class SsrfError extends Error {
  readonly code = 'ESSRF';
}

/** A dns.lookup replacement for http.request that refuses guarded addresses. */
export function guardedLookup(policy: SsrfPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = addresses as dns.LookupAddress[];
      for (const a of list) {
        const why = refusalReason(a.address, policy);
        if (why) return callback(new SsrfError(`refused ${hostname}: ${why}`), '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
      const first = list[0];
      if (!first) return callback(new Error(`no address for ${hostname}`), '', 0);
      callback(null, first.address, first.family);
    });
  };
}

/** Checks a URL before any request: scheme, and literal IP hosts (which skip DNS). */
export function checkUrl(raw: string, policy: SsrfPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SsrfError(`not a valid URL: ${raw.slice(0, 200)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SsrfError(`only http and https feeds are allowed, not ${url.protocol}`);
  }
  if (url.username || url.password) throw new SsrfError('URLs with credentials are not allowed');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) {
    const why = refusalReason(host, policy);
    if (why) throw new SsrfError(`refused ${host}: ${why}`);
  }
  return url;
}

/**
 * For a URL a user adds: scheme, credentials, literal IPs, and every address its host
 * resolves to now. (Each fetch checks again at connect time: this only fails early.)
 */
export async function assertFetchableUrl(raw: string, policy: SsrfPolicy): Promise<void> {
  const url = checkUrl(raw, policy);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return;
  let addresses: dns.LookupAddress[];
  try {
    addresses = await dns.promises.lookup(host, { all: true });
  } catch (err) {
    throw new SsrfError(`cannot resolve ${host} (${(err as NodeJS.ErrnoException).code ?? 'DNS error'})`);
  }
  for (const a of addresses) {
    const why = refusalReason(a.address, policy);
    if (why) throw new SsrfError(`refused ${host}: ${why}`);
  }
}
