/** Server-wide counters reported by INFO stats / errorstats. */
import { clock } from './clock';

const INSTANT_SAMPLES = 16;

export class InstantMetric {
  private samples = new Float64Array(INSTANT_SAMPLES);
  private idx = 0;
  private lastTime = 0;
  private lastValue = 0;

  /** Record the counter's current value; computes a per-second rate. */
  track(value: number, nowMs: number): void {
    if (this.lastTime !== 0) {
      const dt = nowMs - this.lastTime;
      if (dt > 0) {
        this.samples[this.idx] = ((value - this.lastValue) * 1000) / dt;
        this.idx = (this.idx + 1) % INSTANT_SAMPLES;
      }
    }
    this.lastTime = nowMs;
    this.lastValue = value;
  }

  get rate(): number {
    let sum = 0;
    for (let i = 0; i < INSTANT_SAMPLES; i++) sum += this.samples[i];
    return sum / INSTANT_SAMPLES;
  }

  /** Start over from a zero count now (CONFIG RESETSTAT zeroes the counters this tracks). */
  reset(): void {
    this.samples.fill(0);
    this.idx = 0;
    this.lastValue = 0;
    this.lastTime = clock.ms;
  }
}

export class Stats {
  connectionsReceived = 0;
  commandsProcessed = 0;
  rejectedConnections = 0;
  netInput = 0;
  netOutput = 0;
  readsProcessed = 0;
  writesProcessed = 0;
  totalErrorReplies = 0;
  unexpectedErrorReplies = 0;
  expiredTimeCapReached = 0;
  /** Clients closed by maxmemory-clients (evicted_clients). */
  evictedClients = 0;
  /**
   * Lazy freeing (memory/lazyfree.ts), INFO memory's lazyfree_pending_objects
   * (handed over, still held) and lazyfreed_objects (released since the last
   * CONFIG RESETSTAT).
   */
  lazyfreePendingObjects = 0;
  lazyfreedObjects = 0;
  errors = new Map<string, number>();
  readonly opsPerSec = new InstantMetric();
  readonly inputKbps = new InstantMetric();
  readonly outputKbps = new InstantMetric();

  countError(code: string): void {
    this.totalErrorReplies++;
    // Redis caps distinct error codes at 128; the rest only count in the total.
    const n = this.errors.get(code);
    if (n !== undefined) this.errors.set(code, n + 1);
    else if (this.errors.size < 128) this.errors.set(code, 1);
  }

  reset(): void {
    this.connectionsReceived = 0;
    this.commandsProcessed = 0;
    this.rejectedConnections = 0;
    this.netInput = 0;
    this.netOutput = 0;
    this.readsProcessed = 0;
    this.writesProcessed = 0;
    this.totalErrorReplies = 0;
    this.unexpectedErrorReplies = 0;
    this.expiredTimeCapReached = 0;
    this.evictedClients = 0;
    // lazyfreeResetStats(): the pending count is not a statistic
    this.lazyfreedObjects = 0;
    this.errors.clear();
    this.opsPerSec.reset();
    this.inputKbps.reset();
    this.outputKbps.reset();
  }
}
