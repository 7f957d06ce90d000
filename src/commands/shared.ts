/**
 * Helpers shared by the administration families (server, info,
 * diagnostics, client, introspection): the config table as the CONFIG
 * commands see it, addReplyHelp(), islocalClient() and Redis's number
 * formatting for reports.
 */
import type { Client } from '../server/client';
import type { Server } from '../server/server';

/**
 * What the CONFIG commands need from the configuration (src/config's
 * Config implements it). Errors are full reply texts ("ERR ...").
 */
export interface ServerConfig {
  /** CONFIG GET: [name, value] for every parameter matching any pattern, each once. */
  get(patterns: readonly string[]): [string, string][];
  /** CONFIG SET: all pairs or none; null on success, else the error text. */
  set(pairs: readonly (readonly [string, string])[], opts?: { loading?: boolean; localClient?: boolean }): string | null;
  /** CONFIG REWRITE: null on success, else the error text. */
  rewrite(): string | null;
}

/** The server's config table, or null when embedded without one. */
export function configOf(srv: Server): ServerConfig | null {
  const cfg = srv.config as ServerConfig | null;
  return cfg && typeof cfg.get === 'function' ? cfg : null;
}

/** A parameter's CONFIG GET text, or `fallback` when there is no config table. */
export function configValue(srv: Server, name: string, fallback: string): string {
  const cfg = configOf(srv);
  if (!cfg) return fallback;
  const r = cfg.get([name]);
  return r.length ? r[0][1] : fallback;
}

/** addReplyHelp(): "<CMD> <subcommand> ..." header, the lines, then HELP. */
export function replyHelp(c: Client, argv: string[], lines: readonly string[]): void {
  c.reply.array(lines.length + 3);
  c.reply.status(`${argv[0].toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`);
  for (const l of lines) c.reply.status(l);
  c.reply.status('HELP');
  c.reply.status('    Prints this help.');
}

/** A handler replying with `lines` as the HELP subcommand. */
export const helpHandler = (lines: readonly string[]) => (c: Client, argv: string[]) => replyHelp(c, argv, lines);

/** islocalClient(): unix socket or the loopback address. */
export function isLocalClient(c: Client): boolean {
  if (c.isUnix) return true;
  const ip = c.socket?.remoteAddress ?? '';
  return ip === '127.0.0.1' || ip === '::1' || ip === '::ffff:127.0.0.1';
}

/** printf("%.2f") with C's round-half-even on exact ties. */
export function fixed2(x: number): string {
  const y = x * 100;
  if (Number.isInteger(y * 2) && !Number.isInteger(y)) {
    const lo = Math.floor(y);
    const r = lo % 2 === 0 ? lo : lo + 1;
    return (r / 100).toFixed(2);
  }
  return x.toFixed(2);
}

/** bytesToHuman(). */
export function bytesToHuman(n: number): string {
  if (n < 1024) return `${n}B`;
  const units = ['K', 'M', 'G', 'T', 'P'];
  for (let i = 0; i < units.length; i++) {
    if (n < 1024 ** (i + 2)) return fixed2(n / 1024 ** (i + 1)) + units[i];
  }
  return `${n}B`;
}
