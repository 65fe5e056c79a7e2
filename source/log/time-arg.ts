// --since / --until: a time as an admin types it. ISO 8601 with a zone
// (2026-11-25T10:00:00Z), a local date and time as tai64nlocal prints it
// (2026-11-25 10:00[:00[.123]]) or a local date, a TAI64N label copied
// from the log (@4000000069...), or an age: 90s, 30m, 2h, 3d ago.
import { parseTai64n, timeFromMs, type LogTime } from './tai64n.js';

export function parseTimeArg(text: string, nowMs: number): LogTime | null {
  const t = text.trim();
  if (t.startsWith('@')) return parseTai64n(t);
  const age = /^(\d+(?:\.\d+)?)\s*([smhd])(?:\s*ago)?$/.exec(t);
  if (age) {
    const unit = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 }[age[2] as 's' | 'm' | 'h' | 'd'];
    return timeFromMs(nowMs - Number(age[1]) * unit);
  }
  const local = /^(\d{4})-(\d\d)-(\d\d)(?:[ T](\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,9}))?)?)?$/.exec(t);
  if (local) {
    const [, y, mo, d, h = '0', mi = '0', sec = '0', frac = ''] = local;
    const ms = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec)).getTime();
    if (Number.isNaN(ms)) return null;
    const ns = frac ? Number(frac.padEnd(9, '0')) : 0;
    return { s: Math.floor(ms / 1000), ns };
  }
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/.test(t)) {
    const ms = Date.parse(t);
    if (Number.isNaN(ms)) return null;
    const frac = /\.(\d+)/.exec(t);
    const s = Math.floor(ms / 1000);
    return { s, ns: frac ? Number(frac[1].slice(0, 9).padEnd(9, '0')) : 0 };
  }
  return null;
}
