/** fengari ships no types: its modules as used here (the Lua C API, by name). */
declare module 'fengari' {
  /* eslint-disable @typescript-eslint/no-explicit-any */
  export const lua: any;
  export const lauxlib: any;
  export const lualib: any;
  export function to_luastring(s: string, cache?: boolean): Uint8Array;
  export function to_jsstring(b: Uint8Array, from?: number, to?: number, replacement_char?: boolean): string;
  export function luastring_of(...bytes: number[]): Uint8Array;
}
