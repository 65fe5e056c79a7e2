// Pure argument parsing: global options anywhere, per-command options,
// `--` ends options, a lone `-` is a positional (read addresses from stdin).
import { shown } from './text/sanitize.js';

export interface OptionSpec {
  /** Takes a value (`--sender S` or `--sender=S`). */
  value?: boolean;
  /** May be given more than once; collected into an array. */
  repeat?: boolean;
  /** One-line description for --help. */
  help: string;
  /** Placeholder for the value in --help. */
  arg?: string;
}

export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  sysroot: { value: true, arg: 'DIR', help: 'read the system under DIR instead of / (default /)' },
  instance: { value: true, repeat: true, arg: 'PATH', help: 'a qmail installation root, e.g. /var/qmail2 (repeatable)' },
  json: { help: 'print one JSON object instead of text' },
  'no-color': { help: 'no colours (also when NO_COLOR is set); state stays readable' },
  'read-only': { help: 'never write anything; hides every edit path' },
  demo: { value: true, arg: 'NAME', help: 'open a bundled demo: plain, vpopmail, vmailmgr, multi (TUI only)' },
  now: { value: true, arg: 'ISO-TIME', help: 'the TUI (and trace): the time dated values and queue ages are taken at' },
  'vpopmail-db': { value: true, arg: 'URL', help: "vpopmail's MySQL server instead of the one in ~vpopmail/etc/vpopmail.mysql: mysql://user[:pass]@host[:port]/db, or a socket path" },
  help: { help: 'show help' },
  version: { help: 'show the version' },
};

export interface CommandSpec {
  summary: string;
  usage: string;
  options: Record<string, OptionSpec>;
  /** Exit status for a usage error (trace --check uses 64, Exim -bt style). */
  usageStatus?: (opts: Record<string, unknown>) => number;
}

export const COMMANDS: Record<string, CommandSpec> = {
  trace: {
    summary: 'walk recipients through qmail exactly as it would deliver them',
    usage: 'qlens trace ADDRESS... | - [--all-instances] [--inject] [--sender S] [--check] [--message FILE] [--now ISO] [--channel local|remote]',
    options: {
      'all-instances': { help: 'trace in every loaded installation, side by side' },
      inject: { help: "first complete the address as qmail-inject would (defaulthost, defaultdomain, plusdomain)" },
      sender: { value: true, arg: 'S', help: 'envelope sender (default sender@example.invalid)' },
      check: { help: 'exit 0 all deliverable, 1 some defer, 2 some bounce (usage error 64)' },
      message: { value: true, arg: 'FILE', help: 'take Delivered-To lines from a real message' },
      now: { value: true, arg: 'ISO-TIME', help: 'the time for dated values, for repeatable output' },
      channel: { value: true, arg: 'local|remote', help: 'the address is a queued recipient, already rewritten' },
    },
    usageStatus: (o) => (o.check ? 64 : 2),
  },
  domains: {
    summary: 'every domain each installation accepts and delivers',
    usage: 'qlens domains [--json]',
    options: {},
  },
  queue: {
    summary: 'what is in each queue, read directly from disk',
    usage: 'qlens queue [--json] [--counts | --shape | --message ID] [--no-predict | --predict-all]',
    options: {
      counts: { help: "only qmail-qstat's two counts (a directory walk, no file opened)" },
      shape: { help: 'recipient domain x age table (like qshape)' },
      message: { value: true, arg: 'ID', help: "one message: envelope, headers, body preview" },
      'no-predict': { help: 'list without the tracer\'s prediction under each pending recipient (as fast as qmail-qread)' },
      'predict-all': { help: 'predict every pending recipient, however long a huge queue takes (default: the first 2000 distinct)' },
    },
  },
  veil: {
    summary: 'where several installations on one host give each other away',
    usage: 'qlens veil [--json]',
    options: {},
  },
  log: {
    summary: "what qmail-send's log says happened, beside what qlens predicts now",
    usage: 'qlens log [--since TIME] [--until TIME] [--message ID] [--address ADDR] [--summary] [--follow] [--no-predict] [--log [INSTANCE=]PATH]...',
    options: {
      since: { value: true, arg: 'TIME', help: 'only messages with a line at or after TIME (ISO, local "2026-11-25 10:00", @tai64n, or 2h / 3d ago)' },
      until: { value: true, arg: 'TIME', help: 'only messages with a line at or before TIME' },
      message: { value: true, arg: 'ID', help: 'only message ID (the number of "new msg ID"; every message that had it)' },
      address: { value: true, arg: 'ADDR', help: 'only messages from or to ADDR (also as qmail-send rewrote it)' },
      summary: { help: 'counts, reasons and delays by recipient domain (like zoverall, zdeferrals)' },
      follow: { help: 'keep reading as the log grows and rotates (Ctrl-C ends)' },
      'no-predict': { help: "no tracer prediction beside each logged recipient" },
      log: { value: true, repeat: true, arg: '[INSTANCE=]PATH', help: "read this log (multilog directory or syslog file) instead of the installation's own" },
    },
  },
  check: {
    summary: 'lint every installation (exit 1 when a problem is an error)',
    usage: 'qlens check [--json]',
    options: {},
  },
  edit: {
    summary: 'stage new content for one file (from stdin): diff, impact, and with --apply write it',
    usage: 'qlens edit PATH [--apply] [--impact ADDRESS]... [--expect-sha256 HEX] [--backup-dir DIR]',
    options: {
      apply: { help: 'write the file atomically (backup first)' },
      impact: { value: true, repeat: true, arg: 'ADDRESS', help: 'also re-trace this address' },
      'expect-sha256': { value: true, arg: 'HEX', help: 'refuse unless the file on disk has this hash' },
      'backup-dir': { value: true, arg: 'DIR', help: 'journal directory (default /var/backups/qlens)' },
    },
  },
  undo: {
    summary: 'restore the newest change in the journal',
    usage: 'qlens undo [--backup-dir DIR]',
    options: {
      'backup-dir': { value: true, arg: 'DIR', help: 'journal directory (default /var/backups/qlens)' },
    },
  },
};

export interface ParsedArgs {
  command: string | null;
  positionals: string[];
  /** Global and command options together; repeatable ones are arrays. */
  options: Record<string, string | boolean | string[]>;
}

export class UsageError extends Error {
  readonly status: number;
  constructor(message: string, status = 2) {
    super(message);
    this.name = 'UsageError';
    this.status = status;
  }
}

export function parseArgs(argv: string[]): ParsedArgs {
  let command: string | null = null;
  const positionals: string[] = [];
  const options: Record<string, string | boolean | string[]> = {};
  let endOfOptions = false;
  // Command options may come before the command name, so their specs are
  // checked once the whole line is read.
  const pendingCommandOpts: Array<{ name: string; value: string | undefined; raw: string }> = [];

  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (endOfOptions || a === '-' || !a.startsWith('-')) {
      if (command === null && !endOfOptions) {
        if (!(a in COMMANDS)) throw new UsageError(`unknown command "${shown(a)}" (see qlens --help)`);
        command = a;
      } else positionals.push(a);
      continue;
    }
    if (a === '--') {
      endOfOptions = true;
      continue;
    }
    let name: string;
    let inline: string | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      inline = eq >= 0 ? a.slice(eq + 1) : undefined;
    } else if (a === '-h') name = 'help';
    else if (a === '-V') name = 'version';
    else throw new UsageError(`unknown option "${shown(a)}" (see qlens --help)`);
    pendingCommandOpts.push({ name, value: inline, raw: a });
    // Values must be consumed now to keep positions right.
    const spec = GLOBAL_OPTIONS[name] ?? (command ? COMMANDS[command].options[name] : undefined) ?? findAnyCommandOption(name);
    if (spec?.value && inline === undefined) {
      const v = argv[i + 1];
      if (v === undefined) throw new UsageError(`option --${name} needs a value${spec.arg ? ' ' + spec.arg : ''}`);
      pendingCommandOpts[pendingCommandOpts.length - 1].value = v;
      i++;
    }
  }

  for (const p of pendingCommandOpts) {
    const spec = GLOBAL_OPTIONS[p.name] ?? (command ? COMMANDS[command].options[p.name] : undefined);
    if (!spec) {
      const where = command ? `for "${command}"` : '';
      const status = command ? COMMANDS[command].usageStatus?.(collectFlags(pendingCommandOpts)) ?? 2 : 2;
      throw new UsageError(`unknown option --${shown(p.name)}${where ? ' ' + where : ''} (see qlens --help)`, status);
    }
    if (!spec.value && p.value !== undefined) throw new UsageError(`option --${shown(p.name)} takes no value`);
    if (spec.value) {
      const v = p.value as string;
      if (spec.repeat) {
        const arr = (options[p.name] as string[] | undefined) ?? [];
        arr.push(v);
        options[p.name] = arr;
      } else options[p.name] = v;
    } else options[p.name] = true;
  }
  return { command, positionals, options };
}

function findAnyCommandOption(name: string): OptionSpec | undefined {
  for (const c of Object.values(COMMANDS)) if (c.options[name]) return c.options[name];
  return undefined;
}

function collectFlags(p: Array<{ name: string }>): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const x of p) o[x.name] = true;
  return o;
}

export function helpText(version: string): string {
  const lines: string[] = [];
  lines.push(`qlens ${version} — inspect and safely edit qmail installations`);
  lines.push('');
  lines.push('usage: qlens [GLOBAL OPTIONS] [COMMAND] [ARGS]');
  lines.push('       with no command, opens the terminal UI');
  lines.push('');
  lines.push('commands:');
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(8)} ${c.summary}`);
  lines.push('');
  lines.push('global options (before or after the command):');
  for (const [name, o] of Object.entries(GLOBAL_OPTIONS)) {
    const flag = `--${name}${o.arg ? ' ' + o.arg : ''}`;
    lines.push(`  ${flag.padEnd(20)} ${o.help}`);
  }
  for (const [name, c] of Object.entries(COMMANDS)) {
    if (Object.keys(c.options).length === 0) continue;
    lines.push('');
    lines.push(`${name}: ${c.usage}`);
    for (const [oname, o] of Object.entries(c.options)) {
      const flag = `--${oname}${o.arg ? ' ' + o.arg : ''}`;
      lines.push(`  ${flag.padEnd(20)} ${o.help}`);
    }
  }
  lines.push('');
  lines.push('`--` ends the options (qlens trace -- -joe@example.com); a lone `-` reads addresses from stdin.');
  return lines.join('\n');
}
