// A message in todo/ for more than a few minutes (issue 21 point 10): a
// running qmail-send takes each new message out of todo/ within seconds
// (qmail-queue pokes it through lock/trigger), so one still there means
// qmail-send is not running for this installation, or cannot process it
// (a permission or disk problem, a full queue directory). The lint rule
// lists todo/ itself (no message is opened); the Queues view counts the rows
// it already has (ui/views/queue-stuck.ts).
import type { Diagnostic, Installation } from '../qmail/model-types.js';

/** Older than this, a todo/ entry is stuck. */
export const STUCK_TODO_MS = 5 * 60 * 1000;

export interface StuckTodo {
  count: number;
  oldestMs: number;
}

/** "3 messages in todo/ for more than 5 minutes (the oldest 2h 5m)". */
export function stuckWords(s: StuckTodo, now: number): string {
  const n = s.count === 1 ? '1 message' : `${s.count} messages`;
  return `${n} in todo/ for more than ${STUCK_TODO_MS / 60000} minutes (the oldest ${duration(now - s.oldestMs)})`;
}

export function stuckFix(root: string): string {
  return `qmail-send is not running for ${root}, or cannot process them: start it (svc -u on its supervise service, or ${root}/rc through the init script) and read its log`;
}

export function duration(ms: number): string {
  const m = Math.floor(ms / 60000);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** The todo/ entries of an installation older than STUCK_TODO_MS, from the directory and its files' times. */
export function stuckTodoOf(inst: Installation, now: number): StuckTodo | null {
  const todo = `${inst.root}/queue/todo`;
  const top = inst.sysroot.readdir(todo);
  if (!top) return null;
  // The big-todo patch splits todo/ like mess/: its entries are then directories.
  const dirs = top.every((n) => /^\d+$/.test(n)) && top.length > 0 && inst.sysroot.stat(`${todo}/${top[0]}`)?.kind === 'dir' ? top.map((d) => `${todo}/${d}`) : [todo];
  let count = 0;
  let oldestMs = Infinity;
  for (const dir of dirs) {
    for (const name of (dir === todo ? top : inst.sysroot.readdir(dir) ?? []).filter((n) => /^\d+$/.test(n))) {
      let st;
      try {
        st = inst.sysroot.stat(`${dir}/${name}`);
      } catch {
        continue;
      }
      if (!st || st.kind !== 'file' || now - st.mtimeMs <= STUCK_TODO_MS) continue;
      count++;
      oldestMs = Math.min(oldestMs, st.mtimeMs);
    }
  }
  return count ? { count, oldestMs } : null;
}

/** The lint rule: one warning per installation with stuck todo/ entries. */
export function stuckTodoRule(now: number): (installs: Installation[]) => Diagnostic[] {
  return (installs) =>
    installs.flatMap((inst) => {
      let s: StuckTodo | null;
      try {
        s = stuckTodoOf(inst, now);
      } catch {
        return [];
      }
      return s ? [{ path: `${inst.root}/queue/todo`, line: null, severity: 'warning' as const, code: 'todo-stuck', message: `${stuckWords(s, now)}: ${stuckFix(inst.root)}` }] : [];
    });
}
