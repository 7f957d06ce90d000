/**
 * The cached clock: refreshed once per event-loop turn (each read event and
 * each cron tick) so that one command sees a single "now", as in Redis.
 */
export const clock = {
  /** Unix time in milliseconds. */
  ms: Date.now(),
};

export function updateClock(): number {
  return (clock.ms = Date.now());
}
