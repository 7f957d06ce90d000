/** LATENCY monitor: per-event samples above latency-monitor-threshold. */
const HISTORY_LEN = 160;

export interface LatencySample {
  time: number; // unix seconds
  latency: number; // ms
}

export interface LatencyEvent {
  samples: LatencySample[]; // oldest first, at most 160, one per second
  max: number;
}

export class LatencyMonitor {
  events = new Map<string, LatencyEvent>();

  /** Record `ms` for `event` if at or over the threshold (0 disables). */
  add(event: string, ms: number, threshold: number): void {
    if (threshold <= 0 || ms < threshold) return;
    const now = Math.floor(Date.now() / 1000);
    let ev = this.events.get(event);
    if (!ev) {
      ev = { samples: [], max: 0 };
      this.events.set(event, ev);
    }
    if (ms > ev.max) ev.max = ms;
    const last = ev.samples[ev.samples.length - 1];
    if (last && last.time === now) {
      if (ms > last.latency) last.latency = ms;
      return;
    }
    ev.samples.push({ time: now, latency: ms });
    if (ev.samples.length > HISTORY_LEN) ev.samples.shift();
  }

  reset(names?: string[]): number {
    if (!names || names.length === 0) {
      const n = this.events.size;
      this.events.clear();
      return n;
    }
    let n = 0;
    for (const name of names) if (this.events.delete(name)) n++;
    return n;
  }
}
