// One queued message in full (qlens queue --message, the Queues view's
// Enter): the envelope as a listing reads it, the header lines, a body
// preview and the bounce notes.
import { decodeBytes, type Sysroot } from '../sysroot/sysroot.js';
import { parseBounce, type BounceParagraph } from './queue-records.js';
import { asFsError, type QueueProblems } from './queue-problems.js';
import { openScan, predictRecipients, readOne, type ReadResult } from './queue-scan.js';
import type { QueueLayout, QueueMessage, QueueMessageDetail, ScanOptions } from './queue-types.js';

const HEAD_MAX = 65536;
const PREVIEW_LINES = 20;
const PREVIEW_BYTES = 4096;

/** One message by id, with headers, a body preview and its bounce notes; null when not queued. */
export function readQueueMessage(
  sysroot: Sysroot,
  layout: QueueLayout,
  id: number,
  problems: QueueProblems,
  opts: ScanOptions = {},
): QueueMessageDetail | null {
  if (!layout.present || layout.split === 0) return null;
  const cx = openScan(sysroot, layout, problems, { ...opts, includeTodo: true });
  const s = id % layout.split;
  let m: ReadResult;
  let head;
  try {
    m = readOne(cx, id);
    if (m === 'vanished') return null;
    if (m !== 'skip') predictRecipients(m, cx.predict);
    head = cx.dirs.mess[s].read(String(id), HEAD_MAX);
  } catch (e) {
    problems.fsError(asFsError(e, `${layout.queueDir}/mess/${s}/${id}`), id);
    return null;
  }
  if (!head) return null;
  const q = layout.queueDir;
  const base: QueueMessage =
    m === 'skip'
      ? {
          instance: layout.instance,
          id,
          queuedMs: head.mtimeMs,
          queuedFrom: 'mess',
          size: head.size,
          sender: null,
          senderBytes: null,
          senderKind: 'unknown',
          todo: false,
          bouncing: false,
          uid: null,
          pid: null,
          recipients: [],
          retry: {},
          expiresMs: null,
          pastLifetime: false,
        }
      : m;
  const buf = head.buf;
  const headers: Buffer[] = [];
  let pos = 0;
  let headersTruncated = true;
  while (pos < buf.length) {
    const nl = buf.indexOf(0x0a, pos);
    if (nl < 0) break;
    let line = buf.subarray(pos, nl);
    pos = nl + 1;
    if (line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
    if (line.length === 0) {
      headersTruncated = false;
      break;
    }
    headers.push(line);
  }
  if (headersTruncated && head.size <= HEAD_MAX && pos < buf.length) {
    // A last header line without LF and no body.
    headers.push(buf.subarray(pos));
    pos = buf.length;
    headersTruncated = false;
  }
  let end = pos;
  let lines = 0;
  while (end < buf.length && lines < PREVIEW_LINES && end - pos < PREVIEW_BYTES) {
    const nl = buf.indexOf(0x0a, end);
    end = nl < 0 ? buf.length : nl + 1;
    lines++;
  }
  end = Math.min(end, pos + PREVIEW_BYTES);
  let bounce: BounceParagraph[] | null = null;
  try {
    const b = cx.dirs.bounce.read(String(id));
    if (b) bounce = parseBounce(decodeBytes(b.buf));
  } catch (e) {
    problems.fsError(asFsError(e, `${q}/bounce/${id}`), id);
  }
  const chanPath = (ch: 'local' | 'remote') =>
    base.recipients.some((r) => r.channel === ch) ? `${q}/${ch}/${s}/${id}` : null;
  return {
    ...base,
    bouncing: base.bouncing || bounce !== null,
    paths: {
      mess: `${q}/mess/${s}/${id}`,
      info: base.queuedFrom === 'info' ? `${q}/info/${s}/${id}` : null,
      local: chanPath('local'),
      remote: chanPath('remote'),
      todo: base.todo ? `${cx.dirs.todoFor(id).sysDir}/${id}` : null,
      bounce: bounce !== null ? `${q}/bounce/${id}` : null,
    },
    headers,
    headersTruncated,
    bodyPreview: buf.subarray(pos, end),
    bodyTruncated: end < head.size,
    bounce,
  };
}
