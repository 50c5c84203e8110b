/** The benchmark feed server's content: 1 in 20 feeds changes each round. */
export function etagFor(i: number, round: number): string {
  return `"r${i % 20 === 0 ? round : 0}-${i}"`;
}

export function feedBody(i: number, round: number): string {
  const v = i % 20 === 0 ? round : 0;
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>f${i}</title><item><title>Item ${v} of feed ${i}</title><guid>f${i}-${v}</guid><link>https://bench.example/${i}/${v}</link><description>Text ${v}.</description></item></channel></rss>`;
}
