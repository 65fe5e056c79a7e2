// qmail-send logs for the demos, written as qmail-send writes them and
// stored as its loggers store them: through the real multilog (rotation,
// file names and modes are multilog's own) or in splogger's syslog format.
// The lines carry the story's own times (the demo is set in November 2026),
// so they are stamped here with the TAI64N label multilog's `t` would have
// written then, and multilog runs without `t`. Needs daemontools installed
// when a demo is regenerated (.ci/run installs it; the demos are committed).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatTai64n, timeFromMs } from '../source/log/tai64n.js';

export interface LogLine {
  at: number;
  text: string;
}

/**
 * A qmail-send run told line by line: delivery numbers count up from 1 as
 * qmail-send numbers them, and every start and result is followed by the
 * status line qmail-send prints.
 */
export class SendStory {
  readonly lines: LogLine[] = [];
  private d = 0;
  private readonly used = { local: 0, remote: 0 };
  constructor(private readonly limits = { local: 10, remote: 20 }) {}

  private put(at: number, text: string): void {
    this.lines.push({ at, text });
  }

  private status(at: number): void {
    this.put(at, `status: local ${this.used.local}/${this.limits.local} remote ${this.used.remote}/${this.limits.remote}`);
  }

  /** qmail-send starting: its first status line. */
  start(at: number): void {
    this.d = 0;
    this.status(at);
  }

  stop(at: number): void {
    this.put(at, 'status: exiting');
  }

  received(at: number, id: number, m: { bytes: number; sender: string; qp: number; uid: number }): void {
    this.put(at, `new msg ${id}`);
    this.put(at + 1, `info msg ${id}: bytes ${m.bytes} from <${m.sender}> qp ${m.qp} uid ${m.uid}`);
  }

  /** One attempt: start, status, result (the report as qmail-local/qmail-remote wrote it, logsafe'd here), status. Returns its number. */
  attempt(at: number, id: number, channel: 'local' | 'remote', rcpt: string, result: 'success' | 'deferral' | 'failure', report: string, took = 150): number {
    const n = ++this.d;
    this.put(at, `starting delivery ${n}: msg ${id} to ${channel} ${rcpt}`);
    this.used[channel]++;
    this.status(at);
    this.put(at + took, `delivery ${n}: ${result}: ${logsafe(report)}`);
    this.used[channel]--;
    this.status(at + took);
    return n;
  }

  bounce(at: number, id: number, qp: number): void {
    this.put(at, `bounce msg ${id} qp ${qp}`);
  }

  triple(at: number, id: number): void {
    this.put(at, `triple bounce: discarding bounce/${id}`);
  }

  end(at: number, id: number): void {
    this.put(at, `end msg ${id}`);
  }

  warning(at: number, text: string): void {
    this.put(at, `warning: ${text}`);
  }
}

/** qsutil.c's logsafe: a newline becomes `/`, a space, a control byte, a byte above 126 or `%` becomes `_`. */
export function logsafe(report: string): string {
  const withEnd = report.endsWith('\n') ? report : report + '\n';
  let out = '';
  for (const ch of withEnd) {
    const c = ch.charCodeAt(0);
    out += ch === '\n' ? '/' : c < 33 || c > 126 || ch === '%' ? '_' : ch;
  }
  return out;
}

function ordered(lines: LogLine[]): LogLine[] {
  return [...lines].sort((a, b) => a.at - b.at);
}

/** Pipe the lines, stamped with their times, through the real `multilog ACTIONS DIR` (system path in the demo tree). */
export function writeMultilog(demoDir: string, sysDir: string, lines: LogLine[], actions = ['s16384', 'n20']): void {
  const dir = path.join(demoDir, sysDir);
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const input = ordered(lines)
    .map((l) => `${formatTai64n(timeFromMs(l.at))} ${l.text}\n`)
    .join('');
  const r = spawnSync('multilog', [...actions, dir], { input, encoding: 'latin1' });
  if (r.error || r.status !== 0) throw new Error(`multilog ${actions.join(' ')} ${dir}: ${r.error?.message ?? r.stderr} (install daemontools)`);
  // multilog's lock and state files: empty, and of no use in a checkout.
  for (const f of ['lock', 'state']) fs.rmSync(path.join(dir, f), { force: true });
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A syslog line as syslogd writes it: `Mmm dd hh:mm:ss host TAG: message` (the host's clock is UTC here). */
function plainSyslogLine(at: number, host: string, tag: string, message: string): string {
  const d = new Date(at);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} ${host} ${tag}: ${message}`;
}

/** splogger's message: its `SECONDS.MICRO` stamp, a space, the text [splogger.c]. */
export function syslogLine(at: number, host: string, tag: string, text: string): string {
  const stamp = `${Math.floor(at / 1000)}.${String(Math.round((at % 1000) * 1000)).padStart(6, '0')}`;
  return plainSyslogLine(at, host, tag, `${stamp} ${text}`);
}

export interface OtherLine {
  at: number;
  tag: string;
  text: string;
}

/** syslog files: qmail-send's lines through splogger, mixed with another program's, rotated at `rotateAt` (older lines go to FILE.1). */
export function writeSyslog(demoDir: string, sysFile: string, host: string, tag: string, lines: LogLine[], others: OtherLine[] = [], rotateAt?: number): void {
  const file = path.join(demoDir, sysFile);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const all = [...lines.map((l) => ({ at: l.at, line: syslogLine(l.at, host, tag, l.text) })), ...others.map((l) => ({ at: l.at, line: plainSyslogLine(l.at, host, l.tag, l.text) }))].sort((a, b) => a.at - b.at);
  const text = (xs: typeof all): string => xs.map((l) => l.line).join('\n') + (xs.length ? '\n' : '');
  if (rotateAt === undefined) {
    fs.writeFileSync(file, text(all));
    return;
  }
  fs.writeFileSync(file + '.1', text(all.filter((l) => l.at < rotateAt)));
  fs.writeFileSync(file, text(all.filter((l) => l.at >= rotateAt)));
}
