/** The line MONITOR clients receive for each executed command. */
import type { Client } from './client';

/** Quote an argument the way Redis's sdscatrepr does. */
export function repr(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    switch (ch) {
      case 0x5c: out += '\\\\'; break;
      case 0x22: out += '\\"'; break;
      case 0x0a: out += '\\n'; break;
      case 0x0d: out += '\\r'; break;
      case 0x09: out += '\\t'; break;
      case 0x07: out += '\\a'; break;
      case 0x08: out += '\\b'; break;
      default:
        if (ch >= 0x20 && ch < 0x7f) out += s[i];
        else out += '\\x' + ch.toString(16).padStart(2, '0');
    }
  }
  return out + '"';
}

export function monitorLine(c: Client, argv: string[]): string {
  // microsecond wall clock, as Redis prints it
  const us = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  const sec = Math.floor(us / 1e6);
  const usec = String(us % 1e6).padStart(6, '0');
  const who = c.socket ? (c.isUnix ? `unix:${c.server.settings.unixsocket}` : c.addr) : 'lua';
  let line = `${sec}.${usec} [${c.db.id} ${who}]`;
  for (const a of argv) line += ' ' + repr(a);
  return line;
}
