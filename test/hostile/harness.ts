// Shared pieces for the hostile-input tests: a small but complete
// installation to break in different ways, and a way to run every one-shot
// command in-process over a Sysroot with injected faults, capturing what it
// prints and whether anything escaped as an exception.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { makeFixture, type Fixture, type FixtureEntry } from '../helpers/fixture.js';
import { writeQueue, type MessageSpec } from '../helpers/queue-writer.js';
import type { CommandContext } from '../../source/commands/context.js';
import type { Sysroot, SysrootOptions } from '../../source/sysroot/sysroot.js';
import { run as runCheck } from '../../source/commands/check.js';
import { run as runDomains } from '../../source/commands/domains.js';
import { run as runTrace } from '../../source/commands/trace.js';
import { runQueue } from '../../source/commands/queue.js';
import { run as runVeil } from '../../source/commands/veil.js';
import { startLoad } from '../../source/ui/loader.js';
import { requestKey, type DetailRequest, type SessionData } from '../../source/ui/session-data.js';

export const NOW = Date.parse('2026-11-25T12:00:00Z');

/** One installation with a local user, an alias, a virtual domain and a .qmail for each kind. */
export function baseFiles(): Record<string, FixtureEntry> {
  return {
    '/etc/passwd':
      'root:x:0:0::/root:/bin/sh\nalias:x:7790:2108::/var/qmail/alias:/bin/false\nalice:x:1001:1001::/home/alice:/bin/sh\nbob:x:1002:1002::/home/bob:/bin/sh\n',
    '/etc/group': 'root:x:0:\nnofiles:x:2108:\n',
    '/home/alice/': { dir: true, uid: 1001, gid: 1001 },
    '/home/alice/.qmail': { content: './Maildir/\n', uid: 1001, gid: 1001 },
    '/home/alice/.qmail-lists': { content: '&bob@example.com\n./Maildir/\n', uid: 1001, gid: 1001 },
    // A maildir as maildirmake leaves it: qmail-local needs tmp/ and new/ (maildir_child).
    '/home/alice/Maildir/tmp/.keep': '',
    '/home/alice/Maildir/new/.keep': '',
    '/home/alice/Maildir/cur/.keep': '',
    '/home/bob/': { dir: true, uid: 1002, gid: 1002 },
    '/home/bob/.qmail': { content: './Mailbox\n', uid: 1002, gid: 1002 },
    '/var/qmail/alias/.qmail-postmaster': '&alice@example.com\n',
    '/var/qmail/alias/.qmail-root': '&alice@example.com\n',
    '/var/qmail/rc': 'exec env - PATH="/var/qmail/bin:$PATH" qmail-start ./Maildir/ splogger qmail\n',
    '/var/qmail/control/me': 'mail.example.com\n',
    '/var/qmail/control/locals': 'example.com\nlocalhost\n',
    '/var/qmail/control/rcpthosts': 'example.com\nvirt.example\n',
    '/var/qmail/control/virtualdomains': 'virt.example:alice-virt\n',
    '/var/qmail/users/assign': '=carol:alice:1001:1001:/home/alice:::\n.\n',
  };
}

export const BASE_QUEUE: MessageSpec[] = [
  {
    id: 1000001,
    sender: 'alice@example.com',
    born: '2026-11-25T10:00:00Z',
    recipients: [
      { address: 'bob@example.com', channel: 'local' },
      { address: 'dave@remote.example', channel: 'remote' },
    ],
    content: 'Subject: hello\nFrom: alice@example.com\n\nbody\n',
  },
];

export interface Built {
  fx: Fixture;
  sysroot: (opts?: SysrootOptions) => Sysroot;
}

/** The base installation with some entries replaced or added, and (unless `queue: false`) a queue. */
export function build(over: Record<string, FixtureEntry | null> = {}, queue: MessageSpec[] | false = BASE_QUEUE, base?: string): Built {
  const files = baseFiles();
  for (const [k, v] of Object.entries(over)) {
    if (v === null) delete files[k];
    else files[k] = v;
  }
  const fx = makeFixture(files, base);
  if (queue) writeQueue(fx.dir, '/var/qmail', queue, { split: 23 });
  return { fx, sysroot: (opts) => fx.sysroot(opts) };
}

export type CommandName = 'check' | 'domains' | 'trace' | 'queue' | 'veil';

export interface RunResult {
  status: number | null;
  out: string;
  err: string;
  /** What escaped as an exception, if anything. */
  thrown: unknown;
}

export async function runCommand(
  name: CommandName,
  sysroot: Sysroot,
  opts: { instances?: string[]; positionals?: string[]; options?: CommandContext['options']; json?: boolean } = {},
): Promise<RunResult> {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CommandContext = {
    sysroot,
    instances: opts.instances ?? ['/var/qmail'],
    instancesExplicit: false,
    positionals: opts.positionals ?? (name === 'trace' ? ['alice@example.com'] : []),
    options: { ...(name === 'trace' ? { now: '2026-11-25T12:00:00Z' } : {}), ...opts.options },
    json: opts.json ?? false,
    color: false,
    readOnly: true,
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    readStdin: async () => '',
  };
  let status: number | null = null;
  let thrown: unknown = undefined;
  try {
    if (name === 'check') status = await runCheck(ctx);
    else if (name === 'domains') status = await runDomains(ctx);
    else if (name === 'trace') status = await runTrace(ctx);
    else if (name === 'veil') status = await runVeil(ctx);
    else status = await runQueue(ctx, { now: NOW });
  } catch (e) {
    thrown = e;
  }
  return { status, out: out.join(''), err: err.join(''), thrown };
}

/** ESC, every other C0 control but \t and \n, DEL, C1, bidi overrides and isolates, zero-width characters. */
export const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/u;

export function assertNoRaw(text: string, what: string): void {
  const m = RAW.exec(text);
  if (m) {
    const at = m.index;
    assert.fail(`${what}: raw U+${m[0].charCodeAt(0).toString(16).padStart(4, '0')} at ${at}: ${JSON.stringify(text.slice(Math.max(0, at - 60), at + 20))}`);
  }
}

/** Run a command; it must not throw, and neither stream may hold a raw control or bidi character. */
export async function runClean(name: CommandName, sysroot: Sysroot, opts: Parameters<typeof runCommand>[2] = {}): Promise<RunResult> {
  const r = await runCommand(name, sysroot, opts);
  if (r.thrown !== undefined) {
    const e = r.thrown as Error;
    assert.fail(`qlens ${name} threw: ${e?.stack ?? String(e)}\nout: ${r.out}\nerr: ${r.err}`);
  }
  assertNoRaw(r.out, `qlens ${name} stdout`);
  assertNoRaw(r.err, `qlens ${name} stderr`);
  return r;
}

export const ALL: CommandName[] = ['check', 'domains', 'trace', 'queue', 'veil'];

/** Lines of both streams that mention a path. */
export function linesNaming(r: RunResult, p: string): string[] {
  return (r.out + r.err).split('\n').filter((l) => l.includes(p));
}

/** Load the whole TUI session over a sysroot directory (what the Ink app shows), then read details on demand. */
export async function loadTui(dir: string, requests: DetailRequest[] = []): Promise<SessionData> {
  let last: SessionData | null = null;
  const loader = startLoad({ source: { sysrootDir: dir, demo: null, note: '' }, instances: [], now: NOW }, (d) => (last = d));
  await loader.done;
  for (const r of requests) loader.request(r);
  const want = requests.map(requestKey);
  const end = Date.now() + 30_000;
  while (!want.every((k) => last?.details[k]) && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  assert.ok(last, 'the loader published');
  return last!;
}

/** `qlens edit` or `qlens undo` in-process over a fixture (apply by default, the usual journal), what it printed and whether it threw. */
export async function runEditCommand(
  fx: Fixture,
  cmd: 'edit' | 'undo',
  opts: { target?: string; content?: string | Buffer; options?: CommandContext['options']; instances?: string[]; readOnly?: boolean } = {},
): Promise<{ status: number | null; out: string; err: string; thrown: unknown }> {
  const { run: runEdit } = await import('../../source/commands/edit.js');
  const { run: runUndo } = await import('../../source/commands/undo.js');
  let out = '';
  let err = '';
  const content = opts.content ?? '';
  const ctx: CommandContext = {
    sysroot: fx.sysroot(),
    instances: opts.instances ?? ['/var/qmail'],
    instancesExplicit: false,
    positionals: cmd === 'edit' ? [opts.target ?? '/var/qmail/control/rcpthosts'] : [],
    options: { ...(cmd === 'edit' ? { apply: true } : {}), ...opts.options },
    json: false,
    color: false,
    readOnly: opts.readOnly ?? false,
    out: (t) => (out += t),
    err: (t) => (err += t),
    readStdin: async () => content.toString(),
    readStdinBytes: async () => Buffer.from(content),
  };
  let status: number | null = null;
  let thrown: unknown;
  try {
    status = await (cmd === 'edit' ? runEdit(ctx) : runUndo(ctx));
  } catch (e) {
    thrown = e;
  }
  return { status, out, err, thrown };
}

/** Every file under a host directory with its mode and content hash (to prove nothing changed). */
export function treeSnapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const n of fs.readdirSync(d).sort()) {
      const p = path.join(d, n);
      const st = fs.lstatSync(p);
      const h = st.isFile() ? createHash('sha256').update(fs.readFileSync(p)).digest('hex') : st.isSymbolicLink() ? fs.readlinkSync(p) : '';
      out.push(`${path.relative(dir, p)} ${st.mode.toString(8)} ${st.uid} ${st.size} ${h}`);
      if (st.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

/** An installation directory whose name is hostile: an OSC that retitles the terminal, a bidi override, a C1 CSI. */
export const EVIL = '/var/qmail\x1b]0;pwned\x07\u202e\u009b2J';

/** The base world plus a second installation (a copy of /var/qmail) at EVIL; the host directory. */
export function evilWorld(): string {
  const b = build();
  fs.cpSync(b.fx.host('/var/qmail'), b.fx.host(EVIL), { recursive: true, verbatimSymlinks: true, filter: (src) => !src.endsWith('/lock/trigger') });
  return b.fx.dir;
}
