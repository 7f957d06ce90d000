/**
 * A full garbage collection on demand (MEMORY PURGE): V8 hands memory back
 * to the system only after a mark-compact, and between them it lets the old
 * generation grow to several times what is live. Node exposes gc() only
 * behind --expose-gc; the flag can be set at run time and the function read
 * from a fresh context, so the server needs no special command line.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

let collect: (() => void) | null = null;

export function fullGc(): void {
  if (collect === null) {
    v8.setFlagsFromString('--expose-gc');
    collect = vm.runInNewContext('gc') as () => void;
  }
  collect();
}
