// The Queues view's count of messages stuck in todo/ (source/checks/stuck-todo.ts
// says why that matters), from the rows it already holds: a todo/ row is
// queued when qmail-queue wrote it, which is when its todo/ entry appeared.
import { STUCK_TODO_MS, duration, type StuckTodo } from '../../checks/stuck-todo.js';
import type { QueueItem } from '../queue-items.js';

const counted = new WeakMap<QueueItem[], { now: number; s: StuckTodo | null }>();

export function stuckTodo(messages: QueueItem[], now: number): StuckTodo | null {
  const hit = counted.get(messages);
  if (hit && hit.now === now) return hit.s;
  let count = 0;
  let oldestMs = Infinity;
  for (const m of messages) {
    if (!m.todo || now - m.queuedMs <= STUCK_TODO_MS) continue;
    count++;
    oldestMs = Math.min(oldestMs, m.queuedMs);
  }
  const s = count ? { count, oldestMs } : null;
  counted.set(messages, { now, s });
  return s;
}

/** The short form for the line under an installation's counts (the fix is in Problems and `qlens check`). */
export function stuckText(s: StuckTodo, now: number): string {
  return `${s.count === 1 ? '1 message' : `${s.count} messages`} in todo/ over ${STUCK_TODO_MS / 60000} minutes (oldest ${duration(now - s.oldestMs)}): is qmail-send running?`;
}
