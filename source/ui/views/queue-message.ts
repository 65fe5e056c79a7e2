// A queued message read whole (Enter in the Queues list): envelope, state,
// recipients done and pending (Enter traces one as queued), bounce notes,
// files, headers and the body's first lines, everything sanitized.
import { cell } from '../text-fit.js';
import type { UiAction } from '../store.js';
import { sanitize, sanitizeBytes } from '../../text/sanitize.js';
import { isoSeconds, type QueueMessageDetail } from '../../qmail/queue.js';
import { queueItem } from '../queue-items.js';
import { age, messageState, showSender } from './queue-columns.js';
import type { TextRow } from './text-pane.js';

export function messageRows(d: QueueMessageDetail, now: number): TextRow[] {
  const rows: TextRow[] = [];
  const kv = (k: string, v: string, extra: Partial<TextRow> = {}): void => {
    rows.push({ text: `${cell(k, 12)}${v}`, ...extra });
  };
  kv('message', `#${d.id} in ${sanitize(d.instance)}`, { bold: true });
  kv('queued', `${isoSeconds(d.queuedMs)} (${age(now - d.queuedMs)} ago, from the ${d.queuedFrom} file)`);
  kv('size', `${d.size} bytes`);
  kv('sender', d.senderBytes ? sanitizeBytes(d.senderBytes) || '<> (bounce)' : showSender(d), { address: d.sender || undefined });
  const st = messageState(queueItem(d));
  kv('state', st.text + (d.expiresMs ? `; queuelifetime ends ${isoSeconds(d.expiresMs)}` : ''), { tone: st.tone });
  if (d.todo) kv('', 'not yet preprocessed by qmail-send: recipients as injected, not yet rewritten');
  rows.push({ text: `recipients (${d.recipients.length}; Enter traces one as queued)`, bold: true, tone: 'accent' });
  for (const r of d.recipients) {
    const state = r.done ? '✓ done   ' : '… pending';
    const chan = r.channel ?? 'todo';
    const retry = !r.done && r.nextRetryMs ? `  next try ${isoSeconds(r.nextRetryMs)}` : '';
    // Enter walks the recipient as the queue holds it: from its channel, in this installation (todo ones as injected).
    const action: UiAction = r.channel ? { type: 'trace', address: r.address, queued: { instance: d.instance, channel: r.channel } } : { type: 'trace', address: r.address };
    rows.push({ text: `  ${state} ${cell(chan, 7)}${sanitizeBytes(r.bytes)}${retry}`, tone: r.done ? 'ok' : 'warn', address: r.address, action });
    if (r.prediction) rows.push({ text: `            ${sanitize(r.prediction.text)}`, tone: 'info' });
  }
  if (d.bounce && d.bounce.length) {
    rows.push({ text: 'bounce notes', bold: true, tone: 'error' });
    for (const b of d.bounce) {
      rows.push({ text: `  <${sanitize(b.recipient)}>`, tone: 'error' });
      for (const l of b.report.split('\n')) rows.push({ text: `    ${sanitize(l)}` });
    }
  }
  rows.push({ text: 'files', bold: true, tone: 'accent' });
  for (const [k, p] of Object.entries(d.paths)) if (p) rows.push({ text: `  ${cell(k, 8)}${p}` });
  rows.push({ text: `headers${d.headersTruncated ? ' (cut at 64 KB)' : ''}`, bold: true, tone: 'accent' });
  for (const h of d.headers) rows.push({ text: '  ' + sanitizeBytes(h) });
  rows.push({ text: `body preview${d.bodyTruncated ? ' (first lines only)' : ''}`, bold: true, tone: 'accent' });
  for (const l of sanitizeBytes(d.bodyPreview, { keepNewlines: true }).split('\n')) rows.push({ text: '  ' + l.replace(/\\x0d$/, '') });
  return rows;
}

