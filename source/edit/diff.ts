// A unified diff of two texts, line by line, from Myers' O(ND) algorithm
// (the one GNU diff and git use), so an admin reads the change exactly as
// `diff -u` would show it.

export type DiffOp = { op: ' ' | '-' | '+'; text: string };

export interface DiffHunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: DiffOp[];
}

/** Split into lines; the last line keeps a flag when it has no newline, as diff marks it. */
function splitLines(text: string): { lines: string[]; noEol: boolean } {
  if (text === '') return { lines: [], noEol: false };
  const noEol = !text.endsWith('\n');
  const lines = (noEol ? text : text.slice(0, -1)).split('\n');
  return { lines, noEol };
}

/** The edit script turning a into b: ' ' keep, '-' delete, '+' insert, in order. */
export function diffLines(a: string[], b: string[]): DiffOp[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? v[off + k + 1] : v[off + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  // Walk the saved frontiers backwards to recover the path.
  const ops: DiffOp[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vd = trace[d];
    const k = x - y;
    const prevK = k === -d || (k !== d && vd[off + k - 1] < vd[off + k + 1]) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : vd[off + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ op: ' ', text: a[x - 1] });
      x--;
      y--;
    }
    if (d === 0) break;
    if (x === prevX) ops.push({ op: '+', text: b[y - 1] });
    else ops.push({ op: '-', text: a[x - 1] });
    x = prevX;
    y = prevY;
  }
  while (x > 0 && y > 0) {
    ops.push({ op: ' ', text: a[x - 1] });
    x--;
    y--;
  }
  return ops.reverse();
}

/** Group an edit script into hunks with `context` unchanged lines around each change. */
export function hunks(a: string, b: string, context = 3): DiffHunk[] {
  const A = splitLines(a);
  const B = splitLines(b);
  // A missing final newline is part of the last line, so that change shows.
  const al = A.lines.map((l, i) => (A.noEol && i === A.lines.length - 1 ? l + '\u0000noeol' : l));
  const bl = B.lines.map((l, i) => (B.noEol && i === B.lines.length - 1 ? l + '\u0000noeol' : l));
  const ops = diffLines(al, bl);
  const out: DiffHunk[] = [];
  let i = 0;
  let oldNo = 1;
  let newNo = 1;
  // Line numbers before each op.
  const pos: Array<{ o: number; n: number }> = [];
  for (const op of ops) {
    pos.push({ o: oldNo, n: newNo });
    if (op.op !== '+') oldNo++;
    if (op.op !== '-') newNo++;
  }
  while (i < ops.length) {
    if (ops[i].op === ' ') {
      i++;
      continue;
    }
    let start = Math.max(0, i - context);
    let end = i;
    // Extend while the next change is within 2*context unchanged lines.
    for (;;) {
      while (end < ops.length && ops[end].op !== ' ') end++;
      let j = end;
      while (j < ops.length && ops[j].op === ' ') j++;
      if (j < ops.length && j - end <= 2 * context) {
        end = j;
        continue;
      }
      end = Math.min(ops.length, end + context);
      break;
    }
    const lines = ops.slice(start, end);
    const oldLines = lines.filter((l) => l.op !== '+').length;
    const newLines = lines.filter((l) => l.op !== '-').length;
    out.push({
      oldStart: oldLines === 0 ? pos[start].o - 1 : pos[start].o,
      oldLines,
      newStart: newLines === 0 ? pos[start].n - 1 : pos[start].n,
      newLines,
      lines,
    });
    i = end;
    start = end;
  }
  return out;
}

/** `diff -u` text. Paths are system paths; a missing side is /dev/null. */
export function unifiedDiff(oldText: string | null, newText: string | null, sysPath: string, context = 3): string {
  const hs = hunks(oldText ?? '', newText ?? '', context);
  if (hs.length === 0) return '';
  const out: string[] = [];
  out.push(`--- ${oldText === null ? '/dev/null' : sysPath}`);
  out.push(`+++ ${newText === null ? '/dev/null' : sysPath}`);
  for (const h of hs) {
    const range = (s: number, c: number) => (c === 1 ? `${s}` : `${s},${c}`);
    out.push(`@@ -${range(h.oldStart, h.oldLines)} +${range(h.newStart, h.newLines)} @@`);
    for (const l of h.lines) {
      const noEol = l.text.endsWith('\u0000noeol');
      out.push(l.op + (noEol ? l.text.slice(0, -'\u0000noeol'.length) : l.text));
      if (noEol) out.push('\\ No newline at end of file');
    }
  }
  return out.join('\n') + '\n';
}
