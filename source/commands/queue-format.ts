// How `qlens queue` prints: qmail-qstat's and qmail-qread's own lines (same
// date text, same layout) with qlens' extras under them, the qshape-style
// table, one message in full, and the JSON objects of contract.md. Every
// byte that came from the queue goes through sanitizeBytes/sanitize here.
import { isAscii } from 'node:buffer';
import { sanitize, sanitizeBytes } from '../text/sanitize.js';
import {
  SHAPE_LABELS,
  isoSeconds,
  qreadDate,
  type QueueCounts,
  type QueueLayout,
  type QueueMessage,
  type QueueMessageDetail,
  type QueueRecipient,
  type ShapeTable,
} from '../qmail/queue.js';
import type { RetryEstimate } from '../qmail/queue-records.js';

const CONTROL = /[\x00-\x1f\x7f]/;

/**
 * sanitizeBytes of an address, with a fast path for the usual all-printable
 * ASCII one (a million of them): `text` is the address decoded from `buf`,
 * the same characters then, checked natively rather than byte by byte.
 */
export function safeBytes(buf: Buffer, text?: string): string {
  if (text === undefined || !isAscii(buf) || CONTROL.test(text)) {
    for (let i = 0; i < buf.length; i++) {
      const b = buf[i];
      if (b < 0x20 || b > 0x7e) return sanitizeBytes(buf);
    }
    return buf.toString('latin1');
  }
  return text;
}

/** "in 22m", "3h 5m ago", "now". */
export function relative(ms: number, now: number): string {
  const d = Math.round((ms - now) / 1000);
  const a = Math.abs(d);
  if (a < 60) return d === 0 ? 'now' : d > 0 ? `in ${a}s` : `${a}s ago`;
  const days = Math.floor(a / 86400);
  const h = Math.floor((a % 86400) / 3600);
  const m = Math.floor((a % 3600) / 60);
  const txt = days > 0 ? `${days}d ${h}h` : h > 0 ? `${h}h ${m}m` : `${m}m`;
  return d > 0 ? `in ${txt}` : `${txt} ago`;
}

/** A duration in seconds in words: "7d", "2d 12h", "90m". */
export function duration(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400}d`;
  if (seconds >= 86400) return `${Math.floor(seconds / 86400)}d ${Math.floor((seconds % 86400) / 3600)}h`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  return `${Math.round(seconds / 60)}m`;
}

const SENDER_NOTE: Record<string, string> = {
  null: 'a bounce',
  'double-bounce': 'a double bounce: bounces of it are discarded',
  verp: 'VERP',
};

/** qmail-qread's two counts lines, exactly. */
export function countsText(c: QueueCounts): string {
  return `messages in queue: ${c.messages}\nmessages in queue but not yet preprocessed: ${c.todo}\n`;
}

export function layoutText(layout: QueueLayout): string {
  // An installation's directory name may hold anything (an escape sequence): sanitized like every outside string.
  if (!layout.present) return `${sanitize(layout.instance)}: no queue directory (${sanitize(layout.queueDir)})\n`;
  return `${sanitize(layout.instance)}  queue ${sanitize(layout.queueDir)}, split ${layout.split}${layout.bigTodo ? ', big-todo' : ''}\n`;
}

function retryText(est: RetryEstimate, now: number): string {
  const how = est.source === 'channel-file' ? 'set by qmail-send at its last stop' : `attempt ${est.attempts + 1} by the schedule`;
  return `next try ~${qreadDate(est.nextMs)} (${relative(est.nextMs, now)}; ${how})`;
}

/** `retryTexts` keeps each channel's line for the next recipient of the same message (they share the estimate). */
function recipientLines(r: QueueRecipient, m: QueueMessage, now: number, retryTexts: { local?: string; remote?: string } = {}): string {
  const addr = safeBytes(r.bytes, r.address);
  let out = r.channel === null ? `\ttodo\t${addr}\n` : `${r.done ? '  done' : ''}\t${r.channel}\t${addr}\n`;
  if (!r.done && r.channel && m.retry[r.channel]) out += `\t\t${(retryTexts[r.channel] ??= retryText(m.retry[r.channel]!, now))}\n`;
  if (r.prediction) out += `\t\t${sanitize(r.prediction.text)}\n`;
  return out;
}

/**
 * One message as qmail-qread prints it (summary line, local then remote
 * records), then qlens' extras: in brackets on the summary line, and
 * indented by two tabs under a pending recipient.
 */
export function messageText(m: QueueMessage, now: number): string {
  const sender = m.senderBytes === null ? '' : safeBytes(m.senderBytes, m.sender ?? undefined);
  let line = `${qreadDate(m.queuedMs)}  #${m.id}  ${m.size}  <${sender}> ${m.bouncing ? ' bouncing' : ''}`;
  const extras: string[] = [];
  if (m.todo) extras.push(`not yet preprocessed${m.uid !== null ? `, queued by uid ${m.uid}` : ''}`);
  if (m.senderBytes === null && !m.todo) extras.push('info holds no sender');
  if (SENDER_NOTE[m.senderKind]) extras.push(SENDER_NOTE[m.senderKind]);
  if (m.pastLifetime) extras.push(`past queuelifetime by ${relative(m.expiresMs!, now).replace(' ago', '')}: its next temporary failure bounces`);
  if (extras.length) line += `  [${extras.join('; ')}]`;
  let out = line + '\n';
  const retryTexts = {};
  for (const r of m.recipients) out += recipientLines(r, m, now, retryTexts);
  return out;
}

function pad(s: string, w: number, left = false): string {
  if (s.length >= w) return s;
  return left ? s + ' '.repeat(w - s.length) : ' '.repeat(w - s.length) + s;
}

const DOMAIN_W = 22;

/** Truncate a domain from the left, keeping the end that names it. */
function fitDomain(d: string): string {
  const s = sanitize(d);
  return s.length <= DOMAIN_W ? s : '…' + s.slice(s.length - DOMAIN_W + 1);
}

/** qshape's table: rows of domains, the T (total) column, then the age buckets in minutes. */
export function shapeText(t: ShapeTable, instance: string): string {
  let out = `${sanitize(instance)}  ${t.channel} recipients pending, by domain and age in minutes\n`;
  out += pad('', DOMAIN_W, true) + pad('T', 6) + SHAPE_LABELS.map((l, i) => pad(l, i === SHAPE_LABELS.length - 1 ? 6 : 5)).join('') + '\n';
  for (const r of t.rows) {
    out += pad(fitDomain(r.domain), DOMAIN_W, true) + pad(String(r.total), 6) + r.counts.map((c, i) => pad(String(c), i === r.counts.length - 1 ? 6 : 5)).join('') + '\n';
  }
  return out;
}

/** One message in full: envelope, state, headers, body preview, bounce notes. */
export function detailText(d: QueueMessageDetail, now: number, queuelifetime: number): string {
  let out = `${sanitize(d.instance)}  message #${d.id}\n`;
  out += `  file      ${sanitize(d.paths.mess)} (${d.size} bytes)\n`;
  out += `  queued    ${qreadDate(d.queuedMs)} (${relative(d.queuedMs, now)}; ${d.queuedFrom === 'info' ? 'info mtime: its birth' : 'mess mtime: not yet preprocessed'})\n`;
  const sender = d.senderBytes === null ? '(unknown)' : `<${sanitizeBytes(d.senderBytes)}>`;
  out += `  sender    ${sender}${SENDER_NOTE[d.senderKind] ? ` (${SENDER_NOTE[d.senderKind]})` : ''}\n`;
  if (d.uid !== null || d.pid !== null) out += `  injected  by uid ${d.uid ?? '?'}, qmail-queue pid ${d.pid ?? '?'}\n`;
  const state = d.todo
    ? `in todo (${sanitize(d.paths.todo ?? '')}): not yet preprocessed by qmail-send`
    : d.queuedFrom === 'info'
      ? 'preprocessed' + (d.bouncing ? '; bouncing (a bounce goes out once every recipient is finished)' : '')
      : 'neither info nor todo: being written, or an orphan qmail-send removes after 36 hours';
  out += `  state     ${state}\n`;
  if (d.expiresMs !== null) {
    out += `  expires   ${qreadDate(d.expiresMs)} (${relative(d.expiresMs, now)}; queuelifetime ${duration(queuelifetime)})${d.pastLifetime ? ': past it, the next temporary failure bounces' : ''}\n`;
  }
  out += 'recipients\n';
  if (d.recipients.length === 0) out += '  (none)\n';
  for (const r of d.recipients) out += recipientLines(r, d, now);
  if (d.bounce) {
    out += `bounce notes (${sanitize(d.paths.bounce ?? '')})\n`;
    for (const b of d.bounce) {
      out += `  <${sanitize(b.recipient)}>:\n`;
      for (const l of b.report.split('\n')) out += `    ${sanitize(l)}\n`;
    }
  }
  out += `headers${d.headersTruncated ? ' (first 64 KiB only)' : ''}\n`;
  for (const h of d.headers) out += `  ${sanitizeBytes(h)}\n`;
  out += `body${d.bodyTruncated ? ' (first lines)' : ''}\n`;
  const body = sanitizeBytes(d.bodyPreview, { keepNewlines: true, keepTabs: true });
  for (const l of body.replace(/\n$/, '').split('\n')) if (body !== '') out += `  ${l}\n`;
  return out;
}

// ---------------------------------------------------------------------------
// JSON (contract.md "qlens queue --json"); toSafeJson does the escaping.

export function recipientJson(r: QueueRecipient, nextText?: string): Record<string, unknown> {
  const o: Record<string, unknown> = { address: r.address, channel: r.channel, done: r.done };
  if (r.nextRetryMs !== null) o.nextRetry = nextText ?? isoSeconds(r.nextRetryMs);
  if (r.prediction) o.prediction = r.prediction;
  return o;
}

export function messageJson(m: QueueMessage): Record<string, unknown> {
  const retry: Record<string, { last: string; next: string; source: string }> = {};
  for (const ch of ['local', 'remote'] as const) {
    const e = m.retry[ch];
    if (e) retry[ch] = { last: isoSeconds(e.lastMs), next: isoSeconds(e.nextMs), source: e.source };
  }
  return {
    id: m.id,
    queued: isoSeconds(m.queuedMs),
    size: m.size,
    sender: m.sender,
    todo: m.todo,
    recipients: m.recipients.map((r) => recipientJson(r, r.channel && r.nextRetryMs === m.retry[r.channel]?.nextMs ? retry[r.channel]?.next : undefined)),
    bouncing: m.bouncing,
    senderKind: m.senderKind,
    queuedFrom: m.queuedFrom,
    uid: m.uid,
    pid: m.pid,
    retry,
    expires: m.expiresMs === null ? null : isoSeconds(m.expiresMs),
    pastLifetime: m.pastLifetime,
  };
}

export function detailJson(d: QueueMessageDetail, decode: (b: Buffer) => string): Record<string, unknown> {
  return {
    ...messageJson(d),
    paths: d.paths,
    headers: d.headers.map(decode),
    headersTruncated: d.headersTruncated,
    bodyPreview: decode(d.bodyPreview),
    bodyTruncated: d.bodyTruncated,
    bounce: d.bounce,
  };
}
