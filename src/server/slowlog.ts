/** SLOWLOG entries, recorded by call() for commands slower than the threshold. */
const MAX_ARGS = 32;
const MAX_ARG_LEN = 128;

export interface SlowlogEntry {
  id: number;
  time: number; // unix seconds
  duration: number; // microseconds
  args: string[];
  peer: string;
  name: string;
}

export class SlowLog {
  entries: SlowlogEntry[] = []; // newest first
  private nextId = 0;

  add(argv: string[], durationUs: number, peer: string, name: string, maxLen: number): void {
    const n = Math.min(argv.length, MAX_ARGS);
    const args: string[] = [];
    for (let i = 0; i < n; i++) {
      if (n < argv.length && i === n - 1) {
        args.push(`... (${argv.length - n + 1} more arguments)`);
        break;
      }
      const a = argv[i];
      args.push(a.length > MAX_ARG_LEN ? `${a.slice(0, MAX_ARG_LEN)}... (${a.length - MAX_ARG_LEN} more bytes)` : a);
    }
    this.entries.unshift({ id: this.nextId++, time: Math.floor(Date.now() / 1000), duration: Math.floor(durationUs), args, peer, name });
    this.trim(maxLen);
  }

  trim(maxLen: number): void {
    if (this.entries.length > maxLen) this.entries.length = Math.max(0, maxLen);
  }

  reset(): void {
    this.entries = [];
  }
}
