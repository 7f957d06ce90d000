/**
 * DEBUG subcommands that belong to other layers (persistence's RELOAD,
 * DIGEST, LOADAOF...): each layer registers its own here and DEBUG
 * (diagnostics.ts) dispatches to them, so the layers stay in their folders.
 */
import type { Client } from '../server/client';

export interface DebugSubcommand {
  /** Argument counts accepted (argv.length, DEBUG and the subcommand included); any when absent. */
  argc?: (n: number) => boolean;
  handler: (c: Client, argv: string[]) => void;
  /** Lines for DEBUG HELP. */
  help?: string[];
}

export const debugSubcommands = new Map<string, DebugSubcommand>();

/** Register `name` (lower case) as a DEBUG subcommand. */
export function registerDebug(name: string, sub: DebugSubcommand): void {
  debugSubcommands.set(name, sub);
}
