// View 7: what qmail-send's log says happened. Every installation's
// attempts in one list, newest first (`:instance PATH` shows one), `/`
// filters by message id, address or reason; Enter opens the message's whole
// story (received, sender, size, every attempt with its time and text, the
// tracer's prediction now beside each recipient, bounce, end) and Enter on
// an attempt traces its recipient as qmail-send queued it; `z` is the
// summary (zoverall/zdeferrals by domain); `f` follows the logs live.
import React from 'react';
import { Box, Text } from 'ink';
import { sanitize } from '../../text/sanitize.js';
import { cell, fitEnd } from '../text-fit.js';
import { useTheme, type Tone } from '../theme.js';
import { memoLast } from '../memo.js';
import { requestKey, type DetailRequest, type SessionData } from '../session-data.js';
import type { UiAction, UiState } from '../store.js';
import type { PaneContext, PaneModel, ViewDef, ViewProps } from './view-types.js';
import { TextPaneView, filePane, frameId, textPane, topFrame, type TextRow } from './text-pane.js';
import { shownInstances } from './domains-view.js';
import { cleared } from '../global-bindings.js';
import type { LogPart, LogRow } from '../log-load.js';
import { localTime } from '../../log/tai64n.js';
import { attemptLine, messageHead, predictionLine, resultWord, summaryLines } from '../../log/format.js';
import type { LoggedDelivery } from '../../log/matchup.js';

const LIVE = frameId({ k: 'node', id: 'log:live' });
const SUMMARY = frameId({ k: 'node', id: 'log:summary' });
const storyFrame = (instance: string, id: number, first: number): string => frameId({ k: 'node', id: `log:story:${first}:${id}:${instance}` });

function parseStory(id: string): { instance: string; id: number; first: number } | null {
  const m = /^log:story:(-?\d+):(\d+):(.*)$/.exec(id);
  return m ? { first: Number(m[1]), id: Number(m[2]), instance: m[3] } : null;
}

export const RESULT_TONE: Record<string, Tone> = { success: 'ok', deferral: 'warn', failure: 'error', pending: 'info', lost: 'dim' };
const GLYPH: Record<string, string> = { success: '✓', deferral: '!', failure: '✗', pending: '…', lost: '?' };

/**
 * A long line cut into lines of `width` at spaces, the rest indented by
 * `indent` more; short lines stay as they are (their columns keep their spaces).
 */
export function wrapKeep(text: string, width: number, indent: number): string[] {
  const w = Math.max(20, width);
  if (text.length <= w) return [text];
  const lead = ' '.repeat((/^ */.exec(text)?.[0].length ?? 0) + indent);
  const out: string[] = [];
  let rest = text;
  while (rest.length > w) {
    let cut = rest.lastIndexOf(' ', w);
    if (cut <= lead.length) cut = w;
    out.push(rest.slice(0, cut));
    rest = lead + rest.slice(cut).trimStart();
  }
  out.push(rest);
  return out;
}

function resultOf(r: LogRow): string {
  return r.result ?? (r.lost ? 'lost' : 'pending');
}

/** Short local time: the date only when it is not today's; one width, so the columns after it line up. */
function shortTime(r: LogRow, today: string): string {
  if (!r.time) return cell('(no time)', 11);
  const t = localTime(r.time, 0);
  return cell(t.startsWith(today) ? t.slice(11, 19) : t.slice(5, 16), 11);
}

function rowOf(r: LogRow, several: boolean, today: string): TextRow {
  const res = resultOf(r);
  const inst = several ? cell(sanitize(r.instance.replace('/var/', '')), 8) : '';
  const who = r.recipient === null ? '(started before the log)' : sanitize(r.recipient);
  const mark = r.agrees === false ? '≠' : ' ';
  const head = `${shortTime(r, today)}${mark}${inst}${cell(r.id ? String(r.id) : '?', 9)}`;
  const word = cell(`${GLYPH[res] ?? ' '} ${res}`, 10);
  const text = r.text ? sanitize(r.text) : r.lost ? sanitize(r.lost) : '';
  const open: UiAction | null = r.msg ? { type: 'push', view: 'log', frame: storyFrame(r.instance, r.msg.id, r.msg.firstPos) } : null;
  return {
    text: `${head} ${word} ${who}  ${text}${r.agrees === false ? '  disagrees' : ''}`,
    segments: [
      { text: shortTime(r, today) },
      { text: mark, tone: 'error', bold: true },
      { text: `${inst}${cell(r.id ? String(r.id) : '?', 9)} ` },
      { text: word, tone: RESULT_TONE[res], bold: res !== 'success' },
      { text: ` ${cell(who, 30)} ` },
      { text, tone: res === 'success' ? 'dim' : undefined },
    ],
    address: r.recipient ?? undefined,
    action: open ?? undefined,
  };
}

const listRows = memoLast((rows: LogRow[], rootsKey: string, several: boolean): TextRow[] => {
  const roots = new Set(rootsKey.split('\n'));
  const today = localTime({ s: Math.floor(Date.now() / 1000), ns: 0 }, 0).slice(0, 10);
  const out: TextRow[] = [];
  for (let i = rows.length - 1; i >= 0; i--) if (roots.has(rows[i].instance)) out.push(rowOf(rows[i], several, today));
  return out;
});

function progressWords(p: LogPart): string {
  if (p.phase === 'tail') return ' · the newest lines; reading the whole log…';
  if (p.phase === 'reading') return ` · reading the whole log ${p.size ? Math.floor((100 * p.read) / p.size) : 0}%…`;
  const kept = p.rows.length < p.total ? ` (the newest ${p.rows.length}; qlens log --address/--message searches all)` : '';
  return ` · ${p.total} attempts${kept}`;
}

/** Which log each shown installation uses (or where qlens looked), and read errors: fixed above the list. */
function headerRows(p: LogPart, roots: string[]): TextRow[] {
  const rows: TextRow[] = p.header.filter((h) => roots.some((r) => h.startsWith(sanitize(r)) || h.startsWith('  '))).map((h) => ({ text: h, tone: /no log found/.test(h) ? 'warn' : 'dim' }));
  for (const e of p.errors) rows.push({ text: `✗ ${e}`, tone: 'error' });
  return rows;
}

function listPane(data: SessionData, ui: UiState, live: boolean): PaneModel {
  const p = data.parts.log!;
  const roots = shownInstances(data, ui);
  const key = live ? 'log/live' : 'log';
  let rows = listRows(p.rows, roots.join('\n'), roots.length > 1 && p.logs.length > 1);
  // (listRows is memoized: a note is a new array, never pushed onto it.)
  if (p.logs.length === 0) rows = [{ text: 'No qmail-send log was found (see above). qlens log --log [INSTANCE=]PATH names one.', tone: 'warn' }];
  else if (rows.length === 0) rows = [{ text: p.phase === 'done' ? 'The log holds no delivery attempt.' : 'reading…' }];
  const title = live ? `Log — following live, new attempts on top (Esc stops)${progressWords(p)}` : `Log — newest first (Enter story · z summary · f follow)${progressWords(p)}`;
  const pane = textPane(key, title, rows, ui, 'log', { fixedLines: headerRows(p, roots).length + 1 });
  if (live && p.phase === 'done') pane.needs = [{ kind: 'logPoll', tick: p.polls }];
  return pane;
}

/** The list of attempts under the lines that say which log each installation uses (they stay put while the list scrolls). */
function LogListView(props: ViewProps): React.ReactElement {
  const theme = useTheme();
  const p = props.data.parts.log;
  const top = p ? headerRows(p, shownInstances(props.data, props.ui)) : [];
  return (
    <Box flexDirection="column" width={props.width} height={props.height}>
      {top.map((l, i) => (
        <Text key={i} color={theme.fg(l.tone ?? 'plain')} wrap="truncate-end">
          {fitEnd(l.text, props.width)}
        </Text>
      ))}
      <TextPaneView {...props} height={Math.max(2, props.height - top.length)} />
    </Box>
  );
}

function storyRows(data: SessionData, f: { instance: string; id: number; first: number }, width: number): TextRow[] {
  const det = data.details[requestKey({ kind: 'logStory', instance: f.instance, id: f.id, first: f.first })];
  if (!det || det.kind !== 'logStory') return [{ text: 'reading the story…' }];
  if (!det.message) return [{ text: `✗ ${det.error ?? 'not found'}`, tone: 'error' }];
  return messageStoryRows(det.message, f.instance, det.predictions, width);
}

/** A message's story as rows: the Log view's story frame and the Queues view's message screen share it. */
export function messageStoryRows(
  m: import('../../log/matchup.js').LoggedMessage,
  instance: string,
  predictions: ReadonlyArray<import('../../log/predict.js').LogPrediction | null>,
  width: number,
): TextRow[] {
  // Texts are what servers said: they wrap under themselves instead of being cut at the edge.
  const wrapped: TextRow[] = [];
  const rows = {
    push(r: TextRow): void {
      for (const t of wrapKeep(r.text, width - 2, 2)) wrapped.push({ ...r, text: t });
    },
  };
  const first: TextRow[] = [{ text: sanitize(messageHead(m, instance)), bold: true, tone: 'accent', address: m.sender ?? undefined }];
  for (const r of first) rows.push(r);
  if (m.bounceOf !== null) rows.push({ text: `  the bounce of msg ${m.bounceOf}${m.sender === '#@[]' ? ' (a double bounce: its sender is #@[])' : ''}` });
  if (m.forwardOf !== null) rows.push({ text: `  a forwarded copy from msg ${m.forwardOf}` });
  const last = new Map<string, LoggedDelivery>();
  for (const d of m.deliveries) last.set(`${d.channel}\0${d.recipient}`, d);
  m.deliveries.forEach((d, i) => {
    const res = resultWord(d);
    // Enter walks the recipient as qmail-send queued it: from its channel, in this installation.
    const action: UiAction = { type: 'trace', address: d.recipient, queued: { instance, channel: d.channel } };
    rows.push({ text: '  ' + attemptLine(d), tone: RESULT_TONE[res], address: d.recipient, action });
    if (d.forwardQp !== null) rows.push({ text: `      forwarded as qp ${d.forwardQp}${d.forwardId !== null ? ` (msg ${d.forwardId})` : ''}` });
    const p = predictions[i];
    if (p && last.get(`${d.channel}\0${d.recipient}`) === d) {
      rows.push({ text: '      ' + predictionLine(p), tone: p.agrees === false ? 'error' : p.agrees === true ? 'ok' : 'info', bold: p.agrees === false, address: d.recipient, action });
    }
  });
  if (m.deliveries.length === 0) rows.push({ text: '  no delivery attempt in the log' });
  if (m.bounceQp !== null) rows.push({ text: `  bounced: the bounce is qp ${m.bounceQp}${m.bounceId !== null ? ` (msg ${m.bounceId})` : ''}`, tone: 'error' });
  if (m.tripleBounce) rows.push({ text: '  triple bounce: its bounce bounced again and was discarded', tone: 'error' });
  if (m.lost) rows.push({ text: `  no end line: ${sanitize(m.lost)}`, tone: 'warn' });
  else if (m.ended) rows.push({ text: `  ended ${localTime(m.ended, 3)}` });
  else rows.push({ text: '  not ended when the log ends (still in the queue, or its end is not logged yet)', tone: 'warn' });
  return wrapped;
}

/**
 * A queued message's story in its installation's log, for the Queues view's
 * message screen: the rows, and the read they need (null when nothing is to
 * be read). The newest incarnation of the id is the queued one.
 */
export function queuedMessageLog(data: SessionData, instance: string, id: number, width: number): { rows: TextRow[]; need: DetailRequest | null } {
  const head: TextRow = { text: "qmail-send's log of this message", bold: true, tone: 'accent' };
  const p = data.parts.log;
  if (!p) return { rows: [head, { text: '  the log is being read…' }], need: null };
  if (!p.logs.some((l) => l.instance === instance)) return { rows: [head, { text: '  no log of this installation was found (the Log view, 7, says where qlens looked)' }], need: null };
  if (p.phase !== 'done') return { rows: [head, { text: `  ${progressWords(p).replace(/^ · /, '')}` }], need: null };
  const need: DetailRequest = { kind: 'logStory', instance, id, first: null, v: p.polls };
  const det = data.details[requestKey(need)];
  if (!det || det.kind !== 'logStory') return { rows: [head, { text: '  reading its story…' }], need };
  if (!det.message) return { rows: [head, { text: `  ${det.error ?? 'not in the log'}` }], need };
  return { rows: [head, ...messageStoryRows(det.message, instance, det.predictions, width).map((r) => ({ ...r, text: '  ' + r.text }))], need };
}

/**
 * The newest logged attempts to an address (as given, or as qmail-send
 * rewrote it), for the Trace view: what qmail did, beside what it would do.
 */
export function loggedDeliveriesTo(data: SessionData, forms: string[], roots: string[], max = 5): TextRow[] {
  const p = data.parts.log;
  if (!p || p.logs.length === 0) return [];
  const want = new Set(forms.map((f) => f.toLowerCase()));
  const today = localTime({ s: Math.floor(Date.now() / 1000), ns: 0 }, 0).slice(0, 10);
  const hits: TextRow[] = [];
  for (let i = p.rows.length - 1; i >= 0 && hits.length < max; i--) {
    const r = p.rows[i];
    if (r.recipient !== null && roots.includes(r.instance) && want.has(r.recipient.toLowerCase())) hits.push(rowOf(r, roots.length > 1, today));
  }
  const where = p.phase === 'done' ? '' : ` (${progressWords(p).replace(/^ · /, '')})`;
  return [
    { text: `what qmail-send's log says: the newest attempts to this address${where}`, bold: true, tone: 'accent' },
    ...(hits.length ? hits : [{ text: p.phase === 'done' ? '  none in the log' : '  none so far' }]),
  ];
}

function summaryRows(data: SessionData, ui: UiState, width: number): TextRow[] {
  const p = data.parts.log!;
  const roots = shownInstances(data, ui);
  if (p.phase !== 'done') return [{ text: `the summary comes once the whole log is read${progressWords(p)}` }];
  const rows: TextRow[] = [];
  for (const s of p.summaries.filter((x) => roots.includes(x.instance))) {
    rows.push({ text: `${sanitize(s.instance)}  ${sanitize(s.path)}`, bold: true, tone: 'accent' });
    for (const l of summaryLines(s.summary, width - 2)) {
      const domain = /^([a-z0-9.-]+\.[a-z]{2,})\s+\d+/.exec(l);
      for (const t of wrapKeep(l, width - 2, 4)) rows.push({ text: t, address: domain ? `postmaster@${domain[1]}` : undefined, bold: /^(most frequent|domain )/.test(l) });
    }
    rows.push({ text: ' ' });
  }
  if (rows.length === 0) rows.push({ text: 'no log to sum up' });
  return rows;
}

function pane({ data, ui, width }: PaneContext): PaneModel {
  const f = topFrame(ui, 'log');
  if (f?.k === 'file') return filePane('log', data, ui, f);
  if (f?.k === 'node' && f.id === 'log:summary') return textPane('log/summary', 'Log summary, like zoverall and zdeferrals, by recipient domain (Esc back)', summaryRows(data, ui, width), ui, 'log');
  const story = f?.k === 'node' ? parseStory(f.id) : null;
  if (story) {
    const pane = textPane(`log/${f!.k === 'node' ? f!.id : ''}`, `message ${story.id} in ${sanitize(story.instance)}'s log (Enter on an attempt traces its recipient · Esc back)`, storyRows(data, story, width), ui, 'log');
    pane.needs = [{ kind: 'logStory', instance: story.instance, id: story.id, first: story.first }];
    return pane;
  }
  return listPane(data, ui, f?.k === 'node' && f.id === 'log:live');
}

export const logView: ViewDef = {
  id: 'log',
  title: 'Log',
  names: ['logs', 'maillog'],
  bindings: [
    {
      command: 'logFollow',
      keys: [{ input: 'f' }],
      label: 'f',
      description: 'follow the logs live as they grow and rotate (Esc stops)',
      scope: 'view',
      hint: 'follow',
      handler: (ctx) => cleared(ctx, { type: 'push', view: 'log', frame: LIVE }),
      disabled: (ctx) =>
        ctx.state.data.parts.log?.phase !== 'done' ? 'f follows once the whole log is read' : topFrame(ctx.state, 'log') ? 'f follows from the list (Esc goes back to it)' : null,
    },
    {
      command: 'logSummary',
      keys: [{ input: 'z' }],
      label: 'z',
      description: 'the summary: attempts, results, bytes, frequent reasons and delays by recipient domain (like zoverall, zdeferrals); Esc returns',
      scope: 'view',
      hint: 'summary',
      handler: (ctx) => cleared(ctx, { type: 'push', view: 'log', frame: SUMMARY }),
      disabled: (ctx) => (topFrame(ctx.state, 'log') ? 'z shows the summary from the list (Esc goes back to it)' : null),
    },
  ],
  available: (d) => d.parts.log !== undefined,
  pane,
  render: (props) => (topFrame(props.ui, 'log') ? <TextPaneView {...props} /> : <LogListView {...props} />),
};
