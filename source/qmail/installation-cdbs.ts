// The two cdb files an installation reads as a whole, checked as qmail
// would meet them: control/morercpthosts.cdb (qmail-smtpd) and users/cdb
// (qmail-lspawn), each with the diagnostic a broken one deserves.
import type { Sysroot } from '../sysroot/sysroot.js';
import { CdbReader } from './cdb.js';
import type { Diagnostic, UsersCdb } from './model-types.js';

export type MoreRcpt = { reader: CdbReader; path: string } | { error: string; path: string } | null;

/** What the cdb files are read from. */
export interface CdbSource {
  readonly root: string;
  readonly controlDir: string;
  readonly sysroot: Sysroot;
  readFile(sysPath: string): Buffer | null;
  unreadable(sysPath: string): boolean;
  report(d: Diagnostic): void;
}

/** control/morercpthosts.cdb as qmail-smtpd opens it: null when absent, the error when invalid or unreadable. */
export function readMoreRcpt(inst: CdbSource): MoreRcpt {
  const path = `${inst.controlDir}/morercpthosts.cdb`;
  const buf = inst.readFile(path);
  let v: MoreRcpt = null;
  if (buf !== null) {
    const reader = new CdbReader(buf);
    const bad = reader.validate();
    if (bad) {
      v = { error: bad, path };
      inst.report({ path, line: null, severity: 'error', code: 'cdb-invalid', message: `not a valid cdb: ${bad}` });
    } else v = { reader, path };
  } else if (inst.unreadable(path)) v = { error: 'unreadable', path };
  return v;
}

/** users/cdb as qmail-lspawn opens it: absent, an error state (every local delivery defers), or its reader and wildcard marker. */
export function readUsersCdb(inst: CdbSource): UsersCdb {
  const path = `${inst.root}/users/cdb`;
  const buf = inst.readFile(path);
  let out: UsersCdb;
  if (buf === null) {
    out = inst.unreadable(path) ? { state: 'error', path, message: 'unreadable' } : { state: 'absent', path };
  } else {
    const reader = new CdbReader(buf);
    const bad = reader.validate();
    if (bad) {
      out = { state: 'error', path, message: bad };
      inst.report({ path, line: null, severity: 'error', code: 'cdb-invalid', message: `not a valid cdb (${bad}): every local delivery defers ("Trouble reading users/cdb in qmail-lspawn.")` });
    } else {
      let marker: string | null = null;
      try {
        const m = reader.get('');
        marker = m === null ? null : m.toString('latin1');
      } catch (e) {
        marker = null;
      }
      if (marker === null) {
        inst.report({ path, line: null, severity: 'error', code: 'cdb-no-marker', message: 'users/cdb has no "" record (the wildcard characters): every local delivery defers ("Trouble reading users/cdb in qmail-lspawn.")' });
      }
      let mtimeMs = 0;
      try {
        mtimeMs = inst.sysroot.stat(path)?.mtimeMs ?? 0;
      } catch {
        mtimeMs = 0;
      }
      out = { state: 'ok', path, reader, mtimeMs, marker };
    }
  }
  return out;
}
