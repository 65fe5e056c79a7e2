// VMailMgr's vdeliver, imitated step by step (virtual-domain-managers.md
// §3.6): one table per base user, no extension handling, the `+` catch-all
// record, expiry, mailbox and forwards, and the pre/post-deliver hooks,
// which are named but never run.
import type { Sysroot } from '../sysroot/sysroot.js';
import { normalizeSystemPath, decodeBytes } from '../sysroot/sysroot.js';
import { readLineValue } from '../qmail/control-readers.js';
import { isVdeliver, loadVmmTable, vmmConfig, vmmLookup, type VmmRecord } from '../qmail/vmailmgr.js';
import { readQuiet, statQuiet } from '../qmail/quiet-read.js';
import { programArgv } from '../qmail/program-line.js';
import type { ManagerAction, ManagerHandler, ManagerInput, ManagerResult, ReadAsUser, TraceStep } from './types.js';

export interface VdeliverContext {
  sysroot: Sysroot;
  argv: string[];
  env: Readonly<Record<string, string>>;
  readAsUser: (path: string) => ReadAsUser;
  path: string;
  line: number;
  now: Date;
  /** The base user vdeliver runs as (for the maildir's tmp/ permission); unchecked when absent. */
  uid?: number;
  gid?: number;
  /** Message size, when known (vcheckquota's message-size limit). */
  messageSize?: number;
}

class Stop extends Error {}

class Run {
  steps: TraceStep[] = [];
  actions: ManagerAction[] = [];
  step(text: string, path?: string, line?: number, warn?: boolean): void {
    const s: TraceStep = { stage: 'vdeliver', text };
    if (path) s.path = path;
    if (line) s.line = line;
    if (warn) s.warn = true;
    this.steps.push(s);
  }
  end(kind: 'bounce' | 'defer' | 'discard', target: string, why: string, path?: string): never {
    this.step(why, path);
    this.actions.push({ kind, target });
    throw new Stop();
  }
}

const HOOK_EXITS = 'the walk assumes exit 0; 99 would make vdeliver exit 99 (success, nothing stored), 100 bounce, 1/111/other defer';

function limit(n: number | null): string {
  return n === null ? 'unlimited' : String(n);
}

function describeRecord(r: VmmRecord): string {
  const v = r.version === 0 ? 'old ":CRYPT:DEST" format' : `version ${r.version}`;
  return `${v}; mailbox ${r.mailbox === '' ? '(none)' : r.mailbox} (has-mailbox ${r.flags.hasMailbox ? 1 : 0}, enabled ${r.flags.mailboxEnabled ? 1 : 0}); forwards ${r.forwards.length ? r.forwards.join(', ') : '(none)'}; expiry ${r.expiry === null ? 'never' : new Date(r.expiry * 1000).toISOString()}; limits hard ${limit(r.hardQuota)}, soft ${limit(r.softQuota)}, size ${limit(r.msgSize)}, count ${limit(r.msgCount)}`;
}

/** The hook files vdeliver would run, in order (exec.cc: /etc first, then the base user's ~/.vmailmgr). */
function hooks(run: Run, ctx: VdeliverContext, home: string, name: string): string[] {
  const out: string[] = [];
  for (const p of [`/etc/vmailmgr/${name}`, `${home}/.vmailmgr/${name}`]) {
    const st = statQuiet(ctx.sysroot, p);
    if (!st) continue;
    if (st.kind !== 'file' || (st.mode & 0o111) === 0) {
      run.step(`${p} exists but is not executable: vdeliver skips it`, p, undefined, true);
      continue;
    }
    out.push(p);
  }
  return out;
}

export function runVdeliver(ctx: VdeliverContext): ManagerResult {
  const run = new Run();
  try {
    vdeliver(run, ctx);
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
  }
  return { steps: run.steps, actions: run.actions };
}

function vdeliver(run: Run, ctx: VdeliverContext): void {
  const env = ctx.env;
  const home = (env.HOME ?? '').replace(/\/+$/, '');
  if (!env.HOME || statQuiet(ctx.sysroot, home)?.kind !== 'dir') {
    run.end('defer', "Can't determine or change to home directory", `HOME ${env.HOME ?? '(unset)'} cannot be entered → exit 1 (defer)`);
  }
  for (const v of ['USER', 'EXT', 'HOST']) {
    if (env[v] === undefined) run.end('bounce', `${v} is not set`, `${v} is not set → exit 100`);
  }
  let predeliver = true;
  let postdeliver = true;
  for (const a of ctx.argv.slice(1)) {
    if (a === '--no-predeliver') predeliver = false;
    else if (a === '--no-postdeliver') postdeliver = false;
    else if (/^-[DdRrFf]+$/.test(a) || a === '--quiet') continue;
    else run.end('defer', `vdeliver: unknown option ${a}`, `option "${a}" is not one vdeliver knows: it prints its usage and fails (defer)`, ctx.path);
  }
  const ext = env.EXT;
  const host = env.HOST;
  const { table, setting, diagnostics } = loadVmmTable(ctx.sysroot, home);
  run.step(`user table ${table.path} (password-file "${setting.value}"${setting.path ? ` from ${setting.path}` : ', the built-in default'}); one table for every domain mapped to ${env.USER}`, setting.path ?? undefined);
  if (table.state === 'corrupt') {
    run.end('defer', `qlens cannot trace further: ${table.message}`, `${table.message}. vdeliver's lookup in a damaged table cannot be predicted; qlens stops here`, table.path);
  }
  if (table.state === 'unreadable') {
    run.end('defer', `qlens cannot trace further: ${table.path} unreadable (${table.message})`, `${table.path} cannot be read (${table.message}); qlens stops here`, table.path);
  }
  for (const d of diagnostics) run.step(d.message, d.path, undefined, true);
  const key = ext.replace(/[A-Z]+/g, (m) => m.toLowerCase());
  const defUser = vmmConfig(ctx.sysroot, home, 'default-username');
  let found: { name: string; record: VmmRecord } | null = null;
  if (table.state === 'absent') {
    run.step(`${table.path} does not exist: every user is unknown (a missing table is not a deferral)`, table.path, undefined, true);
  } else {
    for (const name of [key, defUser.value ?? '+']) {
      const hit = vmmLookup(table, name);
      if (hit && hit.decoded.ok) {
        found = { name, record: hit.decoded.record };
        run.step(`record "${name}"${name !== key ? ` (default-username${defUser.path ? ` from ${defUser.path}` : ''}, the catch-all)` : ''}: ${describeRecord(hit.decoded.record)}`, table.path);
        break;
      }
      if (hit) run.step(`record "${name}" is invalid (${(hit.decoded as { reason: string }).reason}): read as a missing user`, table.path, undefined, true);
      else run.step(`no record "${name}"${name === key ? ' (vdeliver has no extension handling: the whole EXT is the key)' : ' (default-username)'}`, table.path);
      if (name === key && key === (defUser.value ?? '+')) break;
    }
  }
  if (!found) run.end('bounce', `Invalid or unknown virtual user '${ext}'`, `no usable record → "Invalid or unknown virtual user '${ext}'", exit 100`);
  const r = found.record;
  const nowSec = Math.floor(ctx.now.getTime() / 1000);
  if (r.expiry !== null && r.expiry < nowSec) {
    run.end('bounce', `Virtual user '${ext}' has expired`, `expiry ${new Date(r.expiry * 1000).toISOString()} is before the trace time → "Virtual user '${ext}' has expired", exit 100`, table.path);
  }
  const mailbox = r.flags.hasMailbox && r.flags.mailboxEnabled && r.mailbox !== '';
  const dir = r.mailbox === '' ? '' : normalizeSystemPath(r.mailbox.startsWith('/') ? r.mailbox : `${home}/${r.mailbox}`) + '/';
  if (predeliver) {
    for (const h of hooks(run, ctx, home, 'vdeliver-predeliver')) {
      run.step(`predeliver hook ${h} runs first, with VUSER, MAILDIR, VUSER_MSGSIZE ... in its environment (never run by qlens; ${HOOK_EXITS}). The outcome depends on the hook`, h);
      const txt = readQuiet(ctx.sysroot, h);
      if ('buf' in txt && decodeBytes(txt.buf).includes('vcheckquota')) {
        if (r.msgSize !== null && ctx.messageSize !== undefined && ctx.messageSize > r.msgSize) {
          run.actions.push({ kind: 'program', target: h });
          run.end('bounce', `message too large (${ctx.messageSize} bytes, limit ${r.msgSize})`, `the hook runs vcheckquota: the message is ${ctx.messageSize} bytes and the record's message-size limit is ${r.msgSize} → vcheckquota exits 100, vdeliver bounces`, h);
        }
        run.step(`the hook runs vcheckquota: limits hard ${limit(r.hardQuota)}, soft ${limit(r.softQuota)}, message size ${limit(r.msgSize)}, count ${limit(r.msgCount)}; it bounces a message over them`, h);
      }
      run.actions.push({ kind: 'program', target: h });
    }
  }
  if (!mailbox && r.mailbox !== '') {
    run.step(`no mailbox delivery: ${!r.flags.hasMailbox ? 'has-mailbox is off' : 'mailbox-enabled is off'}`);
  }
  if (mailbox) {
    const tmp = statQuiet(ctx.sysroot, `${dir}tmp`);
    const nw = statQuiet(ctx.sysroot, `${dir}new`);
    if (tmp?.kind !== 'dir' || nw?.kind !== 'dir') {
      run.end('defer', 'Destination directory does not appear to be a maildir.', `${dir} has no ${tmp?.kind !== 'dir' ? 'tmp' : 'new'} subdirectory → "Destination directory does not appear to be a maildir.", exit 111 (defer)`, dir);
    }
    if (ctx.uid !== undefined && ctx.uid !== 0 && tmp) {
      const bits = tmp.uid === ctx.uid ? (tmp.mode >> 6) & 7 : tmp.gid === ctx.gid ? (tmp.mode >> 3) & 7 : tmp.mode & 7;
      if ((bits & 3) !== 3) {
        run.end('defer', `cannot create a file in ${dir}tmp/`, `${dir}tmp/ (owner ${tmp.uid}, mode ${tmp.mode.toString(8).padStart(4, '0')}) is not writable by uid ${ctx.uid}: vdeliver retries creating its tmp file every 2 seconds without end, so the delivery hangs until qmail-local's timeout and is retried later`, `${dir}tmp`);
      }
    }
  }
  const forwards: string[] = [];
  if (r.forwards.length) {
    const qroot = vmmConfig(ctx.sysroot, home, 'qmail-root');
    for (const f of r.forwards) {
      if (!f.includes('@')) {
        forwards.push(`${f}@${host}`);
        run.step(`forward "${f}" has no "@": vdeliver adds @${host} (HOST as addressed) → ${f}@${host}`);
      } else if (f.endsWith('@')) {
        const mePath = `${(qroot.value ?? '/var/qmail').replace(/\/+$/, '')}/control/me`;
        const m = readQuiet(ctx.sysroot, mePath);
        const me = 'buf' in m ? readLineValue(m.buf) : null;
        if (!me) run.end('defer', `${mePath} is empty or missing`, `forward "${f}" ends in "@" and ${mePath} gives nothing to complete it with → exit 111 (defer)`, mePath);
        forwards.push(`${f}${me}`);
        run.step(`forward "${f}" ends in "@": vdeliver adds the first line of ${mePath} → ${f}${me}`, mePath, 1);
      } else forwards.push(f);
    }
  }
  if (mailbox) {
    run.step(`mailbox ${dir}: the message is written to ${dir}tmp/ and linked into new/${forwards.length ? ' after the forwards are queued' : ''}`);
    run.actions.push({ kind: 'maildir', target: dir });
  }
  if (forwards.length) {
    run.step(`forwards ${forwards.join(', ')} in one qmail-queue run, envelope sender $SENDER, with qmail-local's Delivered-To line`);
    for (const f of forwards) run.actions.push({ kind: 'forward', target: f });
  }
  if (postdeliver) {
    for (const h of hooks(run, ctx, home, 'vdeliver-postdeliver')) {
      run.step(`postdeliver hook ${h} runs after delivery and vdeliver exits with its status (the docs say a failure is only a warning; the 0.97.1 code passes it on): 100 would bounce a message already stored, a temporary status would store it again on the retry. Never run by qlens`, h);
      run.actions.push({ kind: 'program', target: h });
    }
  }
  if (!mailbox && forwards.length === 0) {
    run.end('discard', `virtual user '${found.name}' has no mailbox and no forwards: vdeliver exits 0 and keeps nothing`, `no mailbox delivery and no forwards: vdeliver exits 0, the message is silently discarded`);
  }
}

/** The hook the walk calls for a program line that runs vdeliver. */
export const vmailmgrHandler: ManagerHandler = (input: ManagerInput) => {
  const argv = programArgv(input.argv);
  if (input.kind !== 'vmailmgr' || !isVdeliver(argv[0] ?? '')) return null;
  return runVdeliver({
    sysroot: input.sysroot,
    argv,
    env: input.env,
    readAsUser: input.readAsUser,
    path: input.path,
    line: input.line,
    now: input.now,
    uid: input.hop.user.uid,
    gid: input.hop.user.gid,
  });
};

/** The handler for one tracer (manager-loader.ts); vdeliver reads no backend of its own. */
export function makeHandler(): ManagerHandler {
  return vmailmgrHandler;
}
