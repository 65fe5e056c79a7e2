// One qmail installation, read lazily: each accessor reads its files on
// first use, caches the result and records what went wrong as diagnostics,
// so a one-shot trace reads only what its walk needs.
import type { Sysroot } from '../sysroot/sysroot.js';
import { FsError, decodeBytes } from '../sysroot/sysroot.js';
import { CdbReader } from './cdb.js';
import { colonLookup, colonMap, readLineValue, readListLines, type ColonEntry, type ListLine } from './control-readers.js';
import { CONTROL_BY_NAME, controlTable, effectiveInt, effectiveValue, unknownControlFiles, whitespaceWarnings, type ControlRow } from './control.js';
import { parseAssign, probeAssign, type AssignProbe, type ParsedAssign } from './assign.js';
import { findQmailStart, loadStartScripts, resolveWord, type StartScript } from './startup.js';
import { loadSystemUsers, type LoadedSystemUsers } from './passwd.js';
import type {
  ColonList,
  ControlList,
  ControlValue,
  DefaultDelivery,
  Diagnostic,
  Installation,
  QmailConsts,
  UsersCdb,
} from './model-types.js';

export const QMAIL_DEFAULTS = { breakChar: '-', patrn: 0o002, split: 23, spawn: 120, aliasUser: 'alias' } as const;

/** The constants, with the conf file each one was read from (absent: assumed default). */
export interface InstallationConsts extends QmailConsts {
  sources: Record<string, string>;
}

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

type MoreRcpt = { reader: CdbReader; path: string } | { error: string; path: string } | null;

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
    if (this._consts) return this._consts;
    const assumed: string[] = [];
    const sources: Record<string, string> = {};
    // An installation that keeps its build's conf-* files (or its source tree) tells its constants.
    const confDirs = [this.root, `${this.root}/src`];
    const conf = (name: string): { text: string; path: string } | null => {
      for (const d of confDirs) {
        const p = `${d}/${name}`;
        const b = this.readFile(p);
        if (b !== null) {
          const first = decodeBytes(b).split('\n')[0];
          return { text: first, path: p };
        }
      }
      return null;
    };
    const c: InstallationConsts = { ...QMAIL_DEFAULTS, assumed, sources };
    const brk = conf('conf-break');
    if (brk && brk.text.length > 0) {
      c.breakChar = brk.text[0];
      sources.breakChar = brk.path;
    } else assumed.push('breakChar');
    const patrn = conf('conf-patrn');
    if (patrn && /^[0-7]+/.test(patrn.text.trim())) {
      c.patrn = parseInt(/^[0-7]+/.exec(patrn.text.trim())![0], 8);
      sources.patrn = patrn.path;
    } else assumed.push('patrn');
    const split = conf('conf-split');
    if (split && /^[0-9]+/.test(split.text.trim())) {
      c.split = Number(/^[0-9]+/.exec(split.text.trim())![0]);
      sources.split = split.path;
    } else assumed.push('split');
    const spawn = conf('conf-spawn');
    if (spawn && /^[0-9]+/.test(spawn.text.trim())) {
      c.spawn = Number(/^[0-9]+/.exec(spawn.text.trim())![0]);
      sources.spawn = spawn.path;
    } else assumed.push('spawn');
    const usersConf = conf('conf-users');
    if (usersConf && usersConf.text.trim() !== '') {
      c.aliasUser = usersConf.text.trim();
      sources.aliasUser = usersConf.path;
    } else {
      assumed.push('aliasUser');
      // hier.c makes the alias user own HOME/alias: a second installation built with its own
      // users (alias2...) shows it there. A root-owned or unowned directory says nothing.
      const owner = this.aliasDirOwner();
      if (owner && owner !== c.aliasUser) {
        c.aliasUser = owner;
        sources.aliasUser = `owner of ${this.root}/alias`;
      }
    }
    this._consts = c;
    return c;
  }

  private aliasDirOwner(): string | null {
    try {
      const st = this.sysroot.stat(`${this.root}/alias`);
      if (!st || st.kind !== 'dir' || st.uid === 0) return null;
      return this.users().byUid(st.uid)?.name ?? null;
    } catch {
      return null;
    }
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
    if (this._more) return this._more.v;
    const path = `${this.controlDir}/morercpthosts.cdb`;
    const buf = this.readFile(path);
    let v: MoreRcpt = null;
    if (buf !== null) {
      const reader = new CdbReader(buf);
      const bad = reader.validate();
      if (bad) {
        v = { error: bad, path };
        this.report({ path, line: null, severity: 'error', code: 'cdb-invalid', message: `not a valid cdb: ${bad}` });
      } else v = { reader, path };
    } else if (this.unreadable(path)) v = { error: 'unreadable', path };
    this._more = { v };
    return v;
  }

  usersCdb(): UsersCdb {
    if (this._usersCdb) return this._usersCdb;
    const path = `${this.root}/users/cdb`;
    const buf = this.readFile(path);
    let out: UsersCdb;
    if (buf === null) {
      out = this.unreadable(path) ? { state: 'error', path, message: 'unreadable' } : { state: 'absent', path };
    } else {
      const reader = new CdbReader(buf);
      const bad = reader.validate();
      if (bad) {
        out = { state: 'error', path, message: bad };
        this.report({ path, line: null, severity: 'error', code: 'cdb-invalid', message: `not a valid cdb (${bad}): every local delivery defers ("Trouble reading users/cdb in qmail-lspawn.")` });
      } else {
        let marker: string | null = null;
        try {
          const m = reader.get('');
          marker = m === null ? null : m.toString('latin1');
        } catch (e) {
          marker = null;
        }
        if (marker === null) {
          this.report({ path, line: null, severity: 'error', code: 'cdb-no-marker', message: 'users/cdb has no "" record (the wildcard characters): every local delivery defers ("Trouble reading users/cdb in qmail-lspawn.")' });
        }
        let mtimeMs = 0;
        try {
          mtimeMs = this.sysroot.stat(path)?.mtimeMs ?? 0;
        } catch {
          mtimeMs = 0;
        }
        out = { state: 'ok', path, reader, mtimeMs, marker };
      }
    }
    this._usersCdb = out;
    return out;
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
    if (this._dd) return this._dd;
    const call = findQmailStart(this.startScripts());
    let dd: DefaultDelivery;
    if (call && call.arg) {
      const r = resolveWord(call.arg, (p) => {
        const b = this.readFile(p);
        return b === null ? null : decodeBytes(b);
      });
      const from = r.files.length ? ` (the content of ${r.files.join(', ')})` : '';
      dd = {
        text: r.text,
        path: call.path,
        line: call.line,
        explanation: `qmail-start's first argument in ${call.path} line ${call.line}: ${JSON.stringify(r.text)}${from}`,
      };
      if (r.unresolved.length > 0) {
        this.report({
          path: call.path,
          line: call.line,
          severity: 'warning',
          code: 'default-delivery-unresolved',
          message: `cannot work out qmail-start's first argument: ${r.unresolved.map((u) => '`' + u + '`').join(', ')}`,
        });
        dd.explanation += ' (part of it could not be worked out)';
      }
      const dropped = r.text === '' && r.unresolved.length === 0 && !/["'\\]/.test(call.arg.raw);
      for (const f of r.missing) {
        this.report({
          path: call.path,
          line: call.line,
          severity: 'error',
          code: 'default-delivery-missing-file',
          message: dropped
            ? `qmail-start's first argument reads ${f}, which does not exist: the unquoted word gives nothing, so the shell drops it and qmail-start takes ${call.logger[0] !== undefined ? JSON.stringify(call.logger[0]) : 'its built-in ./Mailbox'} as the default delivery`
            : `qmail-start's first argument reads ${f}, which does not exist: the default delivery is empty, and qmail-local defers mail for users without a .qmail (Uh-oh: first line of .qmail file is blank. (#4.2.1))`,
        });
      }
      // qmail-local turns an empty aliasempty into "\n": a blank first line, so it defers.
      if (r.text === '' && r.unresolved.length === 0) {
        dd.explanation += '; it is empty, so qmail-local defers mail for a user without a .qmail (Uh-oh: first line of .qmail file is blank. (#4.2.1))';
      }
      // Unquoted, a substitution that gives nothing is no word for the shell:
      // qmail-start's argv[1] is then the next word (qmail-start.c).
      if (dropped) {
        const next = call.logger[0];
        dd = {
          text: next ?? './Mailbox',
          path: call.path,
          line: call.line,
          explanation:
            next !== undefined
              ? `qmail-start's first argument in ${call.path} line ${call.line} (${call.arg.raw}) gives nothing and is not quoted: the shell drops it, so qmail-start takes the next word ${JSON.stringify(next)} as the default delivery`
              : `qmail-start's only argument in ${call.path} line ${call.line} (${call.arg.raw}) gives nothing and is not quoted: the shell drops it, so qmail-start's built-in ./Mailbox applies`,
        };
      }
    } else if (call) {
      dd = {
        text: './Mailbox',
        path: call.path,
        line: call.line,
        explanation: `qmail-start is run without arguments in ${call.path} line ${call.line}, so the default ./Mailbox applies`,
      };
    } else {
      dd = this.assumedDefaultDelivery();
    }
    this._dd = dd;
    return dd;
  }

  /**
   * No start script in the tree (a copy of a server often holds control/ but
   * not rc or the supervise scripts): qmail-start's first argument, the real
   * default delivery, is unknown. control/defaultdelivery is what the stock
   * rc passes it (qmail-start "`cat /var/qmail/control/defaultdelivery`",
   * notqmail's "$(cat control/defaultdelivery)"), so its content is assumed,
   * as the command substitution gives it (trailing newlines dropped); only
   * without it, qmail-start's built-in ./Mailbox.
   */
  private assumedDefaultDelivery(): DefaultDelivery {
    const none = `no start script of ${this.root} found (rc, supervise run scripts), so qmail-start's first argument, the real default delivery, is unknown`;
    const p = `${this.controlDir}/defaultdelivery`;
    const b = this.readFile(p);
    if (b === null) {
      return { text: './Mailbox', path: null, line: null, assumed: 'builtin', explanation: `assumed: ${none}, and there is no ${p}: qmail-start's built-in default ./Mailbox` };
    }
    const text = decodeBytes(b).replace(/\n+$/, '');
    const empty = text === '' ? '; it is empty, so qmail-local would defer mail for a user without a .qmail (Uh-oh: first line of .qmail file is blank. (#4.2.1))' : '';
    return {
      text,
      path: p,
      line: 1,
      assumed: 'defaultdelivery',
      explanation: `assumed: ${none}; taken to be the content of ${p}, which the stock rc passes to qmail-start (qmail-start "\`cat ${p}\`")${empty}`,
    };
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
