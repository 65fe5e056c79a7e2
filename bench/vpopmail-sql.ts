// vpopmail over MySQL (issue 18), against a private MariaDB started here
// (test/helpers/mariadb.ts) holding a domain of 100,000 users as vadduser
// writes them (MANY_DOMAINS and VALIAS on, the costliest look-up: the valias
// keys, the user row, the dir_control slot):
// - `qlens trace ADDRESS` of a user of that domain, whole process, against
//   `node -e 0`, interleaved runs, the median of the per-pair ratios
//   (target 2.5x);
// - the TUI on that host in a pseudo-terminal: the time until the Domains
//   view shows the domain's 100,000 users counted in MySQL (target 1 s),
//   and, in one process, the first page of its users read as the Dot-qmail
//   view reads it when the branch is opened.
// Without mariadbd on the machine every figure says "not measured" and why.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import pty from '@lydell/node-pty';
import xterm from '@xterm/headless';
import { median, round } from './stats.js';

type Figure = { measured: true; medianMs: number; runsMs?: number[]; peakRssMb: number | null; [k: string]: unknown } | { measured: false; reason: string };

const USERS = 100_000;

function processMs(cmd: string, args: string[]): { ms: number; status: number | null; err: string } {
  const s = performance.now();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 60000 });
  return { ms: performance.now() - s, status: r.status, err: r.stderr?.toString() ?? '' };
}

/** Spawn the TUI in a 120x24 pty (wide enough for the row to show its count) and time the first screen holding `ready`. */
function untilOnScreen(cli: string, sysroot: string, ready: RegExp, timeoutMs = 20000): Promise<{ ms: number | null; firstMs: number | null; screen: string }> {
  const term = new xterm.Terminal({ cols: 120, rows: 24, allowProposedApi: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qlens-sqlframe-'));
  return new Promise((resolve) => {
    const start = performance.now();
    let done = false;
    let firstMs: number | null = null;
    const env: Record<string, string> = { ...(process.env as Record<string, string>), CI: 'false', TERM: 'xterm-256color' };
    const p = pty.spawn(process.execPath, [cli, '--sysroot', sysroot], { name: 'xterm-256color', cols: 120, rows: 24, cwd: tmp, env });
    const text = (): string => {
      const b = term.buffer.active;
      const out: string[] = [];
      for (let i = 0; i < term.rows; i++) out.push(b.getLine(b.viewportY + i)?.translateToString(true) ?? '');
      return out.join('\n');
    };
    const finish = (ms: number | null): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const screen = text();
      p.write('q');
      setTimeout(() => {
        try {
          p.kill('SIGTERM');
        } catch {
          /* gone */
        }
        term.dispose();
        fs.rmSync(tmp, { recursive: true, force: true });
        resolve({ ms, firstMs, screen });
      }, 300);
    };
    const timer = setTimeout(() => finish(null), timeoutMs);
    p.onData((d) => {
      const t = performance.now() - start;
      term.write(d, () => {
        if (firstMs === null && text().trim() !== '') firstMs = t;
        if (!done && ready.test(text())) finish(t);
      });
    });
    p.onExit(() => finish(null));
  });
}

export async function benchVpopmailSql(o: { runs: number; cli: string; log: (s: string) => void }): Promise<Record<string, Figure>> {
  const helpers = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'test', 'helpers');
  let mariadb: typeof import('../test/helpers/mariadb.js');
  try {
    mariadb = await import(path.join(helpers, 'mariadb.js'));
    mariadb.findMariaDb();
  } catch (e) {
    const reason = e instanceof Error ? e.message.split('\n')[0] : String(e);
    return { sqlTraceProcess: { measured: false, reason }, sqlDomainOnScreen: { measured: false, reason } };
  }
  const host = (await import(path.join(helpers, 'vpopmail-host.js'))) as typeof import('../test/helpers/vpopmail-host.js');
  const { makeFixture } = (await import(path.join(helpers, 'fixture.js'))) as typeof import('../test/helpers/fixture.js');
  o.log(`  vpopmail SQL: a private MariaDB with ${USERS} users ...\n`);
  const db = await mariadb.startMariaDb();
  const out: Record<string, Figure> = {};
  try {
    const users: import('../test/helpers/vpopmail-host.js').VUser[] = [{ name: 'postmaster', domain: 'big.example' }];
    // Directories only for the users traced (the trace checks the Maildir).
    for (let i = 1; i < USERS; i++) users.push({ name: `user${String(i).padStart(6, '0')}`, domain: 'big.example', noDir: i % 997 !== 0 });
    const vhost = { domains: [{ name: 'big.example', catchAll: 'bounce-no-mailbox' }], users, valias: [{ alias: 'info', domain: 'big.example', line: '&postmaster@big.example' }] };
    const build = { manyDomains: true, valias: true };
    const account = { user: 'bench', password: 'bench-pw' };
    const sts = [...host.vpopmailSqlStatements(vhost, build), ...host.readOnlyGrants(vhost, build, account)];
    const t0 = performance.now();
    await db.exec(sts.map((s) => s.sql), sts.map((s) => s.params));
    o.log(`  vpopmail SQL: rows written in ${round((performance.now() - t0) / 1000, 1)} s\n`);
    const fx = makeFixture(host.sqlFiles(vhost, build, { socket: db.socket, account }));
    const traced = users.filter((u) => !u.noDir && u.name !== 'postmaster').map((u) => `${u.name}@big.example`);
    const addr = (i: number) => traced[i % traced.length];

    // One-shot trace against node -e 0, interleaved.
    o.log('  vpopmail SQL: one-shot trace against node -e 0 ...\n');
    const warm = processMs(process.execPath, [o.cli, 'trace', addr(0), '--sysroot', fx.dir]);
    if (warm.status !== 0) out.sqlTraceProcess = { measured: false, reason: `exit ${warm.status}: ${warm.err.split('\n')[0]}` };
    else {
      const a: number[] = [];
      const b: number[] = [];
      for (let i = 0; i < Math.max(o.runs, 9); i++) {
        a.push(processMs(process.execPath, [o.cli, 'trace', addr(i + 1), '--sysroot', fx.dir]).ms);
        b.push(processMs(process.execPath, ['-e', '0']).ms);
      }
      out.sqlNodeFloor = { measured: true, medianMs: round(median(b)), runsMs: b.map((x) => round(x)), peakRssMb: null };
      out.sqlTraceProcess = { measured: true, medianMs: round(median(a)), runsMs: a.map((x) => round(x)), peakRssMb: null, ratioVsNode: round(median(a.map((x, i) => x / b[i])), 2), target: 2.5 };
    }

    // The TUI: the 100,000 users counted on the Domains view's first screen.
    o.log('  vpopmail SQL: TUI, the domain of 100,000 users on screen ...\n');
    const ms: number[] = [];
    const firsts: number[] = [];
    let screen = '';
    for (let i = 0; i <= Math.min(o.runs, 5); i++) {
      const r = await untilOnScreen(o.cli, fx.dir, /big\.example .*vpopmail 100000 users/);
      if (r.ms === null) {
        out.sqlDomainOnScreen = { measured: false, reason: `"100000 users" not on screen within 20 s: ${r.screen.split('\n').slice(3, 6).join(' | ').slice(0, 160)}` };
        break;
      }
      if (i > 0) {
        // the first run warms the page cache
        ms.push(r.ms);
        if (r.firstMs !== null) firsts.push(r.firstMs);
      }
      screen = r.screen;
    }
    if (!out.sqlDomainOnScreen) out.sqlDomainOnScreen = { measured: true, medianMs: round(median(ms)), runsMs: ms.map((x) => round(x)), peakRssMb: null, target: 1000, firstFrameMs: firsts.length ? round(median(firsts)) : null, screen };

    // The first page of users, as the Dot-qmail view reads it when the branch opens (in one process, warm session).
    const parts = (await import(path.join(path.dirname(o.cli), 'ui', 'vpopmail-sql-parts.js'))) as typeof import('../source/ui/vpopmail-sql-parts.js');
    const sqlDomains = (await import(path.join(path.dirname(o.cli), 'db', 'vpopmail-sql-domains.js'))) as typeof import('../source/db/vpopmail-sql-domains.js');
    const access = (await import(path.join(path.dirname(o.cli), 'db', 'vpopmail-sql-access.js'))) as typeof import('../source/db/vpopmail-sql-access.js');
    const inst = (await import(path.join(path.dirname(o.cli), 'qmail', 'installation.js'))) as typeof import('../source/qmail/installation.js');
    const sysroot = fx.sysroot();
    const domains = sqlDomains.sqlDomainsOf(inst.loadInstallation(sysroot, '/var/qmail'), inst.systemUsersOf(sysroot));
    const data = new access.SqlTraceData();
    const pages: number[] = [];
    for (let i = 0; i < 5; i++) {
      const s = performance.now();
      const nodes = await parts.readSqlBranch(data, '/var/qmail', domains, '/var/qmail#vd:big.example#mysql@0');
      pages.push(performance.now() - s);
      if (!nodes.some((n) => n.text.startsWith('user'))) pages.length = 0;
    }
    await data.close();
    out.sqlFirstPageOfUsers = pages.length ? { measured: true, medianMs: round(median(pages.slice(1))), runsMs: pages.map((x) => round(x)), peakRssMb: null, rows: parts.SQL_PAGE } : { measured: false, reason: 'no user rows came back' };
  } finally {
    await db.destroy();
  }
  return out;
}
