// View 2: the queues of every installation: counts, qshape's domain × age
// table, and the message list (Enter opens a message: envelope, recipients
// done/pending, headers, body preview, all sanitized; Esc comes back).
import React from 'react';
import { Box, Text } from 'ink';
import { WindowedList } from '../components/WindowedList.js';
import { useTheme, type Tone } from '../theme.js';
import { cell, fitEnd, padStart } from '../text-fit.js';
import { START, clampPos } from '../list-state.js';
import { applyFilter, type UiAction, type UiState } from '../store.js';
import { sanitize, sanitizeBytes } from '../../text/sanitize.js';
import { isoSeconds, type QueueMessageDetail, type ShapeTable } from '../../qmail/queue.js';
import { queueItem, type QueueItem } from '../queue-items.js';
import { requestKey, type SessionData } from '../session-data.js';
import type { PaneContext, PaneModel, ViewDef, ViewProps } from './view-types.js';
import { TextPaneView, filePane, frameId, textPane, topFrame, type Frame, type TextRow } from './text-pane.js';
import { shownInstances } from './domains-view.js';
import { memoLast } from '../memo.js';
import { cleared } from '../global-bindings.js';
import { queuedMessageLog } from './log-view.js';

export interface QueueRow {
  instance: string;
  m: QueueItem;
  subject: string | null;
}

export function age(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${m % 60 ? String(m % 60).padStart(2, '0') : ''}`;
  return `${Math.floor(h / 24)}d${h % 24 ? h % 24 + 'h' : ''}`;
}

const showSender = (m: Pick<QueueItem, 'sender' | 'senderKind'>): string =>
  m.sender === null ? '(no sender)' : m.sender === '' ? '<> (bounce)' : m.senderKind === 'double-bounce' ? '#@[] (double bounce)' : sanitize(m.sender);

/** The first recipient and how many more. */
function recipientsText(m: QueueItem): string {
  return m.firstRecipient === null ? '(none)' : sanitize(m.firstRecipient) + (m.recipientCount > 1 ? ` +${m.recipientCount - 1}` : '');
}

/** State of a message as a glyph and a word (readable without colour). */
export function messageState(m: QueueItem): { text: string; tone: Tone } {
  if (m.todo) return { text: '○ todo', tone: 'warn' };
  if (m.bouncing) return { text: '✗ bouncing', tone: 'error' };
  if (m.pastLifetime) return { text: '! expired', tone: 'error' };
  return m.pending ? { text: `… ${m.pending} pending`, tone: 'warn' } : { text: '✓ done', tone: 'ok' };
}

export function queueRows(data: SessionData, roots: string[]): QueueRow[] {
  const out: QueueRow[] = [];
  for (const root of roots) {
    const q = data.parts.queues?.[root];
    if (!q) continue;
    for (const m of q.messages) out.push({ instance: root, m, subject: q.subjects.get(m.id) ?? null });
  }
  return out;
}

// Keyed on the queue part alone (the session object is new with every load step).
const cachedRows = memoLast((queues: SessionData['parts']['queues'], rootsKey: string) => queueRows({ parts: { queues } } as SessionData, rootsKey.split('\n')));
const cachedFilter = memoLast((rows: QueueRow[], filter: string | undefined) => applyFilter(rows, rowText, filter));

/** Everything a row shows, for the filter: id, sender, recipients, subject, state. */
export function rowText(r: QueueRow): string {
  return `${r.instance} ${r.m.id} ${showSender(r.m)} ${sanitize(r.m.allRecipients ?? r.m.firstRecipient ?? '')} ${r.subject ?? ''} ${messageState(r.m).text}`;
}

function detailRows(d: QueueMessageDetail, now: number): TextRow[] {
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

const SHAPE: Frame = { k: 'node', id: 'shape' };

function pane({ data, ui, width }: PaneContext): PaneModel {
  const f = topFrame(ui, 'queues');
  if (f?.k === 'file') return filePane('queues', data, ui, f);
  if (f?.k === 'node' && f.id === 'shape') {
    return textPane('queues/shape', 'pending recipients by domain × age in minutes, like qshape (Esc back)', shapeRows(data, shownInstances(data, ui), width), ui, 'queues');
  }
  if (f?.k === 'message') {
    const det = data.details[requestKey({ kind: 'message', instance: f.instance, id: f.id })];
    const key = `queues/${frameId(f)}`;
    let rows: TextRow[];
    if (!det || det.kind !== 'message') rows = [{ text: 'reading…' }];
    else if (!det.message) rows = [{ text: `✗ error  ${det.error ?? 'message not found'}`, tone: 'error' }];
    else rows = detailRows(det.message, data.parts.queues?.[f.instance]?.now ?? Date.now());
    // What qmail-send's log says happened to it so far.
    const log = queuedMessageLog(data, f.instance, f.id, width);
    const pane = textPane(key, `message #${f.id} in ${sanitize(f.instance)} (Esc back)`, [...rows, ...log.rows], ui, 'queues');
    if (log.need) pane.needs = [log.need];
    return pane;
  }
  const roots = shownInstances(data, ui);
  const all = cachedRows(data.parts.queues, roots.join('\n'));
  const rows = cachedFilter(all, ui.filters.queues);
  const model: PaneModel<QueueRow> = {
    key: 'queues',
    title: 'Queues',
    rows,
    total: all.length,
    filterable: true,
    fixedLines: countLines(data, roots).length + 2,
    open: (r) => ({ type: 'push', view: 'queues', frame: frameId({ k: 'message', instance: r.instance, id: r.m.id }) }),
    address: (r) => r.m.firstRecipient,
  };
  return model;
}

/** Messages past queuelifetime, counted once per listing (not on every key). */
const expiredCounts = new WeakMap<QueueItem[], number>();
function expiredCount(messages: QueueItem[]): number {
  let n = expiredCounts.get(messages);
  if (n === undefined) {
    n = messages.filter((m) => m.pastLifetime).length;
    expiredCounts.set(messages, n);
  }
  return n;
}

/** One line per installation: qmail-qstat's counts, what was listed, the first error. */
function countLines(data: SessionData, roots: string[]): Array<{ text: string; tone?: Tone }> {
  const out: Array<{ text: string; tone?: Tone }> = [];
  for (const root of roots) {
    const q = data.parts.queues?.[root];
    if (!q) continue;
    const listed = q.complete ? `${q.messages.length} listed` : `listing… ${q.messages.length}`;
    const expired = expiredCount(q.messages);
    const warn = q.problems.find((p) => p.severity === 'error');
    out.push({
      text: `${sanitize(q.instance)}  ${q.present ? `${q.counts.messages} messages, ${q.counts.todo} not yet preprocessed · ${listed}${expired ? ` · ! ${expired} past queuelifetime` : ''}` : 'no queue directory'}${warn ? `  ✗ ${sanitize(warn.message)}` : ''}`,
      tone: warn ? 'error' : undefined,
    });
  }
  return out;
}

/** qshape's tables, every installation and channel: pending recipients by domain and age in minutes. */
export function shapeRows(data: SessionData, roots: string[], width: number): TextRow[] {
  const rows: TextRow[] = [];
  for (const root of roots) {
    const q = data.parts.queues?.[root];
    if (!q) continue;
    if (!q.shape) {
      rows.push({ text: `${sanitize(root)}  still reading the queue…` });
      continue;
    }
    for (const t of [q.shape.remote, q.shape.local] as ShapeTable[]) {
      const colW = 6;
      const domW = Math.max(12, width - 2 - 7 - t.labels.length * colW);
      rows.push({ text: cell(`${sanitize(root)} ${t.channel}`, domW) + padStart('total', 7) + t.labels.map((l) => padStart(l, colW)).join(''), bold: true, tone: 'accent' });
      if (t.rows.length === 0 || t.rows.every((r) => r.total === 0)) {
        rows.push({ text: '  (nothing pending)' });
        continue;
      }
      for (const r of t.rows) {
        rows.push({
          text: cell(r.domain === 'TOTAL' ? 'TOTAL' : '  ' + sanitize(r.domain), domW, 'left') + padStart(String(r.total), 7) + r.counts.map((c) => padStart(c ? String(c) : '.', colW)).join(''),
          bold: r.domain === 'TOTAL',
          address: r.domain === 'TOTAL' ? undefined : `postmaster@${r.domain}`,
        });
      }
    }
  }
  return rows;
}

function QueuesList({ pane: p0, ui, data, width, height }: ViewProps): React.ReactElement {
  const theme = useTheme();
  const p = p0 as PaneModel<QueueRow>;
  const roots = shownInstances(data, ui);
  const top = countLines(data, roots);
  const filter = ui.filters.queues;
  const count = p.rows.length === p.total ? `${p.total} messages` : `${p.rows.length} of ${p.total} messages`;
  const wide = width >= 120;
  const idW = 10;
  const ageW = 6;
  const stateW = 12;
  const instW = roots.length > 1 ? (wide ? 12 : 7) : 0;
  const rest = width - 1 - idW - ageW - stateW - instW;
  const listH = Math.max(1, height - top.length - 2);
  // Addresses first: on a wide terminal the rows in view get their whole sender and recipient.
  const pos = clampPos(ui.lists.queues ?? START, p.rows.length, listH);
  const inView = p.rows.slice(pos.top, pos.top + listH);
  const longest = (f: (r: QueueRow) => string): number => inView.reduce((m, r) => Math.max(m, f(r).length + 1), 8);
  let senderW = Math.floor(rest * 0.3);
  let rcptW = Math.floor(rest * 0.35);
  if (wide) {
    senderW = Math.min(longest((r) => showSender(r.m)), Math.floor(rest * 0.4));
    rcptW = Math.min(longest((r) => recipientsText(r.m)), Math.floor(rest * 0.45));
  }
  const subjW = rest - senderW - rcptW;
  return (
    <Box flexDirection="column" width={width} height={height}>
      {top.map((l, i) => (
        <Text key={i} color={theme.fg(l.tone ?? 'plain')} wrap="truncate-end">
          {fitEnd(l.text, width)}
        </Text>
      ))}
      <Text bold wrap="truncate-end">
        {fitEnd(sanitize(`${count}${filter ? `  filter: ${filter}` : ''}  (Enter opens a message · s shape)`), width)}
      </Text>
      <Text bold underline wrap="truncate-end">
        {' ' + (instW ? cell('inst', instW) : '') + cell('id', idW) + cell('age', ageW) + cell('sender', senderW) + cell('recipients', rcptW) + cell('subject', subjW) + cell('state', stateW)}
      </Text>
      <WindowedList
        rows={p.rows}
        pos={ui.lists.queues ?? START}
        height={listH}
        width={width}
        empty={roots.some((r) => data.parts.queues?.[r]) ? (filter ? `no message matches "${filter}" (Esc clears the filter)` : 'the queues are empty') : 'reading the queues…'}
        renderRow={(r, selected) => {
          const st = messageState(r.m);
          const q = data.parts.queues?.[r.instance];
          const rcpt = recipientsText(r.m);
          return (
            <Box>
              <Text inverse={selected} wrap="truncate-end">
                {(selected ? '›' : ' ') +
                  (instW ? cell(sanitize(r.instance.replace('/var/', '')), instW, 'left') : '') +
                  cell(String(r.m.id), idW) +
                  cell(age((q?.now ?? Date.now()) - r.m.queuedMs), ageW) +
                  cell(showSender(r.m), senderW - 1) +
                  ' ' +
                  cell(rcpt, rcptW - 1) +
                  ' ' +
                  cell(r.subject ?? '', subjW)}
              </Text>
              <Text inverse={selected} color={selected ? undefined : theme.fg(st.tone)} wrap="truncate-end">
                {cell(st.text, stateW)}
              </Text>
            </Box>
          );
        }}
      />
    </Box>
  );
}

export const queuesView: ViewDef = {
  id: 'queues',
  title: 'Queues',
  names: ['queue'],
  bindings: [
    {
      command: 'shape',
      keys: [{ input: 's' }],
      label: 's',
      description: 'the shape table (pending recipients by domain × age, like qshape); Esc returns to the list',
      scope: 'view',
      hint: 'shape',
      handler: (ctx) => cleared(ctx, { type: 'push', view: 'queues', frame: frameId(SHAPE) }),
      disabled: (ctx) => (topFrame(ctx.state, 'queues') ? 's shows the shape table from the message list (Esc goes back to it)' : null),
    },
  ],
  available: (d) => d.parts.queues !== undefined,
  pane,
  render: (props) => (topFrame(props.ui, 'queues') ? <TextPaneView {...props} /> : <QueuesList {...props} />),
};

export type { UiState };
