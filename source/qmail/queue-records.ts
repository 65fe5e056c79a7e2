// Pure parsers for the files of a qmail queue (qmail-queue-and-instances.md
// §1.4), qmail-qread's date text (§1.10), qmail-send's retry schedule (§1.8)
// and the qshape-style domain × age table. Bytes in, plain data out; nothing
// here throws on bad bytes.

/** One NUL-terminated record: its type byte and the bytes after it. */
export interface QueueRecord {
  type: string;
  body: Buffer;
}

/**
 * Split a todo/info/local/remote file into records. A last record without its
 * NUL (a file caught while being written) is reported as `truncated`.
 */
export function splitRecords(buf: Buffer): { records: QueueRecord[]; truncated: boolean } {
  const records: QueueRecord[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const nul = buf.indexOf(0, pos);
    if (nul < 0) return { records, truncated: true };
    if (nul > pos) records.push({ type: String.fromCharCode(buf[pos]), body: buf.subarray(pos + 1, nul) });
    else records.push({ type: '', body: buf.subarray(pos, pos) });
    pos = nul + 1;
  }
  return { records, truncated: false };
}

export interface TodoEnvelope {
  uid: number | null;
  pid: number | null;
  sender: Buffer | null;
  recipients: Buffer[];
  /** Type bytes qmail-send does not accept in todo (it would leave the message there). */
  unknownTypes: string[];
  truncated: boolean;
}

/** intd/todo: u p F [extra] T..., as qmail-send's todo_do reads it. */
export function parseTodo(buf: Buffer): TodoEnvelope {
  const { records, truncated } = splitRecords(buf);
  const env: TodoEnvelope = { uid: null, pid: null, sender: null, recipients: [], unknownTypes: [], truncated };
  for (const r of records) {
    switch (r.type) {
      case 'u':
        env.uid = /^\d+$/.test(r.body.toString('latin1')) ? Number(r.body.toString('latin1')) : null;
        break;
      case 'p':
        env.pid = /^\d+$/.test(r.body.toString('latin1')) ? Number(r.body.toString('latin1')) : null;
        break;
      case 'F':
        env.sender = r.body;
        break;
      case 'T':
        env.recipients.push(r.body);
        break;
      default:
        if (!env.unknownTypes.includes(r.type)) env.unknownTypes.push(r.type);
    }
  }
  return env;
}

/** info: only the first record is read (getinfo); the sender when it is an F record. */
export function parseInfo(buf: Buffer): Buffer | null {
  const nul = buf.indexOf(0);
  const first = nul < 0 ? buf : buf.subarray(0, nul);
  if (first.length === 0 || first[0] !== 0x46 /* F */) return null;
  return first.subarray(1);
}

export interface ChannelRecord {
  address: Buffer;
  done: boolean;
}

/** local/remote: T pending, D done; any other type is skipped, as qmail-qread does. */
export function parseChannel(buf: Buffer): ChannelRecord[] {
  // splitRecords' rules, without a record object per record: this runs for every queued message.
  const out: ChannelRecord[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const nul = buf.indexOf(0, pos);
    if (nul < 0) break;
    const type = buf[pos];
    if (nul > pos && (type === 0x54 /* T */ || type === 0x44) /* D */) out.push({ address: buf.subarray(pos + 1, nul), done: type === 0x44 });
    pos = nul + 1;
  }
  return out;
}

export interface BounceParagraph {
  /** The recipient between `<` and `>:`. */
  recipient: string;
  /** The report lines as the file holds them (qmail's `/` marks included). */
  report: string;
}

/** bounce/<id>: `<addr>:\n` report lines, closed by an empty line (addbounce). */
export function parseBounce(text: string): BounceParagraph[] {
  const out: BounceParagraph[] = [];
  for (const para of text.split('\n\n')) {
    if (para.trim() === '') continue;
    const lines = para.replace(/^\n+/, '').split('\n');
    const head = lines[0];
    const m = /^<(.*)>:$/.exec(head);
    // Kept as written: addbounce turned the second of two adjacent LFs into
    // '/', which cannot be undone exactly (a report line may start with '/').
    const report = lines.slice(1).join('\n');
    out.push({ recipient: m ? m[1] : head, report });
  }
  return out;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => (n < 10 ? '0' + n : String(n));

/** Years 1970 to 9999: the range the calendar arithmetic below is used for (a Date for anything else). */
const YEAR_10000_MS = 253402300800000;

/**
 * UTC calendar fields of a whole second since the epoch, by arithmetic
 * (Hinnant's days-to-civil, as qmail's datetime.c does it): a listing
 * formats two or three times per message, and a Date object each time was a
 * measurable part of it.
 */
function civil(sec: number): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const days = Math.floor(sec / 86400);
  let tod = sec - days * 86400;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const mo = mp < 10 ? mp + 2 : mp - 10;
  const h = Math.floor(tod / 3600);
  tod -= h * 3600;
  const mi = Math.floor(tod / 60);
  return { y: yoe + era * 400 + (mo <= 1 ? 1 : 0), mo, d: doy - Math.floor((153 * mp + 2) / 5) + 1, h, mi, s: tod - mi * 60 };
}

/** qmail-qread's date: date822fmt in UTC with " -0000" dropped, then " GMT" ("5 Jan 2025 10:00:00 GMT"). */
export function qreadDate(ms: number): string {
  if (ms >= 0 && ms < YEAR_10000_MS) {
    const c = civil(Math.floor(ms / 1000));
    return `${c.d} ${MONTHS[c.mo]} ${c.y} ${two(c.h)}:${two(c.mi)}:${two(c.s)} GMT`;
  }
  const d = new Date(Math.floor(ms / 1000) * 1000);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(
    d.getUTCMinutes(),
  )}:${two(d.getUTCSeconds())} GMT`;
}

/** ISO 8601 UTC to the second. */
export function isoSeconds(ms: number): string {
  if (ms >= 0 && ms < YEAR_10000_MS) {
    const c = civil(Math.floor(ms / 1000));
    return `${c.y}-${two(c.mo + 1)}-${two(c.d)}T${two(c.h)}:${two(c.mi)}:${two(c.s)}Z`;
  }
  return new Date(ms).toISOString().slice(0, 19) + 'Z';
}

/** chanskip: seconds added to the square root of the age per attempt. */
export const CHANNEL_SKIP = { local: 10, remote: 20 } as const;

/** Default control/queuelifetime (one week). */
export const DEFAULT_QUEUELIFETIME = 604800;

export interface RetryEstimate {
  /** Latest scheduled attempt at or before now (epoch ms). */
  lastMs: number;
  /** Next scheduled attempt (epoch ms). */
  nextMs: number;
  /** 'schedule': birth + (k·skip)²; 'channel-file': qmail-send stopped cleanly and left the next attempt as the file's mtime. */
  source: 'schedule' | 'channel-file';
  /** Attempts made so far, if every one was on time. */
  attempts: number;
}

/**
 * qmail-send's nextretry: after an attempt at t for a message born at b, the
 * next is b + (isqrt(t - b) + skip)². Made on time, attempts fall at
 * b + (k·skip)², k = 0, 1, 2, ...
 */
export function estimateRetry(bornMs: number, nowMs: number, channel: 'local' | 'remote', channelMtimeMs?: number): RetryEstimate {
  const skip = CHANNEL_SKIP[channel];
  const age = Math.max(0, Math.floor((nowMs - bornMs) / 1000));
  const k = Math.floor(Math.sqrt(age) / skip);
  const last = bornMs + (k * skip) ** 2 * 1000;
  const next = bornMs + ((k + 1) * skip) ** 2 * 1000;
  if (channelMtimeMs !== undefined && channelMtimeMs > nowMs) {
    return { lastMs: last, nextMs: channelMtimeMs, source: 'channel-file', attempts: k + 1 };
  }
  return { lastMs: last, nextMs: next, source: 'schedule', attempts: k + 1 };
}

/** qshape's columns: ages up to 5, 10, ... 1280 minutes, then older. */
export const SHAPE_BUCKETS = [5, 10, 20, 40, 80, 160, 320, 640, 1280] as const;
export const SHAPE_LABELS = [...SHAPE_BUCKETS.map(String), '1280+'];

/** Column index for an age in minutes. */
export function shapeBucket(ageMinutes: number): number {
  for (let i = 0; i < SHAPE_BUCKETS.length; i++) if (ageMinutes <= SHAPE_BUCKETS[i]) return i;
  return SHAPE_BUCKETS.length;
}

/** The domain an address is counted under: after the last `@`, ASCII lower-cased. */
export function recipientDomain(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 0) return '(no domain)';
  const d = address.slice(at + 1).replace(/[A-Z]+/g, (m) => m.toLowerCase());
  return d === '' ? '(no domain)' : d;
}

export interface ShapeRow {
  domain: string;
  total: number;
  /** One count per SHAPE_LABELS column. */
  counts: number[];
}

export interface ShapeTable {
  channel: 'local' | 'remote';
  labels: string[];
  /** The TOTAL row first, then domains by total, largest first (ties by name). */
  rows: ShapeRow[];
}

/** Accumulates pending recipients into one table per channel. */
/** A ShapeBuilder's counts: per channel, [domain, one count per SHAPE_LABELS column]. */
export interface ShapeCounts {
  local: Array<[string, number[]]>;
  remote: Array<[string, number[]]>;
}

export class ShapeBuilder {
  private readonly maps = { local: new Map<string, number[]>(), remote: new Map<string, number[]>() };
  constructor(private readonly nowMs: number) {}

  add(channel: 'local' | 'remote', address: string, bornMs: number): void {
    const col = shapeBucket(Math.max(0, (this.nowMs - bornMs) / 60000));
    const dom = recipientDomain(address);
    const m = this.maps[channel];
    let row = m.get(dom);
    if (!row) {
      row = new Array(SHAPE_LABELS.length).fill(0);
      m.set(dom, row);
    }
    row[col]++;
  }

  /** The counts so far, as plain data (to hand to another thread). */
  counts(): ShapeCounts {
    return { local: [...this.maps.local], remote: [...this.maps.remote] };
  }

  /** Add counts another builder made (for the same now). */
  addCounts(c: ShapeCounts): void {
    for (const channel of ['local', 'remote'] as const) {
      const m = this.maps[channel];
      for (const [dom, counts] of c[channel]) {
        const row = m.get(dom);
        if (row) counts.forEach((n, i) => (row[i] += n));
        else m.set(dom, [...counts]);
      }
    }
  }

  table(channel: 'local' | 'remote'): ShapeTable {
    const rows: ShapeRow[] = [];
    const total = new Array(SHAPE_LABELS.length).fill(0);
    for (const [domain, counts] of this.maps[channel]) {
      counts.forEach((c, i) => (total[i] += c));
      rows.push({ domain, counts: [...counts], total: counts.reduce((a, b) => a + b, 0) });
    }
    rows.sort((a, b) => b.total - a.total || (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0));
    return {
      channel,
      labels: [...SHAPE_LABELS],
      rows: [{ domain: 'TOTAL', counts: total, total: total.reduce((a, b) => a + b, 0) }, ...rows],
    };
  }
}
