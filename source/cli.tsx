#!/usr/bin/env node
// Entry point. One-shot commands are loaded on demand and never import Ink
// or React: an admin's `qlens trace` must start about as fast as Node does.
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import { parseArgs, helpText, UsageError, COMMANDS } from './cli-args.js';
import { Sysroot, FsError, normalizeSystemPath, type SysrootProblem } from './sysroot/sysroot.js';
import { hostIsDirectory, readHostFile, realHostPath } from './sysroot/host.js';
import { discoverInstances } from './qmail/discover.js';
import { sanitize, shown } from './text/sanitize.js';
import type { CommandContext, CommandRun } from './commands/context.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The project root: dist/source/cli.js → ../..; demos are found from here, not from the cwd. */
export const projectRoot = path.resolve(here, '..', '..');

function version(): string {
  try {
    return JSON.parse(readHostFile(path.join(projectRoot, 'package.json'), 1 << 20).toString('utf8')).version as string;
  } catch {
    return 'unknown';
  }
}

/** One line on stderr, made safe: every message that can echo an argument, a path or a file's bytes goes through here. */
function say(text: string): void {
  process.stderr.write(`qlens: ${sanitize(text)}\n`);
}

/** A problem the file-system layer met (a bad .fsmeta line, a file too large), as `check` prints a problem. */
function sysrootProblemLine(p: SysrootProblem): string {
  return `${sanitize(p.path)}${p.line === null ? '' : `:${p.line}`}: ${p.severity}: ${sanitize(p.message)}`;
}

const loaders: Record<string, () => Promise<{ run: CommandRun }>> = {
  trace: () => import('./commands/trace.js'),
  domains: () => import('./commands/domains.js'),
  queue: () => import('./commands/queue.js'),
  veil: () => import('./commands/veil.js'),
  log: () => import('./commands/log.js'),
  check: () => import('./commands/check.js'),
  edit: () => import('./commands/edit.js'),
  undo: () => import('./commands/undo.js'),
};

function readStdinBytes(): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks)));
    process.stdin.on('error', reject);
  });
}

const readStdin = async (): Promise<string> => (await readStdinBytes()).toString('utf8');

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      say(e.message);
      return e.status;
    }
    throw e;
  }
  const { command, positionals, options } = parsed;
  if (options.help) {
    process.stdout.write(helpText(version()) + '\n');
    return 0;
  }
  if (options.version) {
    process.stdout.write(`qlens ${version()}\n`);
    return 0;
  }
  const color = !options['no-color'] && !process.env.NO_COLOR;
  const readOnly = Boolean(options['read-only']);

  if (command === null) {
    if (positionals.length > 0) {
      say(`unexpected argument "${shown(positionals[0])}" (see qlens --help)`);
      return 2;
    }
    let now: number | undefined;
    if (typeof options.now === 'string') {
      now = Date.parse(options.now);
      if (Number.isNaN(now)) {
        process.stderr.write(`qlens: --now wants an ISO time such as 2026-11-25T10:00:00Z, not ${JSON.stringify(options.now)}\n`);
        return 2;
      }
    }
    const ui = await import('./ui/main.js');
    return ui.runTui({
      sysroot: typeof options.sysroot === 'string' ? options.sysroot : undefined,
      instances: (options.instance as string[] | undefined) ?? [],
      demo: typeof options.demo === 'string' ? options.demo : undefined,
      color,
      readOnly,
      projectRoot,
      vpopmailDb: typeof options['vpopmail-db'] === 'string' ? options['vpopmail-db'] : undefined,
      now,
    });
  }

  const usageStatus = COMMANDS[command].usageStatus?.(options) ?? 2;
  if (options.now !== undefined && command !== 'trace') {
    process.stderr.write(`qlens: --now is for the terminal UI and trace, not ${command}\n`);
    return usageStatus;
  }
  if (options.demo) {
    say('--demo opens the terminal UI; one-shot commands take --sysroot demo/NAME');
    return usageStatus;
  }
  const fatal = command === 'trace' && options.check ? 66 : 2;
  const sysrootDir = typeof options.sysroot === 'string' ? options.sysroot : '/';
  if (!hostIsDirectory(sysrootDir)) {
    say(`sysroot ${shown(sysrootDir)}: no such directory`);
    return fatal;
  }
  const explicit = ((options.instance as string[] | undefined) ?? []).map(normalizeSystemPath);
  // Their users/assign homes count for the owners .fsmeta does not give, as /var/qmail*'s do.
  const sysroot = new Sysroot(sysrootDir, { instances: explicit });
  let instances: string[];
  try {
    instances = explicit.length ? explicit : discoverInstances(sysroot);
    for (const inst of explicit) {
      if (sysroot.stat(inst + '/control')?.kind !== 'dir') {
        say(`${shown(inst)}: not a qmail installation (no control/ directory)`);
        return fatal;
      }
    }
  } catch (e) {
    say(e instanceof Error ? e.message : String(e));
    return fatal;
  }
  if (instances.length === 0) {
    say(`no qmail installation found under ${shown(sysrootDir)}`);
    return fatal;
  }
  const ctx: CommandContext = {
    sysroot,
    instances,
    instancesExplicit: explicit.length > 0,
    positionals,
    options,
    json: Boolean(options.json),
    color,
    readOnly,
    out: (t) => process.stdout.write(t),
    // Every line on stderr is made safe here too, whatever a command forgot: names of installations, paths, arguments.
    err: (t) => process.stderr.write(sanitize(t, { keepNewlines: true, keepTabs: true })),
    readStdin,
    readStdinBytes,
  };
  let status: number;
  try {
    const mod = await loaders[command]();
    status = await mod.run(ctx);
  } catch (e) {
    if (e instanceof UsageError) {
      say(e.message);
      return e.status === 2 ? usageStatus : e.status;
    }
    if (e instanceof FsError) {
      say(e.message);
      return 2;
    }
    throw e;
  }
  // What the file-system layer met on its own and no command reported (check lists them itself).
  for (const p of sysroot.takeProblems()) say(sysrootProblemLine(p));
  return status;
}

// Run only when executed, not when imported by tests.
const invoked = process.argv[1] ? realHostPath(process.argv[1]) : '';
if (invoked === fileURLToPath(import.meta.url)) {
  // `qlens queue | head`: the reader went away; stop quietly, as cat would.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  main(process.argv.slice(2)).then(
    (status) => {
      process.exitCode = status;
    },
    (err) => {
      process.stderr.write(`qlens: internal error: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
      process.exitCode = 70;
    },
  );
}
