/**
 * The event loop's worst lag while some work runs: a timer due every `periodMs` records
 * how late it fired. Synchronous work that holds the loop shows up as one late tick, so
 * this measures what a command or a poll would have waited, not how long the work took.
 */
export async function worstLoopLag<T>(work: () => Promise<T> | T, periodMs = 10): Promise<{ result: T; worstLagMs: number }> {
  let worst = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - periodMs);
    last = now;
  }, periodMs);
  try {
    // Let the timer tick once first, so work that starts by blocking is still seen.
    await new Promise((r) => setTimeout(r, periodMs * 2));
    const result = await work();
    await new Promise((r) => setTimeout(r, periodMs * 2));
    return { result, worstLagMs: Math.round(worst) };
  } finally {
    clearInterval(timer);
  }
}
