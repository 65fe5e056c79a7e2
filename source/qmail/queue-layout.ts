// Where a queue is and how big: its layout (split, big-todo) as the
// directories show it, control/queuelifetime, and qmail-qstat's two counts
// (a walk over the names, no message file opened).
import { Sysroot } from '../sysroot/sysroot.js';
import { BulkDir } from '../sysroot/bulk-dir.js';
import { readIntValue, QMAIL_INT_MAX } from './control-readers.js';
import type { Diagnostic } from './model-types.js';
import { DEFAULT_QUEUELIFETIME } from './queue-records.js';
import { asFsError, type QueueProblems } from './queue-problems.js';
import type { DirListing, QueueCounts, QueueLayout, QueueListing } from './queue-types.js';

/** A message's name: wholly decimal digits (readsubdir.c, todo_do). */
export const DIGITS = /^\d+$/;

/** A long run of digits as a problem shows it: whole up to 40 digits, else its start and its length. */
function shownNumber(n: string): string {
  return n.length > 40 ? `${n.slice(0, 20)}… (${n.length} digits)` : n;
}

/** A message file whose number qlens cannot hold exactly: reported, not listed. */
export function unsafeId(dir: string, name: string): Diagnostic {
  const beyondInode = name.replace(/^0+/, '').length > 20 || BigInt(name) >= 2n ** 64n;
  return {
    path: `${dir}/${shownNumber(name)}`,
    line: null,
    severity: 'warning',
    code: 'queue-odd-name',
    message: beyondInode
      ? 'a message number beyond any inode number (2^64): no message qmail queued; not listed'
      : 'a message number beyond 2^53, more than qlens can hold exactly: not listed',
  };
}


/** control/queuelifetime in seconds, as qmail-send's int holds it; a number beyond that int is reported into `problems`. */
export function readQueuelifetime(sysroot: Sysroot, instance: string, problems?: QueueProblems): number {
  const path = `${instance}/control/queuelifetime`;
  let r;
  try {
    r = readIntValue(sysroot.read(path), DEFAULT_QUEUELIFETIME);
  } catch {
    return DEFAULT_QUEUELIFETIME;
  }
  if (r.overflow !== undefined) {
    problems?.add({
      path,
      line: 1,
      severity: 'error',
      code: 'queue-lifetime-overflow',
      message: `${r.overflow} does not fit qmail-send's int (at most ${QMAIL_INT_MAX}): qmail reads it as ${r.value} seconds`,
    });
  }
  return r.value;
}

/**
 * The split a queue's directory names show: the highest mess/N such that at
 * least half of 0..N exist (a directory missing here and there still says
 * conf-split), so one odd name far above the rest (mess/100000000) is not
 * taken for a split of a hundred million.
 */
function inferSplit(sorted: number[]): number {
  let split = 0;
  for (let i = 0; i < sorted.length; i++) if (sorted[i] + 1 <= 2 * (i + 1)) split = sorted[i] + 1;
  return split;
}

/** A list of names for a message, at most `max` of them. */
function someOf(names: string[], max = 10): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

export function readQueueLayout(sysroot: Sysroot, instance: string, problems: QueueProblems): QueueLayout {
  const queueDir = `${instance}/queue`;
  const layout: QueueLayout = { instance, queueDir, present: false, split: 0, splitDirs: [], bigTodo: false };
  let st;
  try {
    st = sysroot.stat(queueDir);
  } catch (e) {
    problems.fsError(asFsError(e, queueDir));
    return layout;
  }
  if (!st || st.kind !== 'dir') return layout;
  layout.present = true;
  let names: string[] | null;
  try {
    names = sysroot.readdir(`${queueDir}/mess`);
  } catch (e) {
    problems.fsError(asFsError(e, `${queueDir}/mess`));
    return layout;
  }
  const odd: string[] = [];
  for (const n of names ?? []) {
    if (!DIGITS.test(n)) continue;
    if (sysroot.stat(`${queueDir}/mess/${n}`)?.kind !== 'dir') continue;
    // conf-split is an int: a longer name is no split directory qmail could make.
    if (n.length > 10 || Number(n) > QMAIL_INT_MAX) odd.push(n);
    else layout.splitDirs.push(Number(n));
  }
  layout.splitDirs.sort((a, b) => a - b);
  // A missing directory in the middle (0..22 without 5) still means split 23:
  // the names say what conf-split was better than the count does.
  layout.split = inferSplit(layout.splitDirs);
  for (const d of layout.splitDirs) if (d >= layout.split) odd.push(String(d));
  layout.splitDirs = layout.splitDirs.filter((d) => d < layout.split);
  for (const [i, n] of odd.entries()) {
    if (i === 10) {
      problems.add({ path: `${queueDir}/mess`, line: null, severity: 'warning', code: 'queue-layout', message: `${odd.length - 10} more directories beyond the split (${layout.split})` });
      break;
    }
    problems.add({
      path: `${queueDir}/mess/${shownNumber(n)}`,
      line: null,
      severity: 'warning',
      code: 'queue-layout',
      message: `a split directory beyond the split the others show (${layout.split}): qmail-send never looks there`,
    });
  }
  if (names === null) {
    problems.add({ path: `${queueDir}/mess`, line: null, severity: 'error', code: 'queue-layout', message: 'the queue has no mess/ directory' });
  } else if (layout.split === 0) {
    problems.add({ path: `${queueDir}/mess`, line: null, severity: 'error', code: 'queue-layout', message: 'mess/ has no numeric split subdirectories' });
  } else if (layout.splitDirs.length !== layout.split) {
    const have = new Set(layout.splitDirs);
    const missing: string[] = [];
    for (let i = 0; i < layout.split; i++) if (!have.has(i)) missing.push(`mess/${i}`);
    problems.add({
      path: `${queueDir}/mess`,
      line: null,
      severity: 'error',
      code: 'queue-layout',
      message: `split directories missing: ${someOf(missing, 20)} (qmail-send and qmail-queue fail on messages that belong there)`,
    });
  }
  try {
    layout.bigTodo = sysroot.stat(`${queueDir}/todo/0`)?.kind === 'dir';
  } catch {
    layout.bigTodo = false;
  }
  return layout;
}

function countDir(sysroot: Sysroot, dir: string, problems: QueueProblems): number {
  try {
    // One readdir call per split directory (a few thousand names even on a
    // 100,000-message queue): streaming in batches of 32 cost 50 ms more.
    return new BulkDir(sysroot, dir).list().length;
  } catch (e) {
    problems.fsError(asFsError(e, dir));
    return 0;
  }
}

/** qmail-qstat's two numbers: a walk over the names, no message file opened. */
export function countQueue(sysroot: Sysroot, layout: QueueLayout, problems: QueueProblems): QueueCounts {
  const counts: QueueCounts = { messages: 0, todo: 0 };
  if (!layout.present) return counts;
  for (const d of layout.splitDirs) counts.messages += countDir(sysroot, `${layout.queueDir}/mess/${d}`, problems);
  counts.todo = countTodo(sysroot, layout, problems);
  return counts;
}

function countTodo(sysroot: Sysroot, layout: QueueLayout, problems: QueueProblems): number {
  if (!layout.bigTodo) return countDir(sysroot, `${layout.queueDir}/todo`, problems);
  let n = 0;
  for (let i = 0; i < layout.split; i++) n += countDir(sysroot, `${layout.queueDir}/todo/${i}`, problems);
  return n;
}

/** Names in one directory: the view's own readdir when it is more than a plain Sysroot (a test's changing tree), else one unsorted readdir. */
function namesIn(sysroot: Sysroot, dir: string): string[] {
  if (sysroot.constructor !== Sysroot) return sysroot.readdir(dir) ?? [];
  return new BulkDir(sysroot, dir).list();
}

/**
 * qmail-qstat's counts and the message ids of every split directory, from one
 * listing of mess/: the listing reads these ids instead of listing mess/
 * again. What a directory's listing met (its error, names beyond 2^53) is
 * kept for the listing to say when it gets there, as if it listed it then.
 */
export function listQueue(sysroot: Sysroot, layout: QueueLayout, problems: QueueProblems): QueueListing {
  const listing: QueueListing = { counts: { messages: 0, todo: 0 }, dirs: new Map() };
  if (!layout.present) return listing;
  for (const d of layout.splitDirs) {
    const dir = `${layout.queueDir}/mess/${d}`;
    let names: string[];
    try {
      names = namesIn(sysroot, dir);
    } catch (e) {
      const error = asFsError(e, dir);
      problems.fsError(error);
      listing.dirs.set(d, { ids: [], error });
      continue;
    }
    listing.counts.messages += names.length;
    const entry: DirListing = { ids: [] };
    let odd: string[] | null = null;
    for (const n of names) {
      if (!DIGITS.test(n)) continue;
      const id = Number(n);
      if (Number.isSafeInteger(id)) entry.ids.push(id);
      else (odd ??= []).push(n);
    }
    entry.ids.sort((a, b) => a - b);
    // Said in name order, as a sorted listing meets them.
    if (odd) entry.odd = odd.sort().map((n) => unsafeId(dir, n));
    listing.dirs.set(d, entry);
  }
  listing.counts.todo = countTodo(sysroot, layout, problems);
  return listing;
}
