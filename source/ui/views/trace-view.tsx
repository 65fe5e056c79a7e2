// View 4: an address walked through every installation as qmail would
// deliver it. Outcomes first (highlighted, glyph + word), side by side when
// there is room, then each hop's steps with the file and line that decided
// them (Enter opens the file; Enter on a forwarded address traces it), and
// the history of traced addresses.
import React from 'react';
import { sanitize } from '../../text/sanitize.js';
import { STATE_TONE, stateLabel } from '../theme.js';
import { cell, wrapText } from '../text-fit.js';
import type { TraceResult, Delivery } from '../../trace/types.js';
import { requestKey, type SessionData } from '../session-data.js';
import type { UiState } from '../store.js';
import type { PaneContext, PaneModel, ViewDef } from './view-types.js';
import type { Binding, KeyContext } from '../keymap.js';
import { TextPaneView, filePane, textPane, topFrame, type TextRow } from './text-pane.js';
import { shownInstances } from './domains-view.js';
import { cleared } from '../global-bindings.js';
import { loggedDeliveriesTo } from './log-view.js';
import { hopsText, traceWarnings, warningCount } from '../../trace/warnings.js';

const KIND_W = 11;

function outcomeText(d: Delivery): string {
  return `${cell(stateLabel(d.kind), KIND_W)}${sanitize(d.target)}`;
}

function traceAction(address: string): TextRow['action'] {
  return { type: 'trace', address };
}

function outcomeRow(d: Delivery): TextRow {
  const follow = d.kind === 'forward' || d.kind === 'remote' || d.kind === 'loop';
  return { text: '  ' + outcomeText(d) + `  hop ${d.hop}`, tone: STATE_TONE[d.kind] ?? 'plain', bold: true, address: follow ? d.target : undefined, action: follow ? traceAction(d.target) : undefined };
}

function stepsRows(r: TraceResult, width: number): TextRow[] {
  const rows: TextRow[] = [];
  r.hops.forEach((h, i) => {
    const who = h.user ? `  user ${sanitize(h.user.name)} ${h.user.uid}:${h.user.gid} (${h.user.source})` : '';
    const dq = h.dotqmail ? `  ${sanitize(h.dotqmail)}` : '';
    // A hop walked elsewhere than the trace started: crossed by SMTP, or queued by programs built for another home.
    const where = h.instance !== r.instance ? `  in ${sanitize(h.instance)}` : '';
    rows.push({
      text: `hop ${i}  ${h.route}  ${sanitize(h.rewritten)}${where}${who}${dq}`,
      bold: true,
      address: h.recipient,
      jump: h.dotqmail ? { path: h.dotqmail, line: null } : undefined,
    });
    if (h.recipient !== h.rewritten) rows.push({ text: `        <- ${sanitize(h.recipient)}` });
    for (const s of h.steps) {
      const where = s.path ? `  [${sanitize(s.path)}${s.line ? ':' + s.line : ''}]` : '';
      // A trainer reads the steps aloud: they wrap under their text instead of being cut.
      const lead = `  ${s.warn ? '! ' : '  '}${cell(s.stage, 13)} `;
      wrapText(sanitize(s.text) + where, Math.max(20, width - lead.length - 2)).forEach((t, i) =>
        rows.push({
          text: (i === 0 ? lead : ' '.repeat(lead.length)) + t,
          tone: s.warn ? 'warn' : undefined,
          jump: s.path ? { path: s.path, line: s.line ?? null } : undefined,
        }),
      );
    }
  });
  for (const l of r.leaks) rows.push({ text: `  ! veil  ${sanitize(l.text)} (hop ${l.hop})`, tone: 'warn' });
  return rows;
}

/**
 * Under the outcomes, the walk's warnings (issue 14 point 7), each once and
 * wrapped like the steps; Enter on one opens the file that gave it.
 */
function warningRows(r: TraceResult, width: number, named: boolean): TextRow[] {
  const ws = traceWarnings(r);
  if (ws.length === 0) return [];
  const rows: TextRow[] = [{ text: `  ! ${named ? `${sanitize(r.instance)}: ` : ''}${warningCount(ws.length)}:`, tone: 'warn', bold: true }];
  const lead = '    ';
  for (const w of ws) {
    const jump = w.path ? { path: w.path, line: w.line ?? null } : undefined;
    wrapText(`${hopsText(w.hops)} ${w.stage}: ${sanitize(w.text)}`, Math.max(20, width - lead.length - 4)).forEach((t, i) =>
      rows.push({ text: (i === 0 ? lead : lead + '  ') + t, tone: 'warn', jump }),
    );
  }
  return rows;
}

/** Outcomes of every installation in columns: one row per line, one coloured segment per column. */
function sideBySide(results: TraceResult[], width: number): TextRow[] {
  const colW = Math.floor((width - 1) / results.length);
  const cols = results.map((r) => (r.deliveries.length ? r.deliveries : null));
  const rows: TextRow[] = [];
  rows.push({ text: results.map((r) => r.instance).join(' '), segments: results.map((r) => ({ text: cell(sanitize(r.instance), colW), bold: true, tone: 'accent' as const })) });
  const n = Math.max(...cols.map((c) => (c ? c.length : 1)));
  for (let i = 0; i < n; i++) {
    const segs = cols.map((c) => {
      if (!c) return i === 0 ? { text: cell('(nothing delivered)', colW) } : { text: ' '.repeat(colW) };
      const d = c[i];
      if (!d) return { text: ' '.repeat(colW) };
      return { text: cell(outcomeText(d), colW - 1) + ' ', tone: STATE_TONE[d.kind], bold: true };
    });
    const ds = cols.map((c) => c?.[i]).filter((d): d is Delivery => d !== undefined);
    const follow = ds.find((d) => d.kind === 'forward' || d.kind === 'remote');
    rows.push({ text: ds.map(outcomeText).join(' '), segments: segs, address: ds[0]?.target, action: follow ? traceAction(follow.target) : undefined });
  }
  const entered = results.map(otherQueue);
  if (entered.some((e) => e !== null)) {
    rows.push({
      text: entered.map((e) => e ?? '').join(' '),
      segments: entered.map((e) => (e ? { text: cell('! ' + e, colW - 1) + ' ', tone: 'warn' as const } : { text: ' '.repeat(colW) })),
    });
  }
  return rows;
}

/**
 * Where the first copy really enters a queue when that is not the installation's own: its programs
 * were built for another home (trace/queue-home.ts), so another qmail-send delivers what the outcomes show.
 */
function otherQueue(r: TraceResult): string | null {
  const h = r.hops[0];
  if (!h || h.instance === r.instance) return null;
  return `enters ${sanitize(h.queue ?? h.instance + '/queue')}: ${sanitize(h.instance)} delivers it`;
}

function historyRows(ui: UiState): TextRow[] {
  if (ui.trace.history.length === 0) return [];
  return [
    { text: 'history (Enter traces again)', bold: true, tone: 'accent' },
    ...ui.trace.history.map((h) => ({ text: '  ' + sanitize(h), address: h, action: traceAction(h) })),
  ];
}

export function traceRows(data: SessionData, ui: UiState, width: number): { title: string; rows: TextRow[] } {
  const addr = ui.trace.address;
  if (!addr) {
    const say = [
      'Type an address, then Enter: letters typed here start it (or press t first).',
      `For example postmaster@${sanitize(data.instances[0]?.me ?? 'example.com')}.`,
      'The digits, Tab, ?, : and Esc keep their meaning; q asks once (q again quits).',
    ];
    return {
      title: 'Trace — an address walked through qmail',
      rows: [...say.flatMap((t) => wrapText(t, Math.max(20, width - 2)).map((l) => ({ text: l }))), { text: ' ' }, ...historyRows(ui)],
    };
  }
  const q = ui.trace.queued;
  const det = data.details[requestKey({ kind: 'trace', address: addr, queued: q })];
  const as = q ? ` as queued in ${sanitize(q.instance)} (${q.channel} channel, already rewritten)` : '';
  const title = `trace ${sanitize(addr)}${as}  (Enter on a step opens its file · on an address traces it · t new)`;
  if (!det || det.kind !== 'trace') return { title, rows: [{ text: 'tracing…' }] };
  if (det.error) return { title, rows: [{ text: `✗ error  ${det.error}`, tone: 'error' }, ...historyRows(ui)] };
  const roots = shownInstances(data, ui);
  const results = det.results.filter((r) => roots.includes(r.instance));
  const rows: TextRow[] = [];
  const same = results.length > 1 && results.every((r) => JSON.stringify(r.deliveries) === JSON.stringify(results[0].deliveries));
  const columns = results.length > 1 && width >= 100 && Math.floor(width / results.length) >= 40;
  if (columns) {
    rows.push(...sideBySide(results, width));
  } else {
    for (const r of results) {
      rows.push({ text: sanitize(r.instance), bold: true, tone: 'accent' });
      if (r.deliveries.length === 0) rows.push({ text: '  (nothing delivered: accepted and dropped)' });
      for (const d of r.deliveries) rows.push(outcomeRow(d));
      const entered = otherQueue(r);
      if (entered) rows.push({ text: `  ! ${entered}`, tone: 'warn' });
      rows.push(...warningRows(r, width, false));
    }
  }
  if (results.length > 1) rows.push({ text: same ? '(the same outcome in every installation)' : '(the installations disagree)', tone: same ? 'ok' : 'warn' });
  if (columns) for (const r of results) rows.push(...warningRows(r, width, true));
  // What qmail did with it, beside what it would do: the log's newest attempts to it (or to its rewritten form).
  const logged = loggedDeliveriesTo(data, [addr, ...results.map((r) => r.hops[0]?.rewritten ?? addr)], roots);
  if (logged.length) rows.push({ text: ' ' }, ...logged);
  for (const r of results) {
    rows.push({ text: ' ' });
    rows.push({ text: `${sanitize(r.instance)} — the walk`, bold: true, tone: 'accent' });
    rows.push(...stepsRows(r, width));
  }
  rows.push({ text: ' ' });
  rows.push(...historyRows(ui));
  return { title, rows };
}

function pane({ data, ui, width }: PaneContext): PaneModel {
  const f = topFrame(ui, 'trace');
  if (f?.k === 'file') return filePane('trace', data, ui, f);
  const { title, rows } = traceRows(data, ui, width);
  return textPane(`trace/${ui.trace.address ?? ''}`, title, rows, ui, 'trace');
}

/** Keys that keep their meaning on the start screen: leaving it, help, the command line, and t itself. */
const KEPT_ON_START = /^(view\d|help|command|trace)$/;

const QUIT_ASKED = 'q again quits · or go on typing: the address starts with q (Ctrl-C always quits)';

/**
 * What a letter means in the Trace view (issue 21: a newcomer types an
 * address without pressing t, and its letters ran as keys — q quit, e opened
 * an edit, r reloaded). Like a search box that has the focus, the start
 * screen (nothing traced yet: there is no list to move in) takes every
 * printable key as the start of the address, but for the digits (views),
 * ?, : and t; q there asks once, since it may be the address's first letter
 * or the user leaving. Once an address is shown its keys work as everywhere,
 * and a printable key that means nothing here starts a new address.
 */
function typed(input: string, b: Binding | null, ctx: KeyContext): ReturnType<NonNullable<ViewDef['typed']>> {
  const start = ctx.state.trace.address === null;
  const type = (text: string) => [{ type: 'startInput' as const, kind: 'trace' as const, text }];
  if (ctx.state.quitAsked) {
    if (input === 'q') return [{ type: 'quit' }];
    return b && /^(view\d|help|command)$/.test(b.command) ? null : type('q' + input);
  }
  if (input === ' ') return null;
  if (!b) return type(input);
  if (!start || KEPT_ON_START.test(b.command)) return null;
  if (b.command === 'quit') return [{ type: 'askQuit', on: true }, { type: 'status', text: QUIT_ASKED }];
  return type(input);
}

export const traceView: ViewDef = {
  id: 'trace',
  title: 'Trace',
  bindings: [
    {
      command: 'trace',
      keys: [{ input: 't' }],
      label: 't',
      description: 'trace an address (pre-filled from the selection)',
      scope: 'global',
      hint: 'trace',
      handler: (ctx) => {
        const fromRow = ctx.row !== undefined && ctx.pane?.address ? ctx.pane.address(ctx.row) : null;
        return cleared(ctx, { type: 'view', view: 'trace', jump: true }, { type: 'startInput', kind: 'trace', text: fromRow ?? ctx.state.trace.address ?? '' });
      },
      disabled: (ctx) => (ctx.available.includes('trace') ? null : 'tracing is not available yet (the tracer is not loaded)'),
    },
    {
      // No key of its own: it says in help (and the README's list) what typed letters do here.
      command: 'typeAddress',
      keys: [],
      label: 'a-z @ . …',
      description: 'type an address without t: a printable key that is no key here opens the trace prompt with it; before the first trace every one does but the digits, ?, : and t, and q asks once (q again quits)',
      scope: 'view',
      handler: () => [],
    },
  ],
  typed,
  available: (d) => d.parts.domains !== undefined,
  pane,
  render: (props) => <TextPaneView {...props} />,
};
