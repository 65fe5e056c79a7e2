// Non-regular files at every path the program reads: each path the one-shot
// commands read from the base installation (recorded, plus the layer's own
// /.fsmeta and /etc/passwd), replaced by a FIFO, a device, a directory, or a
// symlink out of the sysroot (absolute or climbing). Every command answers
// without an exception and without raw bytes; nothing blocks (a FIFO opened
// blocking would hang this test), nothing is read from outside.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { build, runClean, runCommand, loadTui, ALL, type CommandName } from '../hostile/harness.js';
import { Sysroot, normalizeSystemPath } from '../../source/sysroot/sysroot.js';
import { RUNS } from './arbitraries.js';

/** Every path whose contents are read: openDescriptor() is the one door every read goes through (read, readHead, open, positional reads, the layer's own /.fsmeta and /etc/passwd). */
const recorded = new Set<string>();
class Recording extends Sysroot {
  override openDescriptor(p: string): ReturnType<Sysroot['openDescriptor']> {
    recorded.add(normalizeSystemPath(p));
    return super.openDescriptor(p);
  }
}

const isRoot = process.getuid?.() === 0;
const HAVE_MKFIFO = spawnSync('mkfifo', ['--version']).status === 0;
/** A host file outside every sysroot, whose content must never show. */
const OUTSIDE = fs.mkdtempSync(path.join(os.tmpdir(), 'qlens-outside-'));
fs.writeFileSync(path.join(OUTSIDE, 'secret'), 'OUTSIDE-SECRET-5b1f\n');
process.on('exit', () => fs.rmSync(OUTSIDE, { recursive: true, force: true }));

const TRACED = ['alice@example.com', 'alice-lists@example.com', 'carol@example.com', 'x@virt.example'];

async function readPaths(): Promise<string[]> {
  const b = build();
  const s = new Recording(b.fx.dir);
  for (const name of ALL) await runCommand(name, s, name === 'trace' ? { positionals: TRACED } : {});
  await runCommand('queue', s, { options: { message: '1000001' } });
  // The queue's files are read by BulkDir, not through read(): named here.
  const queued = ['mess', 'info', 'local', 'remote'].map((d) => `/var/qmail/queue/${d}/7/1000001`);
  return [...new Set(['/.fsmeta', '/etc/passwd', ...queued, ...recorded])].filter((p) => fs.existsSync(b.fx.host(p))).sort();
}

type Kind = 'fifo' | 'device' | 'directory' | 'absolute link out' | 'climbing link out';
const KINDS: Kind[] = ['directory', 'absolute link out', 'climbing link out', ...(HAVE_MKFIFO ? (['fifo'] as Kind[]) : []), ...(isRoot ? (['device'] as Kind[]) : [])];

function replace(host: string, kind: Kind, depth: number): void {
  fs.rmSync(host, { recursive: true, force: true });
  if (kind === 'fifo') assert.equal(spawnSync('mkfifo', [host]).status, 0);
  else if (kind === 'device') assert.equal(spawnSync('mknod', [host, 'c', '1', '5']).status, 0);
  else if (kind === 'directory') fs.mkdirSync(host);
  else if (kind === 'absolute link out') fs.symlinkSync(path.join(OUTSIDE, 'secret'), host);
  else fs.symlinkSync('../'.repeat(depth + 3) + path.join(OUTSIDE, 'secret').slice(1), host);
}

type Runner = CommandName | 'queue --message' | 'tui';
const RUNNERS: Runner[] = [...ALL, 'queue --message', 'tui'];

/** Run one command (or load the whole TUI session and open the queued message): no exception, nothing raw, nothing from outside. */
async function runOne(name: Runner, b: ReturnType<typeof build>): Promise<void> {
  if (name === 'tui') {
    const data = await loadTui(b.fx.dir, [{ kind: 'message', instance: '/var/qmail', id: 1000001 }]);
    const shown = JSON.stringify(data);
    assert.doesNotMatch(shown, /OUTSIDE-SECRET/);
    return;
  }
  const r =
    name === 'queue --message'
      ? await runClean('queue', b.sysroot(), { options: { message: '1000001' } })
      : await runClean(name, b.sysroot(), name === 'trace' ? { positionals: TRACED } : {});
  assert.doesNotMatch(r.out + r.err, /OUTSIDE-SECRET/);
}

test('a FIFO, a device, a directory or a symlink out at any path the program reads: every command and the TUI load answer, nothing from outside shown', { timeout: 600_000 }, async () => {
  const paths = await readPaths();
  assert.ok(paths.length >= 15, `only ${paths.length} paths recorded: ${paths.join(' ')}`);
  await fc.assert(
    fc.asyncProperty(
      fc.uniqueArray(fc.tuple(fc.constantFrom(...paths), fc.constantFrom(...KINDS)), { minLength: 1, maxLength: 3, selector: ([p]) => p }),
      fc.constantFrom<Runner>(...RUNNERS),
      async (changes, name) => {
        const b = build();
        for (const [p, kind] of changes) replace(b.fx.host(p), kind, p.split('/').length);
        await runOne(name, b);
        b.fx.cleanup();
      },
    ),
    { numRuns: Math.max(15, Math.floor(RUNS / 12)) },
  );
});
