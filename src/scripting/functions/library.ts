/**
 * The libraries of Redis 7.0's functions (functions.c): each library is its
 * code (with its `#!lua name=<lib>` shebang) and the functions it
 * registered; a library context indexes the libraries by name (case
 * sensitive) and their functions by name (case insensitive, as FCALL finds
 * them). FUNCTION LOAD, DELETE, FLUSH and RESTORE change the server's
 * context; a failed change leaves it as it was.
 */
import type { Server } from '../../server/server';
import { splitArgs } from '../../util/splitargs';
import { FunctionEngine, FunctionInfo, NAME_RULES, validName } from './engine';

export interface Library {
  name: string;
  /** The code as loaded, shebang included. */
  code: string;
  /** Its functions in the order they were registered (names unique, case sensitive). */
  functions: FunctionInfo[];
}

export class LibraryContext {
  readonly libraries = new Map<string, Library>();
  /** Every library's functions, by lowercased name. */
  readonly functions = new Map<string, FunctionInfo>();

  get functionCount(): number {
    return this.functions.size;
  }

  link(lib: Library): void {
    this.libraries.set(lib.name, lib);
    for (const f of lib.functions) {
      const key = f.name.toLowerCase();
      // "f" and "F" in one library: the first one answers to both (Redis's own behaviour is undefined there)
      if (!this.functions.has(key)) this.functions.set(key, f);
    }
  }

  unlink(lib: Library): void {
    this.libraries.delete(lib.name);
    for (const f of lib.functions) {
      const key = f.name.toLowerCase();
      if (this.functions.get(key) === f) this.functions.delete(key);
    }
  }

  /** The first function of `lib` whose name another library of this context has, or null. */
  collision(lib: Library): FunctionInfo | null {
    for (const f of lib.functions) if (this.functions.has(f.name.toLowerCase())) return f;
    return null;
  }
}

/** functionExtractLibMetaData: the engine and library names of a `#!<engine> name=<lib>` line, or an error. */
export function libraryMetadata(code: string): { engine: string; name: string; shebangEnd: number } | string {
  if (!code.startsWith('#!')) return 'ERR Missing library metadata';
  const nl = code.indexOf('\n');
  if (nl < 0) return 'ERR Invalid library metadata';
  const parts = splitArgs(code.slice(0, nl));
  if (parts === null || parts.length === 0) return 'ERR Invalid library metadata';
  const engine = parts[0].slice(2);
  let name: string | null = null;
  for (const part of parts.slice(1)) {
    if (part.slice(0, 5).toLowerCase() === 'name=') {
      if (name !== null) return 'ERR Invalid metadata value, name argument was given multiple times';
      name = part.slice(5);
      continue;
    }
    return `ERR Invalid metadata value given: ${part}`;
  }
  if (name === null) return 'ERR Library name was not given';
  if (!validName(name)) return NAME_RULES;
  return { engine, name, shebangEnd: nl };
}

export type RestorePolicy = 'flush' | 'append' | 'replace';

/** The server's functions: the library context FCALL uses, and the Lua engine (created when first needed). */
export class Functions {
  private lua: FunctionEngine | null = null;
  ctx = new LibraryContext();
  /** FCALL's arguments for a function suspended past busy-reply-threshold (FUNCTION STATS shows them). */
  runningArgv: string[] = [];

  constructor(private readonly srv: Server) {}

  get engine(): FunctionEngine {
    if (this.lua === null) this.lua = new FunctionEngine(this.srv);
    return this.lua;
  }

  /** The function suspended past busy-reply-threshold, if any. */
  get busy(): FunctionEngine['busy'] {
    return this.lua === null ? null : this.lua.busy;
  }

  /**
   * functionsCreateWithLibraryCtx: load `code` into `ctx` (replacing a
   * library of the same name when `replace`); the library's name, or the
   * error, with `ctx` unchanged.
   */
  create(code: string, replace: boolean, ctx: LibraryContext = this.ctx): string | { error: string } {
    const md = libraryMetadata(code);
    if (typeof md === 'string') return { error: md };
    if (md.engine.toLowerCase() !== 'lua') return { error: `ERR Engine '${md.engine}' not found` };
    const old = ctx.libraries.get(md.name);
    if (old !== undefined && !replace) return { error: `ERR Library '${md.name}' already exists` };
    if (old !== undefined) ctx.unlink(old);
    // the shebang line stays, blank, so that line numbers count it
    const loaded = this.engine.loadLibrary(code.slice(md.shebangEnd));
    if (typeof loaded === 'string') {
      if (old !== undefined) ctx.link(old);
      return { error: loaded };
    }
    const lib: Library = { name: md.name, code, functions: loaded };
    const clash = ctx.collision(lib);
    if (clash !== null) {
      this.engine.release(loaded);
      if (old !== undefined) ctx.link(old);
      return { error: `ERR Function ${clash.name} already exists` };
    }
    ctx.link(lib);
    if (old !== undefined) this.engine.release(old.functions);
    return md.name;
  }

  /** FUNCTION DELETE: false when there is no such library. */
  delete(name: string): boolean {
    const lib = this.ctx.libraries.get(name);
    if (lib === undefined) return false;
    this.ctx.unlink(lib);
    this.engine.release(lib.functions);
    return true;
  }

  /** FUNCTION FLUSH. */
  flush(): void {
    this.releaseAll(this.ctx);
    this.ctx = new LibraryContext();
  }

  private releaseAll(ctx: LibraryContext): void {
    for (const lib of ctx.libraries.values()) this.engine.release(lib.functions);
  }

  /**
   * FUNCTION RESTORE of the libraries' codes: all of them or, with the
   * error, none.
   */
  restore(codes: string[], policy: RestorePolicy): string | null {
    const incoming = new LibraryContext();
    for (const code of codes) {
      const r = this.create(code, false, incoming);
      if (typeof r !== 'string') {
        this.releaseAll(incoming);
        return r.error;
      }
    }
    if (policy === 'flush') {
      this.releaseAll(this.ctx);
      this.ctx = incoming;
      return null;
    }
    const ctx = this.ctx;
    const displaced: Library[] = [];
    const undo = (error: string) => {
      for (const lib of displaced) ctx.link(lib);
      this.releaseAll(incoming);
      return error;
    };
    for (const lib of incoming.libraries.values()) {
      const old = ctx.libraries.get(lib.name);
      if (old === undefined) continue;
      if (policy === 'append') return undo(`ERR Library ${lib.name} already exists`);
      ctx.unlink(old);
      displaced.push(old);
    }
    for (const lib of incoming.libraries.values()) {
      const clash = ctx.collision(lib);
      if (clash !== null) return undo(`ERR Function ${clash.name} already exists`);
    }
    for (const lib of incoming.libraries.values()) ctx.link(lib);
    for (const lib of displaced) this.engine.release(lib.functions);
    return null;
  }
}
