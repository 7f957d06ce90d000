/**
 * Lua 5.1's tables (ltable.c's algorithm, rewritten) in place of fengari's
 * Map-based ones, so that the order of `next`/`pairs` — and therefore of
 * cjson.encode and cmsgpack.pack objects — and the border `#t` finds in
 * tables with holes are the ones Redis gives.
 *
 * A table has an array part (keys 1..n) and a hash part of 2^k nodes with
 * chained collisions: a key goes to its main position, or to the last free
 * node (scanning down from the end) with the colliding key moved out when it
 * is not in its own main position. A full hash part is rehashed: the array
 * size becomes the largest power of two that is more than half used by
 * integer keys, everything else goes to a hash part sized for the rest.
 * next() walks the array part, then the nodes in index order. Hashes are
 * 5.1's: strings by lua_hash over the bytes (seeded with the length),
 * numbers by the sum of the two 32-bit words of the double modulo
 * (size-1)|1, booleans by value; objects by an id (pointers in C, so their
 * order differs between runs on Redis too). Setting a missing key to nil
 * creates its node, as in 5.1; nodes with nil values stay until a rehash.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */

const MAXBITS = 26;
const MAXASIZE = 1 << MAXBITS;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

const objectIds = new WeakMap<object, number>();
let nextObjectId = 1;

function ceilLog2(x: number): number {
  let l = 0;
  x--;
  while (x >= 1) {
    l++;
    x = Math.floor(x / 2);
  }
  return l;
}

/** 5.1's luaS_newlstr hash of a string's bytes. */
export function stringHash(s: Uint8Array): number {
  const l = s.length;
  let h = l >>> 0;
  const step = (l >> 5) + 1;
  for (let l1 = l; l1 >= step; l1 -= step) {
    h = (h ^ (((h << 5) >>> 0) + (h >>> 2) + s[l1 - 1]!)) >>> 0;
  }
  return h;
}

export function installTables(m: any): void {
  const { TValue, luaO_nilobject } = m.lobject;
  const ct = m.defs.constant_types;
  const NIL = ct.LUA_TNIL;
  const BOOL = ct.LUA_TBOOLEAN;
  const NUM = ct.LUA_TNUMFLT;
  const LUD = ct.LUA_TLIGHTUSERDATA;
  const { to_luastring } = m.defs;
  const ldebug = m.ldebug;

  function strHash(ts: any): number {
    let h = ts.h51;
    if (h === undefined) h = ts.h51 = stringHash(ts.realstring);
    return h;
  }

  function pointerId(v: any): number {
    if (v === null || v === undefined) return 0;
    if (typeof v === 'object' || typeof v === 'function') {
      if (typeof v.id === 'number') return v.id;
      let id = objectIds.get(v);
      if (id === undefined) objectIds.set(v, (id = nextObjectId++));
      return id;
    }
    if (typeof v === 'number') return v >>> 0;
    if (typeof v === 'boolean') return v ? 1 : 0;
    return 0;
  }

  function rawEqualKeys(a: any, b: any): boolean {
    if (a.type !== b.type) {
      // strings: short/long variants are the same type for Lua
      return a.ttisstring() && b.ttisstring() && sameBytes(a.value.realstring, b.value.realstring);
    }
    if (a.ttisstring()) return a.value === b.value || sameBytes(a.value.realstring, b.value.realstring);
    return a.value === b.value;
  }

  // The node part of every table without one, as C Lua's dummynode: shared,
  // since nothing is ever stored in it (a new key in a dummy table rehashes).
  const DUMMY_NK = [new TValue(NIL, null)];
  const DUMMY_NV = [new TValue(NIL, null)];
  const DUMMY_NN = new Int32Array([-1]);

  class Table {
    id: number;
    metatable: any = null;
    flags = ~0;
    array: any[] = [];
    sizearray = 0;
    lsizenode = 0;
    dummy = true;
    nk: any[] = DUMMY_NK;
    nv: any[] = DUMMY_NV;
    nn: Int32Array = DUMMY_NN;
    lastfree = 0;
    constructor(L: any) {
      this.id = L.l_G.id_counter++;
    }
  }

  function sizenode(t: Table): number {
    return 1 << t.lsizenode;
  }

  function mainPosition(t: Table, key: any): number {
    const size = sizenode(t);
    switch (key.ttnov()) {
      case 3: { // number
        const n = key.value;
        if (n === 0) return 0;
        f64[0] = n;
        const a = (u32[0]! + u32[1]!) >>> 0;
        return a % ((size - 1) | 1);
      }
      case 4: // string
        return strHash(key.value) & (size - 1);
      case 1: // boolean
        return (key.value ? 1 : 0) & (size - 1);
      default:
        return pointerId(key.value) % ((size - 1) | 1);
    }
  }

  function setArrayVector(t: Table, size: number): void {
    for (let i = t.sizearray; i < size; i++) t.array[i] = new TValue(NIL, null);
    t.array.length = size;
    t.sizearray = size;
  }

  function setNodeVector(t: Table, size: number): void {
    if (size === 0) {
      t.dummy = true;
      t.lsizenode = 0;
      t.nk = DUMMY_NK;
      t.nv = DUMMY_NV;
      t.nn = DUMMY_NN;
      t.lastfree = 0;
      return;
    }
    const lsize = ceilLog2(size);
    if (lsize > MAXBITS) throw new Error('table overflow');
    t.dummy = false;
    const n = 1 << lsize;
    t.lsizenode = lsize;
    t.nk = new Array(n);
    t.nv = new Array(n);
    for (let i = 0; i < n; i++) {
      t.nk[i] = new TValue(NIL, null);
      t.nv[i] = new TValue(NIL, null);
    }
    t.nn = new Int32Array(n).fill(-1);
    t.lastfree = n;
  }

  function resize(L: any, t: Table, nasize: number, nhsize: number): void {
    const oldasize = t.sizearray;
    const oldk = t.nk;
    const oldv = t.nv;
    const olddummy = t.dummy;
    if (nasize > oldasize) setArrayVector(t, nasize);
    setNodeVector(t, nhsize);
    if (nasize < oldasize) {
      const vanishing = t.array.slice(nasize, oldasize);
      t.sizearray = nasize;
      t.array.length = nasize;
      for (let i = 0; i < vanishing.length; i++) {
        if (!vanishing[i].ttisnil()) setInt(L, t, nasize + i + 1).setfrom(vanishing[i]);
      }
    }
    if (!olddummy) {
      for (let i = oldk.length - 1; i >= 0; i--) {
        if (!oldv[i].ttisnil()) set(L, t, oldk[i]).setfrom(oldv[i]);
      }
    }
  }

  /** The integer a key stands for as an array index (0 when none). */
  function arrayIndex(key: any): number {
    if (key.ttisnumber()) {
      const n = key.value;
      const k = n >= -2147483648 && n < 2147483648 ? Math.trunc(n) : 0;
      if (k === n) return k;
    }
    return 0;
  }

  function countInt(key: any, nums: number[]): number {
    const k = arrayIndex(key);
    if (0 < k && k <= MAXASIZE) {
      nums[ceilLog2(k)]!++;
      return 1;
    }
    return 0;
  }

  function numUseArray(t: Table, nums: number[]): number {
    let ause = 0;
    let i = 1;
    for (let lg = 0, ttlg = 1; lg <= MAXBITS; lg++, ttlg *= 2) {
      let lc = 0;
      let lim = ttlg;
      if (lim > t.sizearray) {
        lim = t.sizearray;
        if (i > lim) break;
      }
      for (; i <= lim; i++) if (!t.array[i - 1].ttisnil()) lc++;
      nums[lg]! += lc;
      ause += lc;
    }
    return ause;
  }

  function computeSizes(nums: number[], narray: number): { na: number; size: number } {
    let a = 0;
    let na = 0;
    let n = 0;
    for (let i = 0, twotoi = 1; twotoi / 2 < narray; i++, twotoi *= 2) {
      if (nums[i]! > 0) {
        a += nums[i]!;
        if (a > twotoi / 2) {
          n = twotoi;
          na = a;
        }
      }
      if (a === narray) break;
    }
    return { na, size: n };
  }

  function rehash(L: any, t: Table, ek: any): void {
    const nums = new Array<number>(MAXBITS + 1).fill(0);
    let nasize = numUseArray(t, nums);
    let totaluse = nasize;
    if (!t.dummy) {
      for (let i = t.nk.length - 1; i >= 0; i--) {
        if (!t.nv[i].ttisnil()) {
          nasize += countInt(t.nk[i], nums);
          totaluse++;
        }
      }
    }
    nasize += countInt(ek, nums);
    totaluse++;
    const { na, size } = computeSizes(nums, nasize);
    resize(L, t, size, totaluse - na);
  }

  function getFreePos(t: Table): number {
    while (t.lastfree-- > 0) {
      if (t.nk[t.lastfree].ttisnil()) return t.lastfree;
    }
    return -1;
  }

  /** Inserts a key known to be absent; returns its value slot. */
  function newKey(L: any, t: Table, key: any): any {
    let mp = mainPosition(t, key);
    if (!t.nv[mp].ttisnil() || t.dummy) {
      const n = getFreePos(t);
      if (n < 0) {
        rehash(L, t, key);
        return set(L, t, key);
      }
      let othern = mainPosition(t, t.nk[mp]);
      if (othern !== mp) {
        // the colliding node is out of its main position: move it to the free node
        while (t.nn[othern] !== mp) othern = t.nn[othern]!;
        t.nn[othern] = n;
        t.nk[n].setfrom(t.nk[mp]);
        t.nv[n].setfrom(t.nv[mp]);
        t.nn[n] = t.nn[mp]!;
        t.nn[mp] = -1;
        t.nv[mp].setnilvalue();
      } else {
        // the new key goes to the free node, chained after mp
        t.nn[n] = t.nn[mp]!;
        t.nn[mp] = n;
        mp = n;
      }
    }
    t.nk[mp].setfrom(key);
    return t.nv[mp];
  }

  function getNum(t: Table, k: number): any {
    if (k >= 1 && k <= t.sizearray) return t.array[k - 1];
    if (t.dummy) return luaO_nilobject;
    const size = sizenode(t);
    let n: number;
    if (k === 0) n = 0;
    else {
      f64[0] = k;
      n = ((u32[0]! + u32[1]!) >>> 0) % ((size - 1) | 1);
    }
    do {
      const nk = t.nk[n];
      if (nk.ttisnumber() && nk.value === k) return t.nv[n];
      n = t.nn[n]!;
    } while (n >= 0);
    return luaO_nilobject;
  }

  function getStr(t: Table, ts: any): any {
    if (t.dummy) return luaO_nilobject;
    let n = strHash(ts) & (sizenode(t) - 1);
    const bytes = ts.realstring;
    const h = strHash(ts);
    do {
      const nk = t.nk[n];
      if (nk.ttisstring()) {
        if (nk.value === ts) return t.nv[n];
        if (strHash(nk.value) === h && sameBytes(nk.value.realstring, bytes)) {
          // fengari does not intern strings: keep the caller's (equal) TString
          // so that its next lookup is an identity match
          nk.value = ts;
          return t.nv[n];
        }
      }
      n = t.nn[n]!;
    } while (n >= 0);
    return luaO_nilobject;
  }

  function get(t: Table, key: any): any {
    switch (key.ttnov()) {
      case 0: return luaO_nilobject;
      case 4: return getStr(t, key.value);
      case 3: {
        const k = arrayIndex(key);
        if (k === key.value) return getNum(t, k);
        break;
      }
    }
    if (t.dummy) return luaO_nilobject;
    let n = mainPosition(t, key);
    do {
      if (rawEqualKeys(t.nk[n], key)) return t.nv[n];
      n = t.nn[n]!;
    } while (n >= 0);
    return luaO_nilobject;
  }

  /** luaH_set: the value slot of `key`, created when absent. */
  function set(L: any, t: Table, key: any): any {
    const p = get(t, key);
    t.flags = 0;
    if (p !== luaO_nilobject) return p;
    if (key.ttisnil()) ldebug.luaG_runerror(L, to_luastring('table index is nil', true));
    if (key.ttisnumber() && key.value !== key.value) ldebug.luaG_runerror(L, to_luastring('table index is NaN', true));
    return newKey(L, t, key);
  }

  function setInt(L: any, t: Table, k: number): any {
    const p = getNum(t, k);
    if (p !== luaO_nilobject) return p;
    return newKey(L, t, new TValue(NUM, k));
  }

  function unboundSearch(t: Table, j: number): number {
    let i = j;
    j++;
    while (!getNum(t, j).ttisnil()) {
      i = j;
      j *= 2;
      if (j > 2147483647) {
        i = 1;
        while (!getNum(t, i).ttisnil()) i++;
        return i - 1;
      }
    }
    while (j - i > 1) {
      const mid = Math.floor((i + j) / 2);
      if (getNum(t, mid).ttisnil()) j = mid;
      else i = mid;
    }
    return i;
  }

  function getn(t: Table): number {
    let j = t.sizearray;
    if (j > 0 && t.array[j - 1].ttisnil()) {
      let i = 0;
      while (j - i > 1) {
        const mid = Math.floor((i + j) / 2);
        if (t.array[mid - 1].ttisnil()) j = mid;
        else i = mid;
      }
      return i;
    }
    if (t.dummy) return j;
    return unboundSearch(t, j);
  }

  function findIndex(L: any, t: Table, key: any): number {
    if (key.ttisnil()) return -1;
    const i = arrayIndex(key);
    if (0 < i && i <= t.sizearray) return i - 1;
    if (!t.dummy) {
      let n = mainPosition(t, key);
      do {
        if (rawEqualKeys(t.nk[n], key)) return n + t.sizearray;
        n = t.nn[n]!;
      } while (n >= 0);
    }
    return ldebug.luaG_runerror(L, to_luastring("invalid key to 'next'", true));
  }

  function next(L: any, t: Table, keyI: number): boolean {
    let i = findIndex(L, t, L.stack[keyI]);
    for (i++; i < t.sizearray; i++) {
      if (!t.array[i].ttisnil()) {
        L.stack[keyI].setfltvalue(i + 1);
        L.stack[keyI + 1].setfrom(t.array[i]);
        return true;
      }
    }
    if (!t.dummy) {
      for (i -= t.sizearray; i < t.nk.length; i++) {
        if (!t.nv[i].ttisnil()) {
          L.stack[keyI].setfrom(t.nk[i]);
          L.stack[keyI + 1].setfrom(t.nv[i]);
          return true;
        }
      }
    }
    return false;
  }

  function fb2int(x: number): number {
    const e = (x >> 3) & 31;
    return e === 0 ? x : ((x & 7) + 8) * 2 ** (e - 1);
  }

  const ltable = m.ltable;
  ltable.Table = Table;
  ltable.luaH_new = (L: any, narray = 0, nhash = 0): Table => {
    const t = new Table(L);
    if (narray > 0) setArrayVector(t, narray);
    if (nhash > 0) setNodeVector(t, nhash);
    return t;
  };
  ltable.fb2int = fb2int;
  ltable.luaH_get = (_L: any, t: Table, key: any): any => get(t, key);
  ltable.luaH_getint = (t: Table, k: number): any => getNum(t, k);
  ltable.luaH_getstr = (t: Table, ts: any): any => getStr(t, ts);
  ltable.luaH_getn = getn;
  ltable.luaH_next = next;
  ltable.luaH_setfrom = (L: any, t: Table, key: any, value: any): void => {
    set(L, t, key).setfrom(value);
  };
  ltable.luaH_setint = (t: Table, k: number, value: any): void => {
    setInt(null, t, k).setfrom(value);
  };
  ltable.invalidateTMcache = (t: Table): void => {
    t.flags = 0;
  };
  /** SETLIST in 5.1 grows the array part to the list size first. */
  ltable.luaH_presize = (L: any, t: Table, last: number): void => {
    if (last > t.sizearray) resize(L, t, last, t.dummy ? 0 : t.nk.length);
  };
  /** The TString stored as a key equal to `ts`, or null (the lexer's string cache). */
  ltable.findStringKey = (t: Table, ts: any): any => {
    if (t.dummy) return null;
    let n = strHash(ts) & (sizenode(t) - 1);
    do {
      const nk = t.nk[n];
      if (nk.ttisstring() && sameBytes(nk.value.realstring, ts.realstring)) return nk.value;
      n = t.nn[n]!;
    } while (n >= 0);
    return null;
  };
  void BOOL;
  void LUD;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  const n = a.length;
  if (n !== b.length) return false;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}
