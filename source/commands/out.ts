// Output gathered and handed to ctx.out in large pieces: a listing of
// 100,000 messages must not cost a write (a system call) per line.

export class Out {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly write: (t: string) => void) {}
  /** True when a piece was just written: the caller lets the event loop run (a closed pipe then ends us). */
  put(s: string): boolean {
    this.parts.push(s);
    this.size += s.length;
    if (this.size < 65536) return false;
    this.flush();
    return true;
  }
  flush(): void {
    if (this.parts.length === 0) return;
    this.write(this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }
}
