// One qmail installation, read lazily: each accessor reads its files on
// first use, caches the result and records what went wrong as diagnostics,
// so a one-shot trace reads only what its walk needs.
import type { Sysroot } from '../sysroot/sysroot.js';
import { FsError } from '../sysroot/sysroot.js';
import { colonLookup, colonMap, readLineValue, readListLines, type ColonEntry, type ListLine } from './control-readers.js';
import { CONTROL_BY_NAME, controlTable, effectiveInt, effectiveValue, unknownControlFiles, whitespaceWarnings, type ControlRow } from './control.js';
import { parseAssign, probeAssign, type AssignProbe, type ParsedAssign } from './assign.js';
import { loadStartScripts, type StartScript } from './startup.js';
import { defaultDeliveryOf } from './default-delivery.js';
import { readConsts, type InstallationConsts } from './installation-consts.js';
import { readMoreRcpt, readUsersCdb, type MoreRcpt } from './installation-cdbs.js';
import { loadSystemUsers, type LoadedSystemUsers } from './passwd.js';
import type {
  ColonList,
  ControlList,
  ControlValue,
  DefaultDelivery,
  Diagnostic,
  Installation,
  UsersCdb,
} from './model-types.js';

export { QMAIL_DEFAULTS, type InstallationConsts } from './installation-consts.js';

const sysUsersCache = new WeakMap<Sysroot, LoadedSystemUsers>();

/** One SystemUsers per sysroot, shared by its installations. */
export function systemUsersOf(sysroot: Sysroot): LoadedSystemUsers {
  let u = sysUsersCache.get(sysroot);
  if (!u) {
    u = loadSystemUsers(sysroot);
    sysUsersCache.set(sysroot, u);
  }
  return u;
}

/** Look-ups served by scanning users/assign (or a colon list) before it is parsed whole (a scan costs a fraction of a parse). */
const ASSIGN_PROBES = 8;

/** Colon-list answers kept for asking again; a long session builds the whole map after ASSIGN_PROBES scans anyway. */
const MEMO_MAX = 256;

export class LoadedInstallation implements Installation {
  readonly root: string;
  readonly sysroot: Sysroot;
  private readonly diags: Diagnostic[] = [];
  private readonly diagKeys = new Set<string>();
  private readonly files = new Map<string, Buffer | null>();
  private readonly lists = new Map<string, ControlList>();
  private readonly maps = new Map<string, ColonList>();
  private _consts: InstallationConsts | null = null;
  private _me: { v: string | null } | null = null;
  private _assign: ParsedAssign | null = null;
  private assignProbes = 0;
  /** Probes already made, by local part (at most ASSIGN_PROBES of them). */
  private readonly assignMemo = new Map<string, AssignProbe>();
  /** Colon-list look-ups already answered (a few per address). */
  private readonly colonMemo = new Map<string, Pick<ColonList, 'present' | 'path' | 'map'>>();
  private readonly colonScans = new Map<string, number>();
  private _usersCdb: UsersCdb | null = null;
  private _more: { v: MoreRcpt } | null = null;
  private _scripts: StartScript[] | null = null;
  private _dd: DefaultDelivery | null = null;

  constructor(sysroot: Sysroot, root: string) {
    this.sysroot = sysroot;
    this.root = root.replace(/\/+$/, '') || '/';
  }

  get controlDir(): string {
    return `${this.root}/control`;
  }

  /** Record a diagnostic once (accessors may be asked again). */
  report(d: Diagnostic): void {
    const k = `${d.path}\0${d.line}\0${d.code}\0${d.message}`;
    if (this.diagKeys.has(k)) return;
    this.diagKeys.add(k);
    this.diags.push(d);
  }

  /** A file of the installation's tree (system path), null when absent; an unreadable file is reported and treated as absent. */
  readFile(sysPath: string): Buffer | null {
    if (this.files.has(sysPath)) return this.files.get(sysPath)!;
    let buf: Buffer | null = null;
    try {
      buf = this.sysroot.read(sysPath);
    } catch (e) {
      const msg = e instanceof FsError ? e.message : String(e);
      this.report({ path: sysPath, line: null, severity: 'error', code: 'unreadable', message: `unreadable: ${msg}` });
      buf = null;
    }
    this.files.set(sysPath, buf);
    return buf;
  }

  /** Whether reading the file failed (as opposed to it being absent). */
  unreadable(sysPath: string): boolean {
    this.readFile(sysPath);
    return this.diags.some((d) => d.path === sysPath && d.code === 'unreadable');
  }

  controlBytes(name: string): Buffer | null {
    return this.readFile(`${this.controlDir}/${name}`);
  }

  users(): LoadedSystemUsers {
    return systemUsersOf(this.sysroot);
  }

  consts(): InstallationConsts {
    if (!this._consts) this._consts = readConsts(this);
    return this._consts;
  }

  diagnostics(): Diagnostic[] {
    return [...this.diags];
  }

  me(): string | null {
    if (!this._me) this._me = { v: readLineValue(this.controlBytes('me')) };
    return this._me.v;
  }

  control(name: string): ControlValue {
    return effectiveValue(name, this.controlBytes(name), this.me(), `${this.controlDir}/${name}`);
  }

  controlInt(name: string): { value: number; source: 'file' | 'default'; path: string } {
    return effectiveInt(name, this.controlBytes(name), this.consts().spawn, `${this.controlDir}/${name}`);
  }

  list(name: string): ControlList {
    const cached = this.lists.get(name);
    if (cached) return cached;
    const path = `${this.controlDir}/${name}`;
    const lines = readListLines(this.controlBytes(name));
    let out: ControlList;
    if (lines !== null) out = { name, path, present: true, lines, source: 'file' };
    else if (CONTROL_BY_NAME.get(name)?.flagme && this.me() !== null) {
      out = { name, path, present: false, lines: [{ text: this.me()!, line: 1 }], source: 'me' };
    } else out = { name, path, present: false, lines: [], source: 'absent' };
    this.lists.set(name, out);
    return out;
  }

  private colonList(name: string): ColonList {
    const cached = this.maps.get(name);
    if (cached) return cached;
    const base = this.list(name);
    const { map, noColon } = colonMap(base.lines);
    for (const l of noColon) {
      this.report({
        path: base.path,
        line: l.line,
        severity: 'warning',
        code: 'map-no-colon',
        message: `line has no ":" and qmail ignores it silently: "${l.text}"`,
      });
    }
    const out: ColonList = { ...base, map, ignored: noColon };
    this.maps.set(name, out);
    return out;
  }

  colonLookup(name: 'virtualdomains' | 'smtproutes', keys: string[]): Pick<ColonList, 'present' | 'path' | 'map'> {
    // The same look-up again (a walk is re-run once the manager handlers are
    // loaded) is answered from memory: the file's bytes are read once anyway.
    const memoKey = `${name}\0${keys.join('\0')}`;
    const memo = this.colonMemo.get(memoKey);
    if (memo) return memo;
    const out = this.colonLookupUncached(name, keys);
    if (this.colonMemo.size < MEMO_MAX) this.colonMemo.set(memoKey, out);
    return out;
  }

  private colonLookupUncached(name: 'virtualdomains' | 'smtproutes', keys: string[]): Pick<ColonList, 'present' | 'path' | 'map'> {
    // A scan per look-up beats building the map for a few; a session tracing many builds it once.
    const n = (this.colonScans.get(name) ?? 0) + 1;
    this.colonScans.set(name, n);
    const full = this.maps.get(name) ?? (n > ASSIGN_PROBES ? this.colonList(name) : undefined);
    const path = `${this.controlDir}/${name}`;
    const buf = full ? null : this.controlBytes(name);
    // No key: only whether the file is there (no need to look at its bytes).
    if (buf !== null && keys.length === 0) return { present: true, path, map: new Map() };
    const map = buf === null ? null : colonLookup(buf, keys);
    if (map === null) {
      const l = full ?? this.colonList(name);
      const some = new Map<string, ColonEntry>();
      for (const k of keys) {
        const e = l.map.get(k);
        if (e) some.set(k, e);
      }
      return { present: l.present, path: l.path, map: some };
    }
    return { present: true, path, map };
  }

  virtualdomains(): ColonList {
    return this.colonList('virtualdomains');
  }

  smtproutes(): ColonList {
    return this.colonList('smtproutes');
  }

  morercpthostsCdb(): MoreRcpt {
    if (!this._more) this._more = { v: readMoreRcpt(this) };
    return this._more.v;
  }

  usersCdb(): UsersCdb {
    if (!this._usersCdb) this._usersCdb = readUsersCdb(this);
    return this._usersCdb;
  }

  assign(): ParsedAssign {
    if (this._assign) return this._assign;
    const path = `${this.root}/users/assign`;
    const a = parseAssign(this.readFile(path), path);
    for (const e of a.errors) this.report(e);
    this._assign = a;
    return a;
  }

  /**
   * The first few look-ups scan users/assign for their own entries only (a
   * one-shot trace needs one or two); after that the whole file is parsed
   * once and shared, as for a session that traces thousands of addresses.
   */
  assignFor(lowerBin: string): ParsedAssign | AssignProbe {
    if (this._assign) return this._assign;
    const memo = this.assignMemo.get(lowerBin);
    if (memo) return memo;
    if (++this.assignProbes > ASSIGN_PROBES) return this.assign();
    const path = `${this.root}/users/assign`;
    const a = probeAssign(this.readFile(path), lowerBin, path);
    for (const e of a.errors) this.report(e);
    this.assignMemo.set(lowerBin, a);
    return a;
  }

  /** The installation's start scripts (rc, run scripts, units), read on first use. */
  startScripts(): StartScript[] {
    if (this._scripts) return this._scripts;
    const { scripts, diagnostics } = loadStartScripts(this.sysroot, this.root);
    for (const d of diagnostics) this.report(d);
    this._scripts = scripts;
    return scripts;
  }

  defaultDelivery(): DefaultDelivery {
    if (!this._dd) this._dd = defaultDeliveryOf(this);
    return this._dd;
  }

  /** Names in control/ (for unknown-file checks), [] when the directory cannot be listed. */
  controlNames(): string[] {
    try {
      return this.sysroot.readdir(this.controlDir) ?? [];
    } catch (e) {
      this.report({ path: this.controlDir, line: null, severity: 'error', code: 'unreadable', message: `cannot list: ${e instanceof FsError ? e.message : String(e)}` });
      return [];
    }
  }

  /** The qmail-showctl table. */
  showctl(): ControlRow[] {
    return controlTable(this.controlDir, (n) => this.controlBytes(n), this.consts().spawn);
  }

  /** Files in control/ qmail does not read, and whitespace qmail keeps literally. */
  controlDiagnostics(): Diagnostic[] {
    const names = this.controlNames();
    const out = unknownControlFiles(this.controlDir, names);
    for (const n of names) {
      if (!CONTROL_BY_NAME.has(n)) continue;
      const b = this.controlBytes(n);
      if (b !== null) out.push(...whitespaceWarnings(n, b, `${this.controlDir}/${n}`));
    }
    return out;
  }

  /** Lines of a list file with their numbers, for evidence. */
  listLines(name: string): ListLine[] {
    return this.list(name).lines;
  }
}

/** Load the installation at `root` (a system path such as /var/qmail). Nothing is read until asked. */
export function loadInstallation(sysroot: Sysroot, root: string): LoadedInstallation {
  return new LoadedInstallation(sysroot, root);
}
