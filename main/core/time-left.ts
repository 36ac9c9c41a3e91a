/** The time left of a share that ends by itself, as the card, the tray tooltip and `status` say it. No imports: the popover bundles this file. */

/** "45 s left", "12 min left", "1 h 05 min left": coarse on purpose, it is read at a glance. */
export function formatTimeLeft(ms: number): string {
  return `${formatSpan(ms)} left`;
}

/** "45 s", "12 min", "1 h 05 min": a span of time, rounded up as formatTimeLeft rounds it. */
export function formatSpan(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/**
 * When the time left next reads differently (ms from `now`): every second in the last minute, else at the
 * next minute. The card and the tray's tooltip are redrawn then, and not more often.
 */
export function nextTimeLeftChange(endsAt: number, now: number): number {
  const left = endsAt - now;
  if (left <= 0) return 1000;
  const step = left <= 60_000 ? 1000 : 60_000;
  return left % step || step;
}
