/**
 * The 24-bit access word Redis keeps in every object's `lru` field
 * (evict.c): under an LRU policy (or no eviction) the LRU clock in seconds
 * of the last access; under an LFU policy the time of the last decrement in
 * minutes (16 bits) and a logarithmic access counter (8 bits). Redis never
 * converts one into the other when maxmemory-policy changes at runtime:
 * OBJECT FREQ reads an LRU word as LFU data ("LRU and LFU data will take some
 * time to adjust"). No RESP here.
 */

/** LFU_INIT_VAL: the counter of a new object, so it is not evicted at once. */
export const LFU_INIT_VAL = 5;
const LRU_CLOCK_MAX = 0xffffff;

/** LRU_CLOCK(): seconds, 24 bits. */
export function lruClock(ms: number): number {
  return Math.floor(ms / 1000) & LRU_CLOCK_MAX;
}

/** LFUGetTimeInMinutes(): minutes, 16 bits. */
export function lfuMinutes(ms: number): number {
  return Math.floor(ms / 60000) & 65535;
}

/** The word of an object created under an LFU policy (createObject()). */
export function lfuNewWord(ms: number): number {
  return (lfuMinutes(ms) << 8) | LFU_INIT_VAL;
}

/** LFUTimeElapsed(): minutes since ldt, wrapping as Redis does (65535, not 65536). */
function lfuTimeElapsed(ldt: number, now: number): number {
  return now >= ldt ? now - ldt : 65535 - ldt + now;
}

/** LFUDecrAndReturn(): the counter after decaying by the periods elapsed (what OBJECT FREQ replies). */
export function lfuDecrAndReturn(word: number, ms: number, decayTime: number): number {
  const ldt = word >>> 8;
  let counter = word & 255;
  const periods = decayTime !== 0 ? Math.floor(lfuTimeElapsed(ldt, lfuMinutes(ms)) / decayTime) : 0;
  if (periods !== 0) counter = periods > counter ? 0 : counter - periods;
  return counter;
}

/** LFULogIncr(): increment with probability 1/((counter - LFU_INIT_VAL) * factor + 1). */
function lfuLogIncr(counter: number, logFactor: number): number {
  if (counter === 255) return 255;
  const r = Math.random();
  let baseval = counter - LFU_INIT_VAL;
  if (baseval < 0) baseval = 0;
  const p = 1.0 / (baseval * logFactor + 1);
  return r < p ? counter + 1 : counter;
}

/** updateLFU(): the word after an access. */
export function lfuAccess(word: number, ms: number, decayTime: number, logFactor: number): number {
  const counter = lfuLogIncr(lfuDecrAndReturn(word, ms, decayTime), logFactor);
  return (lfuMinutes(ms) << 8) | counter;
}

/** estimateObjectIdleTime() in seconds: the word read as an LRU clock (also when it holds LFU data). */
export function lruIdleSeconds(word: number, ms: number): number {
  const now = lruClock(ms);
  return now >= word ? now - word : now + (LRU_CLOCK_MAX - word);
}

/**
 * objectSetLRUOrLFU(): the word an object gets from a dump's FREQ (under an
 * LFU policy: that counter, decremented from now) or IDLE (otherwise: the LRU
 * clock that many seconds back, half the clock ahead when that would
 * underflow); -1 when the dump has none that applies.
 */
export function wordFromIdleOrFreq(lfuPolicy: boolean, freq: number, idle: number, ms: number): number {
  if (lfuPolicy) return freq < 0 ? -1 : (lfuMinutes(ms) << 8) | freq;
  if (idle < 0) return -1;
  const now = lruClock(ms);
  const word = now - idle;
  return word >= 0 ? word : (now + Math.floor(LRU_CLOCK_MAX / 2)) % LRU_CLOCK_MAX;
}
