// Fitting text into columns: domains lose their left end (`…example.com`
// keeps the part that identifies them), paths their middle (both the
// installation and the file name stay readable), everything else its end.

export function fitEnd(s: string, width: number): string {
  if (width <= 0) return '';
  return s.length <= width ? s : s.slice(0, Math.max(0, width - 1)) + '…';
}

export function fitLeft(s: string, width: number): string {
  if (width <= 0) return '';
  return s.length <= width ? s : '…' + s.slice(s.length - width + 1);
}

export function fitMiddle(s: string, width: number): string {
  if (width <= 0) return '';
  if (s.length <= width) return s;
  if (width < 5) return fitEnd(s, width);
  const keepEnd = Math.ceil((width - 1) / 2);
  const keepStart = width - 1 - keepEnd;
  return s.slice(0, keepStart) + '…' + s.slice(s.length - keepEnd);
}

export function padEnd(s: string, width: number): string {
  return s.length >= width ? s : s + ' '.repeat(width - s.length);
}

export function padStart(s: string, width: number): string {
  return s.length >= width ? s : ' '.repeat(width - s.length) + s;
}

/** A cell: fitted then padded to exactly `width`. */
export function cell(s: string, width: number, how: 'end' | 'left' | 'middle' = 'end', align: 'left' | 'right' = 'left'): string {
  const f = how === 'left' ? fitLeft(s, width) : how === 'middle' ? fitMiddle(s, width) : fitEnd(s, width);
  return align === 'right' ? padStart(f, width) : padEnd(f, width);
}

/**
 * `text` over at most `n` lines of `width`, cut at a space in the line's
 * second half (else at `width`); a rest too long for the last line goes
 * through `lastLine` (cut with an ellipsis unless the caller says more).
 */
export function wrapLines(text: string, width: number, n: number, lastLine = (rest: string) => fitEnd(rest, width)): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest && out.length < n) {
    if (rest.length <= width) {
      out.push(rest);
      break;
    }
    if (out.length === n - 1) {
      out.push(lastLine(rest));
      break;
    }
    const at = rest.lastIndexOf(' ', width);
    const cut = at > width / 2 ? at : width;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^ +/, '');
  }
  return out;
}

/** Word-wrap into lines of at most `width` (a word longer than the line is cut). */
export function wrapText(s: string, width: number): string[] {
  const w = Math.max(10, width);
  const out: string[] = [];
  for (const para of s.split('\n')) {
    let line = '';
    for (const word of para.split(/ +/)) {
      let wd = word;
      while (wd.length > w) {
        if (line) {
          out.push(line);
          line = '';
        }
        out.push(wd.slice(0, w));
        wd = wd.slice(w);
      }
      if (!line) line = wd;
      else if (line.length + 1 + wd.length <= w) line += ' ' + wd;
      else {
        out.push(line);
        line = wd;
      }
    }
    out.push(line);
  }
  return out;
}
