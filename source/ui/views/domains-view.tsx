// View 1: one row per domain, one column group per installation: in locals,
// virtual (with its prepend), rcpthosts, morercpthosts, the manager, the
// problems. Enter lists every file:line that mentions the domain.
import React from 'react';
import { Box, Text } from 'ink';
import { WindowedList } from '../components/WindowedList.js';
import { useTheme } from '../theme.js';
import { cell, fitEnd } from '../text-fit.js';
import { START } from '../list-state.js';
import { applyFilter } from '../store.js';
import { sanitize } from '../../text/sanitize.js';
import { managerInfoText, type DomainRow } from '../../qmail/domains.js';
import type { SessionData } from '../session-data.js';
import type { Diagnostic } from '../../qmail/model-types.js';
import type { PaneContext, PaneModel, ViewDef, ViewProps } from './view-types.js';
import { TextPaneView, countText, filePane, frameId, textPane, topFrame, type TextRow } from './text-pane.js';
import type { UiState } from '../store.js';
import { memoLast } from '../memo.js';

export interface DomainLine {
  domain: string;
  /** One entry per installation shown, null where that installation does not name the domain. */
  cells: Array<DomainRow | null>;
  /** Per cell, the `qlens check` errors that concern the domain there (domain-marks.ts). */
  errors: Diagnostic[][];
  text: string;
}

export function shownInstances(data: SessionData, ui: UiState): string[] {
  const all = data.instances.map((i) => i.root);
  return ui.instance && all.includes(ui.instance) ? [ui.instance] : all;
}

const showDomain = (d: string): string => (d === '' ? '"" (catch-all)' : sanitize(d));

/** Flag words of one cell; `short` uses one letter per flag (legend in the column heading); `errors`: check's errors for it. */
export function cellText(r: DomainRow | null, short: boolean, errors = 0): string {
  if (!r) return short ? '  —' : '— not named here';
  const prep = r.virtual === null ? '' : r.virtual === '' ? '""' : sanitize(r.virtual);
  const mgr = r.manager === 'vpopmail' ? 'vpop' : r.manager === 'vmailmgr' ? 'vmm' : '';
  // Counts arrive with the second load pass; until then the manager alone.
  const mi = r.managerInfo && r.managerInfo.catchAll !== 'unknown' ? r.managerInfo : null;
  const probs = (errors ? `✗${errors}` : '') + (errors && r.problems.length ? ' ' : '') + (r.problems.length ? `!${r.problems.length}` : '');
  if (short) {
    return [
      (r.locals ? (r.implicit ? 'l' : 'L') : '·') + (r.virtual !== null ? 'V' : '·') + (r.rcpthosts ? 'R' : '·') + (r.morercpthosts ? 'M' : '·'),
      mi ? `${mgr} ${mi.users}u/${mi.aliases}a` : mgr,
      probs,
    ]
      .filter(Boolean)
      .join(' ');
  }
  const parts: string[] = [];
  parts.push(r.locals ? (r.implicit ? '✓locals(me)' : '✓locals') : '·locals');
  parts.push(r.virtual !== null ? `✓virtual=${prep}` : '·virtual');
  parts.push(r.rcpthosts ? '✓rcpt' : '·rcpt');
  parts.push(r.morercpthosts ? '✓more' : '·more');
  if (mgr) parts.push(mi ? `${r.manager} ${mi.users} user${mi.users === 1 ? '' : 's'} ${mi.aliases} alias${mi.aliases === 1 ? '' : 'es'}` : r.manager!);
  if (errors) parts.push(`✗ ${errors} error${errors > 1 ? 's' : ''} in qlens check`);
  if (r.problems.length) parts.push(`! ${r.problems.length} problem${r.problems.length > 1 ? 's' : ''}`);
  return parts.join(' ');
}

/** The check errors that concern a domain in an installation. */
export function errorsOf(data: Pick<SessionData, 'parts'>, root: string, domain: string): Diagnostic[] {
  const problems = data.parts.problems ?? [];
  return (data.parts.domainErrors?.[root]?.[domain] ?? []).flatMap((i) => (problems[i] ? [problems[i]] : []));
}

export function domainLines(data: SessionData, roots: string[]): DomainLine[] {
  const by = new Map<string, Array<DomainRow | null>>();
  roots.forEach((root, i) => {
    for (const r of data.parts.domains?.[root]?.domains ?? []) {
      let cells = by.get(r.domain);
      if (!cells) {
        cells = roots.map(() => null);
        by.set(r.domain, cells);
      }
      cells[i] = r;
    }
  });
  const names = [...by.keys()].sort((a, b) => (a === '' ? 1 : b === '' ? -1 : a < b ? -1 : a > b ? 1 : 0));
  return names.map((domain) => {
    const cells = by.get(domain)!;
    const errors = roots.map((root) => errorsOf(data, root, domain));
    const text = [domain, ...cells.map((c, i) => cellText(c, false, errors[i].length)), ...cells.flatMap((c) => c?.problems ?? []), ...errors.flat().map((d) => d.message)].join(' ');
    return { domain, cells, errors, text };
  });
}

// Keyed on the domain part alone: the session object is new with every load step, and 40,000 lines
// rebuilt on each one was most of the main thread's work (and garbage) while a big host loads.
const cachedLines = memoLast((domains: SessionData['parts']['domains'], marks: SessionData['parts']['domainErrors'], problems: SessionData['parts']['problems'], rootsKey: string) =>
  domainLines({ parts: { domains, domainErrors: marks, problems } } as SessionData, rootsKey.split('\n')),
);
const cachedFilter = memoLast((lines: DomainLine[], filter: string | undefined) => applyFilter(lines, (l) => l.text, filter));

function detailRows(data: SessionData, roots: string[], domain: string): TextRow[] {
  const rows: TextRow[] = [];
  const ev = (label: string, e: { path: string; line: number | null; text: string } | null, extra = ''): void => {
    if (!e) return;
    rows.push({ text: `  ${cell(label, 14)}${e.path}${e.line !== null ? ':' + e.line : ''}  ${sanitize(e.text)}${extra}`, jump: { path: e.path, line: e.line } });
  };
  for (const root of roots) {
    const r = data.parts.domains?.[root]?.domains.find((d) => d.domain === domain) ?? null;
    rows.push({ text: sanitize(root), bold: true, tone: 'accent' });
    if (!r) {
      rows.push({ text: '  — this installation names the domain nowhere (qmail-send sends it remote, qmail-smtpd refuses it)' });
      continue;
    }
    const words =
      r.delivery === 'local'
        ? 'qmail-send delivers it locally (control/locals)'
        : r.delivery === 'virtual'
          ? `qmail-send delivers it as a virtual domain, prepending "${sanitize(r.virtual ?? '')}"`
          : 'qmail-send delivers it remotely';
    rows.push({ text: `  ${words}; qmail-smtpd ${r.rcpthosts ? 'accepts' : 'refuses'} it` });
    ev('locals', r.evidence.locals, r.implicit ? '  (no locals file: control/me is used)' : '');
    ev('virtual', r.evidence.virtual, r.virtualKey !== null && r.virtualKey !== r.domain ? `  (via key "${sanitize(r.virtualKey)}")` : '');
    ev('rcpthosts', r.evidence.rcpthosts);
    if (r.morercpthosts && r.evidence.rcpthosts?.path.endsWith('.cdb') !== true) rows.push({ text: `  ${cell('morercpthosts', 14)}${root}/control/morercpthosts.cdb` });
    for (const u of r.users) {
      const vd = `${root}/control/virtualdomains`;
      rows.push({ text: `  ${cell('user key', 14)}${vd}:${u.line}  ${sanitize(u.address)}:${sanitize(u.prepend)}`, jump: { path: vd, line: u.line }, address: u.address });
    }
    if (r.manager) {
      rows.push({ text: `  ${cell('manager', 14)}${r.managerInfo ? sanitize(managerInfoText(r.manager, r.managerInfo)) : r.manager}`, tone: 'accent' });
      for (const p of r.managerInfo?.problems ?? []) rows.push({ text: `  ! warning  ${sanitize(p)}`, tone: 'warn' });
    }
    for (const d of r.diagnostics) {
      rows.push({
        text: `  ${d.severity === 'error' ? '✗ error' : d.severity === 'warning' ? '! warning' : 'i note'}  ${d.path}${d.line !== null ? ':' + d.line : ''}  ${sanitize(d.message)}`,
        tone: d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warn' : 'info',
        jump: { path: d.path, line: d.line },
      });
    }
    const diagMsgs = new Set(r.diagnostics.map((d) => d.message));
    for (const p of r.problems) if (!diagMsgs.has(p)) rows.push({ text: `  ! warning  ${sanitize(p)}`, tone: 'warn' });
    // What qlens check reports about the way this domain's mail goes, beyond the domain's own lines.
    for (const d of errorsOf(data, root, domain)) {
      if (diagMsgs.has(d.message)) continue;
      rows.push({ text: `  ✗ error  ${d.path}${d.line !== null ? ':' + d.line : ''}  ${sanitize(d.message)}`, tone: 'error', jump: { path: d.path, line: d.line } });
    }
  }
  return rows;
}

function pane({ data, ui }: PaneContext): PaneModel {
  const f = topFrame(ui, 'domains');
  const roots = shownInstances(data, ui);
  if (f?.k === 'file') return filePane('domains', data, ui, f);
  if (f?.k === 'domain') {
    return textPane(`domains/${frameId(f)}`, `${showDomain(f.domain)} — every file and line naming it (Enter opens, Esc back)`, detailRows(data, roots, f.domain), ui, 'domains');
  }
  const all = cachedLines(data.parts.domains, data.parts.domainErrors, data.parts.problems, roots.join('\n'));
  const rows = cachedFilter(all, ui.filters.domains);
  return {
    key: 'domains',
    title: 'Domains',
    rows,
    total: all.length,
    filterable: true,
    fixedLines: 2,
    open: (l: DomainLine) => ({ type: 'push', view: 'domains', frame: frameId({ k: 'domain', domain: l.domain }) }),
    address: (l: DomainLine) => (l.domain && !l.domain.startsWith('.') ? `postmaster@${l.domain}` : null),
  } as PaneModel<DomainLine> as PaneModel;
}

function DomainsTable({ pane: p0, ui, data, width, height }: ViewProps): React.ReactElement {
  const theme = useTheme();
  const p = p0 as PaneModel<DomainLine>;
  const roots = shownInstances(data, ui);
  const short = width < 100 + 20 * Math.max(0, roots.length - 2);
  const domW = Math.max(16, Math.min(40, Math.floor(width * (short ? 0.4 : 0.3))));
  const groupW = Math.max(8, Math.floor((width - domW - 1) / Math.max(1, roots.length)));
  const filter = ui.filters.domains;
  // A wildcard (".example.org") or the catch-all is a row, not a domain: counted apart, as qlens domains does.
  const wild = p.rows.filter((l) => l.domain === '' || l.domain.startsWith('.')).length;
  const plural = (k: number, w: string): string => `${k} ${w}${k === 1 ? '' : 's'}`;
  const count = filter ? countText(p.rows.length, p.total, ['domain', 'domains'], filter) : plural(p.total - wild, 'domain') + (wild ? `, ${plural(wild, 'wildcard')}` : '');
  const legend = short ? '  L locals (l: as me) V virtual R rcpthosts M morercpthosts ✗N check errors !N problems Nu/Na users/aliases' : '';
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold wrap="truncate-end">
        {fitEnd(sanitize(`${count}${legend}`), width)}
      </Text>
      <Text bold underline wrap="truncate-end">
        {cell(' domain', domW) + roots.map((r) => ' ' + cell(sanitize(r), groupW - 1, 'middle')).join('')}
      </Text>
      <WindowedList
        rows={p.rows}
        pos={ui.lists.domains ?? START}
        height={height - 2}
        width={width}
        empty={data.parts.domains ? (filter ? `no domain matches "${filter}" (Esc clears the filter)` : 'no domains named in any installation') : 'reading…'}
        renderRow={(l, selected) => (
          <Box>
            <Text inverse={selected} wrap="truncate-end">
              {cell((selected ? '›' : ' ') + showDomain(l.domain), domW, 'left')}
            </Text>
            {l.cells.map((c, i) => (
              <Text key={i} inverse={selected} color={selected ? undefined : theme.fg(l.errors[i].length ? 'error' : c && c.problems.length ? 'warn' : c ? 'plain' : 'dim')} wrap="truncate-end">
                {' ' + cell(cellText(c, short, l.errors[i].length), groupW - 1)}
              </Text>
            ))}
          </Box>
        )}
      />
    </Box>
  );
}

export const domainsView: ViewDef = {
  id: 'domains',
  title: 'Domains',
  available: (d) => d.parts.domains !== undefined,
  pane,
  render: (props) => (topFrame(props.ui, 'domains') ? <TextPaneView {...props} /> : <DomainsTable {...props} />),
};
