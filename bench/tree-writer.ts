// Writes a generated sysroot quickly: parent directories are made once and
// remembered, files go out with one writeFileSync each and no fsync (a
// benchmark tree is thrown away; crash safety buys nothing here).
import * as fs from 'node:fs';
import * as path from 'node:path';

export class TreeWriter {
  readonly root: string;
  files = 0;
  dirs = 0;
  bytes = 0;
  private readonly made = new Set<string>();

  constructor(root: string) {
    this.root = root;
    fs.mkdirSync(root, { recursive: true });
    this.made.add('/');
  }

  host(sysPath: string): string {
    return path.join(this.root, sysPath);
  }

  /** Make a directory (and its parents) given as a system path. */
  dir(sysPath: string): void {
    if (this.made.has(sysPath)) return;
    const parent = path.posix.dirname(sysPath);
    if (!this.made.has(parent)) this.dir(parent);
    try {
      fs.mkdirSync(this.host(sysPath));
      this.dirs++;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    this.made.add(sysPath);
  }

  file(sysPath: string, data: string | Uint8Array): void {
    const parent = path.posix.dirname(sysPath);
    if (!this.made.has(parent)) this.dir(parent);
    fs.writeFileSync(this.host(sysPath), data);
    this.files++;
    this.bytes += typeof data === 'string' ? Buffer.byteLength(data) : data.length;
  }

  /** A second name for the same inode (qmail-queue's intd/todo pair). */
  link(existingSysPath: string, newSysPath: string): void {
    const parent = path.posix.dirname(newSysPath);
    if (!this.made.has(parent)) this.dir(parent);
    fs.linkSync(this.host(existingSysPath), this.host(newSysPath));
  }

  mtime(sysPath: string, epochSeconds: number): void {
    fs.utimesSync(this.host(sysPath), epochSeconds, epochSeconds);
  }

  /** A Maildir: the directory and its cur/new/tmp. */
  maildir(sysPath: string): void {
    this.dir(sysPath);
    for (const sub of ['cur', 'new', 'tmp']) this.dir(path.posix.join(sysPath, sub));
  }
}
