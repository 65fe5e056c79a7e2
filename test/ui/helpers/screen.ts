// A headless xterm standing in for the user's terminal: tests read what is
// on the screen (the buffer after every escape sequence is applied), not the
// raw byte stream.
import xterm from '@xterm/headless';

const { Terminal } = xterm;

export class Screen {
  readonly term: InstanceType<typeof Terminal>;
  private pending = 0;

  /** convertEol: a pty turns \n into \r\n (onlcr); a bare emulator fed directly must do it itself. */
  constructor(cols: number, rows: number, opts: { convertEol?: boolean } = {}) {
    this.term = new Terminal({ cols, rows, allowProposedApi: true, scrollback: 0, convertEol: opts.convertEol ?? false });
  }

  write(data: string | Uint8Array): void {
    this.pending++;
    this.term.write(data, () => {
      this.pending--;
    });
  }

  /** Resolves once everything written so far has been parsed. */
  settled(): Promise<void> {
    return new Promise((resolve) => this.term.write('', resolve));
  }

  get idle(): boolean {
    return this.pending === 0;
  }

  resize(cols: number, rows: number): void {
    this.term.resize(cols, rows);
  }

  /** The visible screen as lines (trailing blanks trimmed). */
  lines(): string[] {
    const buf = this.term.buffer.active;
    const out: string[] = [];
    for (let y = 0; y < this.term.rows; y++) out.push(buf.getLine(buf.viewportY + y)?.translateToString(true) ?? '');
    return out;
  }

  text(): string {
    return this.lines().join('\n');
  }

  /** Is the alternate screen buffer active? */
  get alternate(): boolean {
    return this.term.buffer.active.type === 'alternate';
  }

  dispose(): void {
    this.term.dispose();
  }
}
