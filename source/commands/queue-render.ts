// Messages of the queue listing rendered ahead of the tracer's predictions.
// A chunk holds the text (or JSON) of a run of messages, cut at each pending
// recipient's prediction line, and the recipients to ask the tracer about.
// Rendering can then happen where the messages are read (a worker thread,
// queue-scan-worker.ts), while the predictions, which share one budget and
// one memo in listing order, are made and spliced in by the consumer.
import { toSafeJson, sanitize } from '../text/sanitize.js';
import type { FsError } from '../sysroot/sysroot.js';
import type { Diagnostic } from '../qmail/model-types.js';
import {
  ShapeBuilder,
  addToShape,
  listFailed,
  scanIds,
  type QueueMessage,
  type QueuePrediction,
  type RecipientPredictor,
  type ScanContext,
  type ScanTally,
} from '../qmail/queue.js';
import type { ShapeCounts } from '../qmail/queue-records.js';
import { messageJson, messageText } from './queue-format.js';

export interface RenderOptions {
  json: boolean;
  now: number;
  /** Leave a place for a prediction under each pending recipient. */
  predict: boolean;
  /** Count the pending recipients by domain and age (qlens queue --shape) instead of rendering. */
  shape?: boolean;
  /**
   * Stands in for a prediction while rendering; random per listing, so no
   * byte sequence in a queue file can be mistaken for it.
   */
  marker: string;
}

export interface RenderedChunk {
  /**
   * Per item: its text in pieces, one more than its pending recipients. An
   * item is a message that asks for predictions, or a run of messages that
   * ask for none, joined (with commas in JSON) so that a chunk crosses
   * threads as a few long strings rather than one per message.
   */
  parts: string[];
  /** Per item: how many pending recipients it asks about (0 for a run of messages that ask nothing). */
  asks: number[];
  /** Messages in the chunk. */
  messages: number;
  /** Per message asking: the envelope sender. */
  senders: string[];
  /** Per pending recipient, in order: address, then channel ('' for a recipient still in todo). */
  recipients: string[];
  /** Summary counters over the chunk's messages. */
  bouncing: number;
  pastLifetime: number;
  pendingRecipients: number;
  /** The id of the chunk's last message. */
  lastId?: number;
  /** With RenderOptions.shape: the chunk's messages counted by domain and age, and no text. */
  shape?: ShapeCounts;
}

export function emptyChunk(): RenderedChunk {
  return { parts: [], asks: [], senders: [], recipients: [], messages: 0, bouncing: 0, pastLifetime: 0, pendingRecipients: 0 };
}

function placeholder(marker: string): QueuePrediction {
  return { kind: '', target: '', text: marker };
}

/** The rendered form of a placeholder, where the listing is cut. */
function cutAt(o: RenderOptions): string {
  return o.json ? `,"prediction":${toSafeJson(placeholder(o.marker))}` : `\t\t${o.marker}\n`;
}

/** Add one message to a chunk. */
export function renderInto(chunk: RenderedChunk, m: QueueMessage, o: RenderOptions): void {
  chunk.lastId = m.id;
  chunk.messages++;
  let pending = 0;
  for (const r of m.recipients) if (!r.done) pending++;
  chunk.pendingRecipients += pending;
  if (m.bouncing) chunk.bouncing++;
  if (m.pastLifetime) chunk.pastLifetime++;
  if (o.shape) return;
  const ask = o.predict ? pending : 0;
  if (ask > 0) {
    const mark = placeholder(o.marker);
    for (const r of m.recipients) if (!r.done) r.prediction = mark;
  }
  const text = o.json ? toSafeJson(messageJson(m)) : messageText(m, o.now);
  if (ask === 0) {
    const last = chunk.asks.length - 1;
    if (last >= 0 && chunk.asks[last] === 0) chunk.parts[chunk.parts.length - 1] += (o.json ? ',' : '') + text;
    else {
      chunk.parts.push(text);
      chunk.asks.push(0);
    }
    return;
  }
  const pieces = text.split(cutAt(o));
  if (pieces.length !== ask + 1) throw new Error(`queue listing: message #${m.id} rendered with ${pieces.length - 1} places for ${ask} predictions`);
  chunk.parts.push(...pieces);
  chunk.asks.push(ask);
  chunk.senders.push(m.sender ?? '');
  for (const r of m.recipients) if (!r.done) chunk.recipients.push(r.address, r.channel ?? '');
}

/** The line (or JSON member) a prediction adds under its recipient. */
export function predictionText(p: QueuePrediction, json: boolean): string {
  return json ? `,"prediction":${toSafeJson(p)}` : `\t\t${sanitize(p.text)}\n`;
}

/**
 * Each item of a chunk (a message, or a run of them in JSON joined by commas)
 * with its predictions spliced in, asking `predict` in listing order.
 */
export function* spliceChunk(chunk: RenderedChunk, json: boolean, predict: RecipientPredictor | undefined): Generator<string> {
  let part = 0;
  let rec = 0;
  let asker = 0;
  for (const n of chunk.asks) {
    if (n === 0) {
      yield chunk.parts[part++];
      continue;
    }
    const sender = chunk.senders[asker++];
    let out = '';
    for (let i = 0; i < n; i++) {
      const address = chunk.recipients[rec++];
      const channel = chunk.recipients[rec++];
      const p = predict ? predict(address, channel === '' ? null : (channel as 'local' | 'remote'), sender) : null;
      out += chunk.parts[part++];
      if (p) out += predictionText(p, json);
    }
    yield out + chunk.parts[part++];
  }
}

/**
 * One split directory read and rendered, in chunks of `chunkSize` messages:
 * the ids `listed` there (and what listing it met); returns true when the
 * listing must stop there (as scanSplit). Messages
 * with ids up to `afterId` are read but not rendered: they were handed out
 * already, by a worker that then died.
 */
export function* renderSplit(
  cx: ScanContext,
  d: number,
  listed: { ids: ArrayLike<number>; error?: FsError; odd?: Diagnostic[] },
  tally: ScanTally,
  openDirs: Map<string, boolean>,
  render: RenderOptions,
  chunkSize: number,
  afterId = -1,
): Generator<RenderedChunk, boolean> {
  if (listed.error) return listFailed(cx, listed.error, tally);
  for (const p of listed.odd ?? []) cx.problems.add(p);
  const it = scanIds(cx, d, listed.ids, 0, listed.ids.length, tally, openDirs);
  let chunk = emptyChunk();
  let shape = render.shape ? new ShapeBuilder(render.now) : null;
  const full = (): RenderedChunk => {
    if (shape) {
      chunk.shape = shape.counts();
      shape = new ShapeBuilder(render.now);
    }
    const c = chunk;
    chunk = emptyChunk();
    return c;
  };
  for (;;) {
    const step = it.next();
    if (step.done) {
      if (chunk.messages > 0) yield full();
      return step.value;
    }
    if (step.value.id <= afterId) continue;
    renderInto(chunk, step.value, render);
    if (shape) addToShape(shape, step.value);
    if (chunk.messages >= chunkSize) yield full();
  }
}
