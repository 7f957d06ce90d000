/**
 * RESP reply builders for exact-byte assertions on raw replies. Error texts
 * are spelled out here, not imported from the server, so a changed message
 * fails a test.
 */

export const OK = '+OK\r\n';
/** The RESP2 null bulk string. */
export const NIL = '$-1\r\n';
/** The RESP2 null array. */
export const NULLARR = '*-1\r\n';

export const int = (n: number | string): string => `:${n}\r\n`;
export const bulk = (s: string): string => `$${s.length}\r\n${s}\r\n`;
export const err = (m: string): string => `-${m}\r\n`;
/** An array of already-encoded replies. */
export const arr = (...replies: string[]): string => `*${replies.length}\r\n${replies.join('')}`;
/** An array of bulk strings. */
export const bulks = (...items: string[]): string => arr(...items.map(bulk));
/** A stream entry: [id, [field, value, ...]]. */
export const entry = (id: string, ...fv: string[]): string => arr(bulk(id), bulks(...fv));

export const SYNTAX = err('ERR syntax error');
export const NOTINT = err('ERR value is not an integer or out of range');
export const NOTFLOAT = err('ERR value is not a valid float');
export const WRONGTYPE = err('WRONGTYPE Operation against a key holding the wrong kind of value');
export const OVERFLOW = err('ERR increment or decrement would overflow');
