// The Node floor for reading a queue: `node dist/bench/queue-floor.js QUEUE_DIR`
// makes the system calls `qlens queue --no-predict` makes, in one thread,
// through Node's own fs API, and nothing else: no parsing, no text, no
// output. Per split directory: list mess/N, local/N and remote/N; per
// message: lstat mess/N/ID, then open, fstat, read and close todo/ID (still
// in todo) or info/N/ID and each channel file the listing named. The paths
// are absolute, resolved once, as qlens uses them. Prints one JSON line:
// {"messages":N,"cpuMs":...,"wallMs":...}.
import * as fs from 'node:fs';
import * as path from 'node:path';

const O_READ = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0);
const buf = Buffer.allocUnsafe(65536);

function readFile(p: string): number {
  let fd: number;
  try {
    fd = fs.openSync(p, O_READ);
  } catch {
    return 0;
  }
  const st = fs.fstatSync(fd);
  const n = fs.readSync(fd, buf, 0, Math.min(st.size, buf.length), 0);
  fs.closeSync(fd);
  return n;
}

function names(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: queue-floor.js QUEUE_DIR\n');
  process.exit(2);
}
const t0 = performance.now();
const c0 = process.cpuUsage();
const q = fs.realpathSync(dir) + '/';
const split = names(q + 'mess').filter((n) => /^\d+$/.test(n)).length;
const todo = new Set(names(q + 'todo'));
names(q + 'bounce');
let messages = 0;
for (let s = 0; s < split; s++) {
  const ids = names(`${q}mess/${s}`)
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .sort((a, b) => a - b);
  const local = new Set(names(`${q}local/${s}`));
  const remote = new Set(names(`${q}remote/${s}`));
  for (const id of ids) {
    const name = String(id);
    fs.lstatSync(`${q}mess/${s}/${name}`);
    messages++;
    if (todo.has(name)) {
      readFile(`${q}todo/${name}`);
      continue;
    }
    readFile(`${q}info/${s}/${name}`);
    if (local.has(name)) readFile(`${q}local/${s}/${name}`);
    if (remote.has(name)) readFile(`${q}remote/${s}/${name}`);
  }
}
const c = process.cpuUsage(c0);
process.stdout.write(JSON.stringify({ queue: path.resolve(dir), messages, cpuMs: (c.user + c.system) / 1000, wallMs: performance.now() - t0 }) + '\n');
