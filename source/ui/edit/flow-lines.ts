// What each step of the edit flow shows, as plain lines fitted to the
// body, so the confirm screen is tested without rendering. The confirm
// screen always ends with the question; a long line wraps rather than being
// cut; long diffs and impact lists lose whole lines from their end, with a
// line saying how much is left out.
import type { Tone } from '../theme.js';
import { fitEnd } from '../text-fit.js';
import { sanitize } from '../../text/sanitize.js';
import { fmtMode } from '../../edit/stage.js';
import { impactChangeShort, impactHeadline } from '../../edit/report.js';
import { FORM_TITLES } from './quick-forms.js';
import type { FlowState } from './flow.js';
import type { EditPreview } from './preview.js';

export interface FlowLine {
  text: string;
  tone?: Tone;
  bold?: boolean;
  inverse?: boolean;
}

interface Section {
  lines: FlowLine[];
  /** May lose lines from its end when the screen is short. */
  cut?: string;
  /** The fewest lines it keeps when cut (2 unless said: a diff keeps a changed line beside its context). */
  min?: number;
  /** What the change does to mail and what to do after it: kept on the shortest screen, the files' lines give way first. */
  after?: boolean;
}

export const CONFIRM_PROMPT = 'Apply? y = apply · any other key (Enter too) cancels';

export function confirmSections(p: EditPreview): Section[] {
  const out: Section[] = [];
  out.push({ lines: [{ text: `Confirm: ${sanitize(p.title)}`, bold: true }] });
  for (const d of p.cs.diagnostics) {
    out.push({ lines: [{ text: sanitize(`${d.severity === 'error' ? '✗' : '!'} ${d.severity}  ${d.path}${d.line !== null ? ':' + d.line : ''}: ${d.message}`), tone: d.severity === 'error' ? 'error' : 'warn' }] });
  }
  for (const f of p.cs.files) {
    if (f.role === 'meta') {
      out.push({ lines: [{ text: `${f.path}: records the owner and mode of the new file`, tone: 'dim' }] });
      continue;
    }
    const head: FlowLine = {
      text: `${f.path}  owner ${p.owners[f.meta.uid] ? p.owners[f.meta.uid] + ' ' : ''}${f.meta.uid}:${f.meta.gid} mode ${fmtMode(f.meta.mode)} ${f.metaKept ? 'kept' : '(new file)'}`,
      bold: true,
    };
    if (f.role === 'derived') {
      out.push({ lines: [{ ...head, text: `${head.text}  compiled as qmail's tool would: ${f.diff.trim() || 'unchanged'}`, bold: false }] });
      continue;
    }
    const diff = sanitize(f.diff, { keepNewlines: true, keepTabs: false })
      .replace(/\n$/, '')
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('--- ') && !l.startsWith('+++ '))
      // One hunk: its @@ line says nothing the lines do not; and one line of context beside each change
      // (not three): on a short screen the lines that change must not be the ones left out.
      .filter((l, _i, all) => !(l.startsWith('@@') && all.filter((x) => x.startsWith('@@')).length === 1))
      .filter((l, i, all) => !l.startsWith(' ') || [all[i - 1], all[i + 1]].some((n) => n !== undefined && /^[+-]/.test(n)))
      .map((l): FlowLine => ({ text: l, tone: l.startsWith('+') ? 'ok' : l.startsWith('-') ? 'error' : l.startsWith('@@') ? 'accent' : undefined }));
    out.push({ lines: [head] });
    out.push({ lines: diff.length ? diff : [{ text: '  (no change)', tone: 'dim' }], cut: 'diff lines' });
  }
  if (p.cs.valid) {
    const changed = p.impacts.flatMap((i) => i.changed);
    out.push({ lines: [{ text: impactHeadline(p.impacts), bold: true }], after: true });
    const lines: FlowLine[] = [];
    for (const c of changed) lines.push({ text: `  ${impactChangeShort(c)}`, tone: c.selfMx.length || c.outside.after === 'refuse' ? 'warn' : undefined });
    if (lines.length) out.push({ lines, cut: 'addresses', min: 1, after: true });
    const todo = p.cs.activation.filter((a) => a.needed);
    out.push({
      lines: todo.length
        ? [{ text: 'Then, by hand (qlens never signals qmail):', bold: true }, ...todo.map((a) => ({ text: `  $ ${a.commands[0]}`, tone: 'warn' as Tone }))]
        : [{ text: 'Then: nothing to do by hand' + (p.cs.activation.length ? ` (${p.cs.activation.map((a) => a.text.split(':')[0]).join('; ')})` : ''), tone: 'dim' }],
      after: true,
    });
  }
  return out;
}

/**
 * One line wrapped to the width, nothing cut (issue 21: a before → after must
 * be read whole): a diff line goes on under its own sign ("+↳ "), any other
 * under its indent.
 */
export function wrapLine(l: FlowLine, width: number): FlowLine[] {
  if (l.text.length <= width || width < 12) return [l];
  const sign = /^[+-]/.test(l.text) ? l.text[0] : '';
  const indent = sign ? `${sign}↳ ` : ' '.repeat(Math.min(l.text.length - l.text.trimStart().length, 8) + 2);
  const out: FlowLine[] = [];
  let rest = l.text;
  let room = width;
  while (rest.length > room) {
    // Break at the last blank that leaves something on the line (the blank goes), else inside the word.
    const cut = rest.lastIndexOf(' ', room);
    const at = cut > room / 3 ? cut + 1 : room;
    out.push({ ...l, text: (out.length ? indent : '') + rest.slice(0, at).replace(/ +$/, '') });
    rest = rest.slice(at);
    room = width - indent.length;
  }
  out.push({ ...l, text: (out.length ? indent : '') + rest });
  return out;
}

/** Fit sections into `height` lines, the last being the question (or the reason nothing can be applied). */
export function fitSections(sections: Section[], last: FlowLine, width: number, height: number): FlowLine[] {
  // Each line wrapped; a section that must lose lines loses whole ones from its end.
  const wrapped = sections.map((s) => s.lines.map((l) => wrapLine(l, width)));
  const shown = sections.map((s) => s.lines.length);
  const rows = (i: number): number => wrapped[i].slice(0, shown[i]).reduce((n, w) => n + w.length, 0);
  const total = () => sections.reduce((n, _s, i) => n + rows(i), 0) + sections.filter((s, i) => s.cut && shown[i] < s.lines.length).length + 1;
  // Shrink the longest cuttable section first, keeping at least two lines of each, then one of those
  // that may go down to one: the sections that cannot be cut (what to do by hand) must stay on the screen.
  for (const keep of [2, 1]) {
    while (total() > height) {
      let best = -1;
      for (let i = 0; i < sections.length; i++) if (sections[i].cut && shown[i] > Math.max(keep, sections[i].min ?? 2) && (best < 0 || rows(i) > rows(best))) best = i;
      if (best < 0) break;
      shown[best]--;
    }
  }
  // Then the impact's own list goes down to its count line before the files give way.
  for (let i = 0; i < sections.length; i++) if (total() > height && sections[i].after && sections[i].cut) shown[i] = 0;
  let files: FlowLine[] = [];
  const after: FlowLine[] = [];
  const context = new Set<FlowLine>();
  sections.forEach((s, i) => {
    const to = s.after ? after : files;
    for (const w of wrapped[i].slice(0, shown[i])) {
      to.push(...w);
      if (s.cut === 'diff lines' && w[0].text.startsWith(' ')) w.forEach((l) => context.add(l));
    }
    if (s.cut && shown[i] < s.lines.length) to.push({ text: `  … ${s.lines.length - shown[i]} more ${s.cut} (qlens edit shows all)`, tone: 'dim' });
  });
  // Still too tall (60x16 with two files): the files' last lines give way, said in one line, so that
  // the impact and what to do by hand stay in sight; only a tinier screen loses those, said too.
  const room = Math.max(0, height - 1);
  const said = (n: number): FlowLine => ({ text: `  … ${n} more lines (qlens edit shows all)`, tone: 'dim' as Tone });
  let dropped = 0;
  if (files.length + after.length > room) {
    // A diff's unchanged neighbours go before the lines that change, then the files' last lines.
    const ctx = [...context];
    while (files.length + after.length + 1 > room && ctx.length > 0) {
      const gone = ctx.pop()!;
      files = files.filter((l) => l !== gone);
      dropped++;
    }
    const keep = Math.max(1, room - after.length - 1);
    if (files.length + after.length + 1 > room && files.length > keep) {
      dropped += files.length - keep;
      files = files.slice(0, keep);
    }
  }
  const out = dropped ? [...files, said(dropped), ...after] : [...files, ...after];
  const body = out.length <= room ? out : [...out.slice(0, Math.max(0, room - 1)), said(out.length - Math.max(0, room - 1))];
  return [...body, last].map((l) => ({ ...l, text: fitEnd(l.text, width) }));
}

export function flowLines(s: FlowState, width: number, height: number): FlowLine[] {
  switch (s.step) {
    case 'menu': {
      const lines: FlowLine[] = [{ text: 'Edit — nothing is written before the confirm screen', bold: true }, { text: '' }];
      if (s.staged.length) {
        lines.push({ text: `Staged, to be applied together: ${sanitize(s.staged.map((st) => st.title).join(' · '))}`, tone: 'warn' }, { text: '' });
      }
      s.items.forEach((it, i) => lines.push({ text: `${i === s.cursor ? '▸' : ' '} ${it.key}  ${sanitize(it.label)}`, inverse: i === s.cursor }));
      lines.push({ text: '' }, { text: 'Enter or the letter picks · Esc closes', tone: 'dim' });
      return lines.slice(0, height).map((l) => ({ ...l, text: fitEnd(l.text, width) }));
    }
    case 'form': {
      const lines: FlowLine[] = [{ text: FORM_TITLES[s.kind], bold: true }, { text: '' }];
      s.fields.forEach((f, i) => {
        const active = i === s.index;
        lines.push({ text: `${active ? '▸' : ' '} ${f.label.padEnd(16)} ${sanitize(f.value)}${active ? '█' : ''}`, inverse: false, bold: active });
        if (active && f.hint) lines.push({ text: `    ${f.hint}`, tone: 'dim' });
      });
      lines.push({ text: '' });
      if (s.error) lines.push({ text: `✗ ${sanitize(s.error)}`, tone: 'error' });
      if (s.staged.length) lines.push({ text: `staged already: ${sanitize(s.staged.map((st) => st.title).join(' · '))}`, tone: 'warn' });
      lines.push({ text: 'Tab/↓ next field · Enter on the last field shows the change · Ctrl-S stages it and makes another · Esc cancels', tone: 'dim' });
      return lines.slice(0, height).map((l) => ({ ...l, text: fitEnd(l.text, width) }));
    }
    case 'confirm': {
      const valid = s.preview.cs.valid;
      const last: FlowLine = valid
        ? { text: CONFIRM_PROMPT, bold: true, tone: 'warn' }
        : { text: '✗ invalid: this cannot be applied · any key closes', bold: true, tone: 'error' };
      return fitSections(confirmSections(s.preview), last, width, height);
    }
    case 'done': {
      const lines: FlowLine[] = [{ text: s.title, bold: true, tone: s.ok ? 'ok' : 'error' }, ...s.lines.flatMap((t) => wrapLine({ text: t }, width)), { text: '' }, { text: 'any key closes', tone: 'dim' }];
      return lines.slice(0, height).map((l) => ({ ...l, text: fitEnd(l.text, width) }));
    }
  }
}
