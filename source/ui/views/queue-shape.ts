// qshape's tables in the Queues view (s): pending recipients by domain and
// age in minutes, per installation and channel, each section named in full.
import { padStart, cell } from '../text-fit.js';
import { sanitize } from '../../text/sanitize.js';
import type { ShapeTable } from '../../qmail/queue.js';
import type { SessionData } from '../session-data.js';
import type { TextRow } from './text-pane.js';

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
    for (const t of [q.shape.remote, q.shape.local] as ShapeTable[]) rows.push(...tableRows(sanitize(root), t, width));
  }
  return rows;
}

const COL_W = 6;
const TOTAL_W = 7;

/**
 * One channel's table. Its section is named in full: on its own line when the
 * domain column cannot hold it. A terminal too narrow for every age column
 * leaves out the columns where nothing is pending (and says so).
 */
function tableRows(root: string, t: ShapeTable, width: number): TextRow[] {
  const rows: TextRow[] = [];
  let cols = t.labels.map((_l, i) => i);
  const fits = (n: number): boolean => 2 + 12 + TOTAL_W + n * COL_W <= width;
  const dropped = !fits(cols.length);
  if (dropped) cols = cols.filter((i) => t.rows.some((r) => r.counts[i]));
  const domW = Math.max(12, width - 2 - TOTAL_W - cols.length * COL_W);
  const name = `${root} ${t.channel}${dropped ? ' (empty age columns left out)' : ''}`;
  const heading = padStart('total', TOTAL_W) + cols.map((i) => padStart(t.labels[i], COL_W)).join('');
  if (name.length < domW) rows.push({ text: cell(name, domW) + heading, bold: true, tone: 'accent' });
  else rows.push({ text: name, bold: true, tone: 'accent' }, { text: cell('', domW) + heading, bold: true, tone: 'accent' });
  if (t.rows.length === 0 || t.rows.every((r) => r.total === 0)) {
    rows.push({ text: '  (nothing pending)' });
    return rows;
  }
  for (const r of t.rows) {
    rows.push({
      text: cell(r.domain === 'TOTAL' ? 'TOTAL' : '  ' + sanitize(r.domain), domW, 'left') + padStart(String(r.total), TOTAL_W) + cols.map((i) => padStart(r.counts[i] ? String(r.counts[i]) : '.', COL_W)).join(''),
      bold: r.domain === 'TOTAL',
      address: r.domain === 'TOTAL' ? undefined : `postmaster@${r.domain}`,
    });
  }
  return rows;
}
