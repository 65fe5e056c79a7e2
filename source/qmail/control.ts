// Every control file qmail reads, with the reader it goes through and the
// fallback chain that gives its effective value (qmail-delivery.md §1.2;
// the table qmail-showctl prints). Pure: the caller passes the bytes.
import type { ControlValue, Diagnostic } from './model-types.js';
import { readIntValue, readLineValue, readListLines, QMAIL_INT_MAX } from './control-readers.js';
import { decodeBytes } from '../sysroot/sysroot.js';

/** A: single line. B: single line with fallback to me / a literal. C: integer. D: list. cdb: a cdb file. */
export type ReaderKind = 'A' | 'B' | 'C' | 'D' | 'map' | 'cdb';

export interface ControlSpec {
  name: string;
  reader: ReaderKind;
  /** B/D: falls back to control/me when absent. */
  flagme?: boolean;
  /** B: the literal used when the file (and me, with flagme) are absent. C: the compiled default. */
  def?: string | number;
  /** C: capped at conf-spawn. */
  capSpawn?: boolean;
  /** Which program reads it. */
  program: string;
  /** When it is read (so a change takes effect). */
  when: string;
  /** What happens when neither the file nor its fallbacks exist, if not simply "absent". */
  noMe?: string;
  /** What it is for, for the showctl-like table. */
  about: string;
}

export const CONTROL_FILES: ControlSpec[] = [
  { name: 'me', reader: 'A', program: 'all that call control_init', when: 'process start', about: 'this host\'s name; default for many others' },
  { name: 'envnoathost', reader: 'B', flagme: true, def: 'envnoathost', program: 'qmail-send', when: 'start only', about: 'domain added to recipients with no @' },
  { name: 'bouncefrom', reader: 'B', def: 'MAILER-DAEMON', program: 'qmail-send', when: 'start only', about: 'sender user of bounces' },
  { name: 'bouncehost', reader: 'B', flagme: true, def: 'bouncehost', program: 'qmail-send', when: 'start only', about: 'sender host of bounces' },
  { name: 'doublebouncehost', reader: 'B', flagme: true, def: 'doublebouncehost', program: 'qmail-send', when: 'start only', about: 'host of the double-bounce recipient' },
  { name: 'doublebounceto', reader: 'B', def: 'postmaster', program: 'qmail-send', when: 'start only', about: 'user receiving double bounces' },
  { name: 'concurrencylocal', reader: 'C', def: 10, capSpawn: true, program: 'qmail-send', when: 'start only', about: 'simultaneous local deliveries (capped at conf-spawn)' },
  { name: 'concurrencyremote', reader: 'C', def: 20, capSpawn: true, program: 'qmail-send', when: 'start only', about: 'simultaneous remote deliveries (capped at conf-spawn)' },
  { name: 'queuelifetime', reader: 'C', def: 604800, program: 'qmail-send', when: 'start only', about: 'seconds a message may stay in the queue' },
  { name: 'locals', reader: 'D', flagme: true, program: 'qmail-send', when: 'start and HUP', noMe: 'qmail-send refuses to start', about: 'domains delivered locally' },
  { name: 'percenthack', reader: 'D', program: 'qmail-send', when: 'start only', about: 'domains where user%host@domain is rewritten' },
  { name: 'virtualdomains', reader: 'map', program: 'qmail-send', when: 'start and HUP', about: 'virtual users and domains (prepends)' },
  { name: 'defaultdomain', reader: 'B', flagme: true, def: 'defaultdomain', program: 'qmail-inject', when: 'each run', about: 'domain added to host names without a dot (QMAILDEFAULTDOMAIN overrides)' },
  { name: 'defaulthost', reader: 'B', flagme: true, def: 'defaulthost', program: 'qmail-inject', when: 'each run', about: 'host added to addresses without @ (QMAILDEFAULTHOST overrides)' },
  { name: 'plusdomain', reader: 'B', flagme: true, def: 'plusdomain', program: 'qmail-inject', when: 'each run', about: 'replaces a trailing + (QMAILPLUSDOMAIN overrides)' },
  { name: 'idhost', reader: 'B', flagme: true, def: 'idhost', program: 'qmail-inject', when: 'each run', about: 'host in Message-ID (QMAILIDHOST overrides)' },
  { name: 'smtpgreeting', reader: 'B', flagme: true, program: 'qmail-smtpd', when: 'each connection', noMe: 'qmail-smtpd exits (control error)', about: 'SMTP greeting' },
  { name: 'localiphost', reader: 'B', flagme: true, program: 'qmail-smtpd', when: 'each connection', noMe: 'feature off', about: 'name replacing a local [IP] literal' },
  { name: 'rcpthosts', reader: 'D', program: 'qmail-smtpd', when: 'each connection', noMe: 'every recipient domain accepted (open relay)', about: 'domains qmail-smtpd accepts mail for' },
  { name: 'morercpthosts.cdb', reader: 'cdb', program: 'qmail-smtpd', when: 'each connection', about: 'more rcpthosts, compiled by qmail-newmrh' },
  { name: 'morercpthosts', reader: 'D', program: 'qmail-newmrh', when: 'when qmail-newmrh runs', about: 'source of morercpthosts.cdb (qmail-smtpd does not read it)' },
  { name: 'badmailfrom', reader: 'D', program: 'qmail-smtpd', when: 'each connection', about: 'envelope senders refused' },
  { name: 'databytes', reader: 'C', def: 0, program: 'qmail-smtpd', when: 'each connection', about: 'largest message accepted (0: no limit)' },
  { name: 'timeoutsmtpd', reader: 'C', def: 1200, program: 'qmail-smtpd', when: 'each connection', about: 'seconds to wait for the client' },
  { name: 'helohost', reader: 'B', flagme: true, program: 'qmail-remote', when: 'each run', noMe: 'qmail-remote defers (control error)', about: 'name in HELO' },
  { name: 'smtproutes', reader: 'map', program: 'qmail-remote', when: 'each run', about: 'artificial SMTP routes' },
  { name: 'timeoutremote', reader: 'C', def: 1200, program: 'qmail-remote', when: 'each run', about: 'seconds to wait for the remote server' },
  { name: 'timeoutconnect', reader: 'C', def: 60, program: 'qmail-remote', when: 'each run', about: 'seconds to wait for a connection' },
  { name: 'qmqpservers', reader: 'D', program: 'qmail-qmqpc', when: 'each run', about: 'QMQP servers (mini-qmail)' },
];

export const CONTROL_BY_NAME = new Map(CONTROL_FILES.map((c) => [c.name, c]));

/**
 * Files found in control/ that stock qmail does not read but a common
 * convention or patch does: named as such rather than as unknown.
 */
export const CONVENTION_FILES: Record<string, string> = {
  defaultdelivery: 'not read by qmail: the LWQ rc passes it to qmail-start',
  concurrencyincoming: 'not read by qmail: the LWQ qmail-smtpd run script passes it to tcpserver -c',
  'morercpthosts.tmp': 'left over by an interrupted qmail-newmrh',
  'rcpthosts.lock': 'a lock file of an add-on',
  badrcptto: 'read only by patched qmail-smtpd (badrcptto patch)',
  'badrcptto.cdb': 'read only by patched qmail-smtpd (badrcptto patch)',
  'badmailfrom.cdb': 'read only by patched qmail-smtpd',
  spfbehavior: 'read only by patched qmail-smtpd (SPF patch)',
  spfrules: 'read only by patched qmail-smtpd (SPF patch)',
  'servercert.pem': 'read only by patched qmail-smtpd (TLS patch)',
  'clientcert.pem': 'read only by patched qmail-remote (TLS patch)',
  'dh1024.pem': 'read only by the TLS patch',
  'dh2048.pem': 'read only by the TLS patch',
  'rsa512.pem': 'read only by the TLS patch',
  'rsa2048.pem': 'read only by the TLS patch',
  tlsserverciphers: 'read only by the TLS patch',
  tlsclientciphers: 'read only by the TLS patch',
  tlsclients: 'read only by the TLS patch',
  tlshosts: 'read only by the TLS patch (a directory)',
  notlshosts: 'read only by the TLS patch',
  'dkimdomains': 'read only by a DKIM add-on',
  'signatures': 'read only by patched qmail-smtpd (qmail-smtpd virus signatures patch)',
  'outgoingip': 'read only by patched qmail-remote (outgoingip patch)',
  'mfcheck': 'read only by patched qmail-smtpd (mfcheck patch)',
  'validrcptto.cdb': 'read only by patched qmail-smtpd (validrcptto patch)',
  'smtpplugins': 'read only by qmail-spp',
  'queue_env': 'read only by a qmail-queue wrapper',
  'bouncemaxbytes': 'read only by patched qmail-send (bouncemaxbytes patch)',
  'doublebounceto.lock': 'a lock file of an add-on',
};

/** qmail-showctl's text for a file it does not know. */
export const SHOWCTL_UNKNOWN = 'I have no idea what this file does.';

/** Edit distance (small, for "did you mean"). */
function distance(a: string, b: string): number {
  const d: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length];
}

/** The name among `names` nearest to `name` (edit distance under 3), or null. */
export function nearestName(name: string, names: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = 3;
  for (const c of names) {
    const dd = distance(name.toLowerCase(), c);
    if (dd < bestD) {
      bestD = dd;
      best = c;
    }
  }
  return best;
}

/** The control file qmail reads whose name is nearest to `name` (edit distance under 3), or null. */
export function nearestControlName(name: string): string | null {
  return nearestName(name, CONTROL_FILES.map((c) => c.name));
}

/** Diagnostics for files in control/ that qmail does not read (qmail-showctl: "I have no idea what this file does."). */
export function unknownControlFiles(controlDir: string, names: string[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const n of names) {
    if (CONTROL_BY_NAME.has(n)) continue;
    const path = `${controlDir}/${n}`;
    const conv = CONVENTION_FILES[n];
    if (conv) {
      out.push({ path, line: null, severity: 'info', code: 'control-convention', message: `control/${n}: ${conv}` });
      continue;
    }
    const best = nearestControlName(n);
    const hint = best ? ` — did you mean control/${best}?` : ' (an add-on\'s file, or a typo)';
    out.push({
      path,
      line: null,
      severity: best ? 'warning' : 'info',
      code: 'control-unknown',
      message: `qmail does not read control/${n}: qmail-showctl says "${SHOWCTL_UNKNOWN}"${hint}`,
    });
  }
  return out;
}

/**
 * The effective value of a single-line control file (readers A and B) after
 * qmail's fallbacks. `bytes` is the file (null = absent); `me` the value of
 * control/me (null = absent).
 */
export function effectiveValue(name: string, bytes: Buffer | null, me: string | null, path: string): ControlValue {
  const spec = CONTROL_BY_NAME.get(name);
  const v = readLineValue(bytes);
  if (v !== null) return { name, value: v, source: 'file', path, line: 1 };
  if (spec?.flagme && me !== null) return { name, value: me, source: 'me', path, line: null };
  if (typeof spec?.def === 'string') return { name, value: spec.def, source: 'default', path, line: null };
  return { name, value: null, source: 'absent', path, line: null };
}

/** The effective integer (reader C), capped at conf-spawn where qmail-send caps it. */
export function effectiveInt(name: string, bytes: Buffer | null, spawn: number, path: string): { value: number; source: 'file' | 'default'; path: string } {
  const spec = CONTROL_BY_NAME.get(name);
  const def = typeof spec?.def === 'number' ? spec.def : 0;
  const r = readIntValue(bytes, def);
  let value = r.value;
  if (spec?.capSpawn && value > spawn) value = spawn;
  return { value, source: r.fromFile ? 'file' : 'default', path };
}

/** One row of the qmail-showctl-like table. */
export interface ControlRow {
  name: string;
  path: string;
  reader: ReaderKind;
  program: string;
  when: string;
  about: string;
  present: boolean;
  /** The effective value in words: a single value, a number, or "N lines". */
  value: string | null;
  /** file, me, default, absent (and for lists: the number of lines used). */
  source: 'file' | 'me' | 'default' | 'absent';
  /** What qmail does with it absent, when that is not simply "nothing". */
  note: string | null;
}

/** The showctl table for one installation, from a reader of control files (null = absent). */
export function controlTable(controlDir: string, read: (name: string) => Buffer | null, spawn: number): ControlRow[] {
  const me = readLineValue(read('me'));
  return CONTROL_FILES.map((spec) => {
    const path = `${controlDir}/${spec.name}`;
    const bytes = read(spec.name);
    const row: ControlRow = {
      name: spec.name,
      path,
      reader: spec.reader,
      program: spec.program,
      when: spec.when,
      about: spec.about,
      present: bytes !== null,
      value: null,
      source: bytes !== null ? 'file' : 'absent',
      note: null,
    };
    if (spec.reader === 'A' || spec.reader === 'B') {
      const ev = effectiveValue(spec.name, bytes, me, path);
      row.value = ev.value;
      row.source = ev.source;
      if (ev.source === 'absent' && spec.noMe) row.note = spec.noMe;
    } else if (spec.reader === 'C') {
      const ev = effectiveInt(spec.name, bytes, spawn, path);
      row.value = String(ev.value);
      row.source = ev.source;
      if (bytes !== null && ev.source === 'default') row.note = 'no leading digits: the compiled default is kept';
    } else if (spec.reader === 'D' || spec.reader === 'map') {
      const lines = readListLines(bytes);
      if (lines === null) {
        if (spec.flagme && me !== null) {
          row.value = me;
          row.source = 'me';
        } else if (spec.noMe) row.note = spec.noMe;
      } else row.value = `${lines.length} line${lines.length === 1 ? '' : 's'}`;
    } else if (spec.reader === 'cdb') {
      row.value = bytes === null ? null : `${bytes.length} bytes`;
    }
    return row;
  });
}

/**
 * Whitespace that qmail keeps literally: a carriage return (a file saved
 * with CRLF), a blank before it, leading blanks (` #x` is not a comment),
 * blanks around the colon of a map line, and in single-line files a `#`
 * first line (no comments there) or a second line that is never read.
 */
export function whitespaceWarnings(name: string, bytes: Buffer, path: string): Diagnostic[] {
  const spec = CONTROL_BY_NAME.get(name);
  if (!spec || spec.reader === 'cdb') return [];
  const out: Diagnostic[] = [];
  const text = decodeBytes(bytes);
  const warn = (line: number | null, code: string, message: string, severity: Diagnostic['severity'] = 'warning'): void => {
    out.push({ path, line, severity, code, message });
  };
  if (spec.reader === 'A' || spec.reader === 'B' || spec.reader === 'C') {
    const v = readLineValue(bytes) ?? '';
    if (v.includes('\r')) warn(1, 'control-cr', `carriage return kept in the value of control/${name} (file saved with CRLF line ends?)`);
    if (/[ \t]\r$/.test(v)) warn(1, 'control-trailing-blank', `blank before the carriage return is kept in the value of control/${name}`);
    if (/^[ \t]/.test(v)) warn(1, 'control-leading-blank', `leading blank kept in the value of control/${name}`);
    if (spec.reader !== 'C' && v.startsWith('#')) warn(1, 'control-comment', `control/${name} has no comments: its value is "${v}"`);
    if (v === '' && text.length > 0 && spec.reader !== 'C') warn(1, 'control-empty-first-line', `first line of control/${name} is blank: the value is empty (no fallback)`);
    if (v === '' && text.length === 0 && spec.reader !== 'C') warn(null, 'control-empty', `control/${name} is empty: the value is "" (an empty file is not a missing one)`);
    const rest = text.split('\n').slice(1).filter((l) => l.trim() !== '');
    if (rest.length > 0) warn(2, 'control-extra-lines', `only the first line of control/${name} is read; the rest is ignored`, 'info');
    if (spec.reader === 'C') {
      // control_readint: scan_ulong wraps, the int keeps the low 32 bits; what the program then holds is not what the file says.
      const r = readIntValue(bytes, 0);
      if (r.overflow !== undefined) warn(1, 'control-int-overflow', `${r.overflow} does not fit ${spec.program}'s int (at most ${QMAIL_INT_MAX}): qmail reads it as ${r.value}`, 'error');
    }
    return out;
  }
  const parts = text.split('\n');
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  parts.forEach((raw, i) => {
    const line = i + 1;
    const t = raw.replace(/[ \t\n]+$/, '');
    if (t === '' || t.startsWith('#')) return;
    if (t.includes('\r')) warn(line, 'control-cr', `carriage return kept as part of this line of control/${name} (file saved with CRLF line ends?)`);
    if (t.includes('\0')) warn(line, 'control-nul', `NUL byte in this line of control/${name}: qmail splits the line there, so it reads as ${t.split('\0').length} entries`);
    if (/[ \t]\r$/.test(t)) warn(line, 'control-trailing-blank', `blank before the carriage return is kept in control/${name}`);
    if (/^[ \t]/.test(t)) {
      warn(line, 'control-leading-blank', /^[ \t]+#/.test(t) ? `leading blank: this is not a comment; qmail uses "${t}" as an entry` : `leading blank kept as part of the entry in control/${name}`);
    }
    if (spec.reader === 'map') {
      const c = t.indexOf(':');
      if (c >= 0 && (/[ \t]$/.test(t.slice(0, c)) || /^[ \t]/.test(t.slice(c + 1)))) {
        warn(line, 'control-colon-blank', `blank next to the ":" is part of the key or value in control/${name}`);
      }
    }
  });
  return out;
}
