// A demo's logs moved in time with the rest of its copy (ui/demo-copy.ts
// moves the queue's times to now): every multilog TAI64N label, splogger
// stamp and syslog date is moved by the same amount, so the log still tells
// the story the queue shows ("queued 6 hours ago" and its attempts since).
// Only for a private copy: the checkout's demo is never written.
import { Sysroot } from '../sysroot/sysroot.js';
import { writeHostFile } from '../sysroot/host.js';
import { discoverInstances } from '../qmail/discover.js';
import { findLogs, type LogSource } from './find.js';
import { formatTai64n, parseTai64n, type LogTime } from './tai64n.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function syslogDate(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/** A time moved by whole milliseconds, its nanoseconds kept exactly. */
function later(t: LogTime, ms: number): LogTime {
  const whole = Math.round(ms);
  let s = t.s + Math.floor(whole / 1000);
  let ns = t.ns + (((whole % 1000) + 1000) % 1000) * 1e6;
  if (ns >= 1e9) {
    ns -= 1e9;
    s++;
  }
  return { s, ns };
}

/** One log file's text with its times moved by `shiftMs`. */
export function shiftLogText(text: string, format: LogSource['format'], shiftMs: number): string {
  return text
    .split('\n')
    .map((line) => {
      if (format === 'multilog') {
        const t = /^@[0-9a-f]{24}(?= )/.exec(line) ? parseTai64n(line.slice(0, 25)) : null;
        return t ? formatTai64n(later(t, shiftMs)) + line.slice(25) : line;
      }
      // syslog: "Mmm dd hh:mm:ss host TAG: SECONDS.MICRO text": the stamp is the truth, the date follows it.
      const m = /^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d( \S+ [^:]+: )(\d+)\.(\d{6})([ +].*)$/.exec(line);
      if (!m) return line;
      const t = later({ s: Number(m[2]), ns: Number(m[3]) * 1000 }, shiftMs);
      return `${syslogDate(t.s * 1000)}${m[1]}${t.s}.${String(t.ns / 1000).padStart(6, '0')}${m[4]}`;
    })
    .join('\n');
}

/** Move every log of the installations under `sysrootDir` (a demo copy) by `shiftMs`. */
export function shiftDemoLogs(sysrootDir: string, shiftMs: number): void {
  if (shiftMs === 0) return;
  const sysroot = new Sysroot(sysrootDir);
  const searches = findLogs(sysroot, discoverInstances(sysroot));
  for (const src of searches.flatMap((s) => s.sources)) {
    let files: string[] = [];
    const st = sysroot.stat(src.path);
    if (st?.kind === 'file') files = [src.path];
    else if (st?.kind === 'dir') files = (sysroot.readdir(src.path) ?? []).filter((n) => n === 'current' || /^@[0-9a-f]{24}\.[su]$/.test(n)).map((n) => `${src.path}/${n}`);
    if (src.format === 'syslog') {
      const dir = src.path.slice(0, src.path.lastIndexOf('/')) || '/';
      const base = src.path.slice(dir.length + 1);
      files = (sysroot.readdir(dir) ?? []).filter((n) => n === base || /^\.\d+$/.test(n.slice(base.length))).filter((n) => n.startsWith(base)).map((n) => `${dir}/${n}`);
    }
    for (const f of files) {
      const buf = sysroot.read(f);
      if (!buf) continue;
      writeHostFile(sysroot.hostPath(f), shiftLogText(buf.toString('latin1'), src.format, shiftMs));
    }
  }
}
