// Helpers for the demo generators (make-demo-multi.ts, make-demo-plain.ts):
// write a sysroot from system paths, keep owners/modes/mtimes in .fsmeta
// (git keeps none of them), keep empty directories with `.keep`.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Meta {
  mode?: number;
  uid?: number;
  gid?: number;
  /** Epoch milliseconds. */
  mtime?: number;
}

export class DemoTree {
  private meta: string[] = [];

  /** Starts from an empty directory, keeping the hand-written README.md. */
  constructor(readonly dir: string) {
    const readme = path.join(dir, 'README.md');
    const kept = fs.existsSync(readme) ? fs.readFileSync(readme) : null;
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    if (kept) fs.writeFileSync(readme, kept);
  }

  host(sysPath: string): string {
    return path.join(this.dir, sysPath);
  }

  private record(sysPath: string, m: Meta | undefined, isDir: boolean): void {
    if (!m) return;
    const mode = (m.mode ?? (isDir ? 0o755 : 0o644)).toString(8).padStart(4, '0');
    const t = m.mtime === undefined ? '' : ` ${Math.floor(m.mtime / 1000)}`;
    this.meta.push(`${mode} ${m.uid ?? 0} ${m.gid ?? m.uid ?? 0} ${sysPath}${t}`);
  }

  file(sysPath: string, content: string | Buffer, m?: Meta): void {
    const h = this.host(sysPath);
    fs.mkdirSync(path.dirname(h), { recursive: true });
    fs.writeFileSync(h, content);
    this.record(sysPath, m, false);
  }

  /** A directory; empty ones get a `.keep` so git keeps them (readers skip it). */
  mkdir(sysPath: string, m?: Meta): void {
    const h = this.host(sysPath);
    fs.mkdirSync(h, { recursive: true });
    if (fs.readdirSync(h).length === 0) fs.writeFileSync(path.join(h, '.keep'), '');
    this.record(sysPath, m, true);
  }

  maildir(sysPath: string, m?: Meta): void {
    for (const d of ['cur', 'new', 'tmp']) this.mkdir(`${sysPath}/${d}`, m);
    if (m) this.record(sysPath, m, true);
  }

  link(sysPath: string, target: string): void {
    const h = this.host(sysPath);
    fs.mkdirSync(path.dirname(h), { recursive: true });
    fs.symlinkSync(target, h);
  }

  /** Owner lines for paths already written (e.g. a whole tree owned by root). */
  own(sysPath: string, m: Meta, isDir: boolean): void {
    this.record(sysPath, m, isDir);
  }

  /** Every file and directory under a system path (sorted), for bulk ownership. */
  walk(sysPath: string): Array<{ path: string; dir: boolean }> {
    const out: Array<{ path: string; dir: boolean }> = [];
    const go = (p: string): void => {
      const h = this.host(p);
      const st = fs.lstatSync(h);
      if (st.isSymbolicLink()) return;
      out.push({ path: p, dir: st.isDirectory() });
      if (st.isDirectory()) for (const n of fs.readdirSync(h).sort()) if (n !== '.keep') go(`${p}/${n}`);
    };
    go(sysPath);
    return out;
  }

  /** Write .fsmeta (the queue writer appends its own lines after this). */
  flushMeta(): void {
    fs.writeFileSync(path.join(this.dir, '.fsmeta'), '# mode uid gid path [mtime]\n' + this.meta.join('\n') + '\n');
    this.meta = [];
  }
}

/** A plain RFC 822 message body for queue files and mailboxes. */
export function message(from: string, to: string, subject: string, date: string, body: string, extra = ''): string {
  return `${extra}From: ${from}\nTo: ${to}\nSubject: ${subject}\nDate: ${date}\nMessage-ID: <${subject.length}${date.length}.${from.length}@${from.split('@')[1] ?? 'localhost'}>\n\n${body}\n`;
}

/** The project root (scripts/ is one level down). */
export function projectRoot(): string {
  return path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
}
