// View 2: the queues of every installation: counts, qshape's domain × age
// table (s), and the message list in columns (queue-columns.ts; o changes
// its order). Enter opens a message (queue-message.ts); Esc comes back.
import React from 'react';
import { Box, Text } from 'ink';
import { WindowedList } from '../components/WindowedList.js';
import { useTheme, type Tone } from '../theme.js';
import { cell, fitEnd, wrapLines } from '../text-fit.js';
import { START, clampPos } from '../list-state.js';
import { applyFilter, type UiState } from '../store.js';
import { sanitize } from '../../text/sanitize.js';
import { isoSeconds } from '../../qmail/queue.js';
import type { QueueItem } from '../queue-items.js';
import { requestKey, type SessionData } from '../session-data.js';
import type { PaneContext, PaneModel, ViewDef, ViewProps } from './view-types.js';
import { TextPaneView, countText, filePane, frameId, textPane, topFrame, type Frame, type TextRow } from './text-pane.js';
import { shownInstances } from './domains-view.js';
import { memoLast } from '../memo.js';
import { cleared } from '../global-bindings.js';
import { queuedMessageLog } from './log-view.js';
import { messageRows } from './queue-message.js';
import { shapeRows } from './queue-shape.js';
import { stuckTodo, stuckText } from './queue-stuck.js';
import { age, instText, messageState, nextSort, queueColumns, recipientsText, showSender, sizeText, sortOf, sortRows, wideInst, type Column, type QueueRow } from './queue-columns.js';

export type { QueueRow };
export { age };

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

const SHAPE: Frame = { k: 'node', id: 'shape' };

/** Lines under the list: the selected message whole (issue 21: no row is only "…"). */
const detailLines = (width: number): number => (width >= 120 ? 1 : 2);

function pane({ data, ui, width, height }: PaneContext): PaneModel {
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
    else rows = messageRows(det.message, data.parts.queues?.[f.instance]?.now ?? Date.now());
    // What qmail-send's log says happened to it so far.
    const log = queuedMessageLog(data, f.instance, f.id, width);
    const pane = textPane(key, `message #${f.id} in ${sanitize(f.instance)} (Esc back)`, [...rows, ...log.rows], ui, 'queues');
    if (log.need) pane.needs = [log.need];
    return pane;
  }
  const roots = shownInstances(data, ui);
  const all = cachedRows(data.parts.queues, roots.join('\n'));
  const rows = sortRows(cachedFilter(all, ui.filters.queues), sortOf(ui.sorts.queues).key);
  const model: PaneModel<QueueRow> = {
    key: 'queues',
    title: 'Queues',
    rows,
    total: all.length,
    filterable: true,
    fixedLines: countLines(data, roots, width, height).length + 2,
    detailLines,
    wholeText: (r) => selectedText(r, data.parts.queues?.[r.instance]?.now ?? Date.now(), roots.length > 1),
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

type Line = { text: string; tone?: Tone };

/** Rows of the list the count lines must leave at the least (else they are told shorter). */
const MIN_LIST = 4;

/**
 * The lines above the list: per installation qmail-qstat's counts, what was
 * listed, what needs a look (past queuelifetime, stuck in todo/), the first
 * error. Where they would leave the list fewer than MIN_LIST rows (three
 * installations at 60x16), a stuck todo/ joins its installation's line, and
 * then every installation is one line together.
 */
function countLines(data: SessionData, roots: string[], width: number, height: number): Line[] {
  const budget = height - 2 - detailLines(width) - MIN_LIST;
  const full: Line[] = [];
  const short: Line[] = [];
  const sum = { messages: 0, todo: 0, listed: 0, stuck: 0, expired: 0, missing: 0, complete: true, errors: 0 };
  for (const root of roots) {
    const q = data.parts.queues?.[root];
    if (!q) continue;
    if (!q.present) {
      const l: Line = { text: `${sanitize(q.instance)}  no queue directory (${sanitize(q.instance)}/queue): nothing queued here`, tone: 'dim' };
      full.push(l);
      short.push(l);
      sum.missing++;
      continue;
    }
    const listed = q.complete ? `${q.messages.length} listed` : `listing… ${q.messages.length}`;
    const expired = expiredCount(q.messages);
    const stuck = stuckTodo(q.messages, q.now);
    const warn = q.problems.find((p) => p.severity === 'error');
    const head = `${sanitize(q.instance)}  ${q.counts.messages} messages, ${q.counts.todo} not yet preprocessed · ${listed}${expired ? ` · ! ${expired} past queuelifetime` : ''}`;
    const tail = warn ? `  ✗ ${sanitize(warn.message)}` : '';
    full.push({ text: head + tail, tone: warn ? 'error' : undefined });
    // On a line of its own: the count line is already as wide as 80 columns.
    if (stuck) full.push({ text: `  ! ${stuckText(stuck, q.now)}`, tone: 'warn' });
    short.push({ text: head + (stuck ? ` · ! ${stuck.count} stuck in todo/` : '') + tail, tone: warn ? 'error' : stuck ? 'warn' : undefined });
    Object.assign(sum, {
      messages: sum.messages + q.counts.messages,
      todo: sum.todo + q.counts.todo,
      listed: sum.listed + q.messages.length,
      stuck: sum.stuck + (stuck?.count ?? 0),
      expired: sum.expired + expired,
      complete: sum.complete && q.complete,
      errors: sum.errors + (warn ? 1 : 0),
    });
  }
  if (full.length <= budget) return full;
  if (short.length <= Math.max(1, budget)) return short;
  const notes = [sum.expired ? `! ${sum.expired} past queuelifetime` : '', sum.stuck ? `! ${sum.stuck} stuck in todo/` : '', sum.missing ? `${sum.missing} without a queue` : '', sum.errors ? `✗ errors in ${sum.errors} (:instance PATH shows one)` : ''].filter(Boolean);
  return [
    {
      text: `${short.length} installations: ${sum.messages} messages, ${sum.todo} not yet preprocessed · ${sum.complete ? `${sum.listed} listed` : `listing… ${sum.listed}`}${notes.length ? ' · ' + notes.join(' · ') : ''}`,
      tone: sum.errors ? 'error' : sum.stuck ? 'warn' : undefined,
    },
  ];
}

function cellOf(c: Column, r: QueueRow, now: number, width: number): string {
  switch (c.key) {
    case 'inst':
      return cell(instText(r.instance, wideInst(width)), c.width, 'middle');
    case 'id':
      return cell(String(r.m.id), c.width, 'end', 'right');
    case 'age':
      return cell(age(now - r.m.queuedMs), c.width, 'end', 'right');
    case 'size':
      return cell(sizeText(r.m.size), c.width, 'end', 'right');
    case 'sender':
      return cell(showSender(r.m), c.width);
    case 'rcpt':
      return cell(recipientsText(r.m), c.width);
    case 'subject':
      return cell(r.subject ?? '', c.width);
    case 'state':
      return cell(messageState(r.m).text, c.width);
  }
}

/** The selected message in words, whole (wrapped over the lines under the list). */
function selectedText(r: QueueRow | undefined, now: number, multi: boolean): string {
  if (!r) return '';
  const rc = r.m.allRecipients ? sanitize(r.m.allRecipients).split(' ').join(', ') : recipientsText(r.m);
  return `#${r.m.id}${multi ? ` in ${sanitize(r.instance)}` : ''}  ${showSender(r.m)} → ${rc}  "${r.subject ?? ''}"  ${r.m.size} bytes, queued ${isoSeconds(r.m.queuedMs)} (${age(now - r.m.queuedMs)} ago)  ${messageState(r.m).text}`;
}

function QueuesList({ pane: p0, ui, data, width, height }: ViewProps): React.ReactElement {
  const theme = useTheme();
  const p = p0 as PaneModel<QueueRow>;
  const roots = shownInstances(data, ui);
  const multi = roots.length > 1;
  const top = countLines(data, roots, width, height);
  const sort = sortOf(ui.sorts.queues);
  const cols = queueColumns(p.rows, width, multi);
  const under = detailLines(width);
  const listH = Math.max(1, height - top.length - 2 - under);
  const now = (r: QueueRow): number => data.parts.queues?.[r.instance]?.now ?? Date.now();
  const pos = clampPos(ui.lists.queues ?? START, p.rows.length, listH);
  const sel = p.rows[pos.cursor];
  const detail = sel ? wrapLines(selectedText(sel, now(sel), multi), width, under) : [];
  const header = ' ' + cols.map((c) => cell(c.key === sort.column ? `${c.title}▾` : c.title, c.width, 'end', c.align)).join(' ');
  const empty = !roots.some((r) => data.parts.queues?.[r])
    ? 'reading the queues…'
    : ui.filters.queues
      ? `no message matches "${ui.filters.queues}" (Esc clears the filter)`
      : roots.every((r) => data.parts.queues?.[r]?.present === false)
        ? 'nothing to list: no installation shown has a queue directory'
        : 'the queues are empty';
  return (
    <Box flexDirection="column" width={width} height={height}>
      {top.map((l, i) => (
        <Text key={i} color={theme.fg(l.tone ?? 'plain')} wrap="truncate-end">
          {fitEnd(l.text, width)}
        </Text>
      ))}
      <Text bold wrap="truncate-end">
        {fitEnd(sanitize(`${countText(p.rows.length, p.total, 'messages', ui.filters.queues)}  (Enter opens a message · s shape · o order: ${sort.words})`), width)}
      </Text>
      <Text bold underline wrap="truncate-end">
        {fitEnd(header, width)}
      </Text>
      <WindowedList
        rows={p.rows}
        pos={ui.lists.queues ?? START}
        height={listH}
        width={width}
        empty={empty}
        renderRow={(r, selected) => {
          const st = messageState(r.m);
          const t = now(r);
          const last = cols[cols.length - 1];
          return (
            <Box>
              <Text inverse={selected} wrap="truncate-end">
                {(selected ? '›' : ' ') + cols.slice(0, -1).map((c) => cellOf(c, r, t, width) + ' ').join('')}
              </Text>
              <Text inverse={selected} color={selected ? undefined : theme.fg(st.tone)} wrap="truncate-end">
                {cellOf(last, r, t, width)}
              </Text>
            </Box>
          );
        }}
      />
      {detail.map((l, i) => (
        <Text key={`d${i}`} color={theme.fg('dim')} wrap="truncate-end">
          {l}
        </Text>
      ))}
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
    {
      command: 'order',
      keys: [{ input: 'o' }],
      label: 'o',
      description: 'order the message list: queue order, age, size, sender, recipient domain (the header marks the column)',
      scope: 'view',
      hint: 'order',
      handler: (ctx) => cleared(ctx, { type: 'sort', paneKey: 'queues', key: nextSort(ctx.state.sorts.queues) }),
      disabled: (ctx) => (topFrame(ctx.state, 'queues') ? 'o orders the message list (Esc goes back to it)' : null),
    },
  ],
  available: (d) => d.parts.queues !== undefined,
  pane,
  render: (props) => (topFrame(props.ui, 'queues') ? <TextPaneView {...props} /> : <QueuesList {...props} />),
};

export type { UiState };
