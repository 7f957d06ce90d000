// Node's Buffer has fast latin1 codecs that @types/node does not declare.
// They convert one byte <-> one char with no intermediate allocations, which
// is what the binary-safe string representation needs on the hot path.
declare module 'buffer' {
  interface Buffer {
    latin1Slice(start: number, end: number): string;
    latin1Write(s: string, offset: number, length?: number): number;
  }
}
export {};
