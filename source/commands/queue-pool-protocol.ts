// What the queue pool (queue-pool.ts) and its workers (queue-scan-worker.ts)
// say to each other. Kept apart from the worker's entry file, which starts
// reading as soon as it is loaded in a worker thread.
import type { FaultMap } from '../sysroot/sysroot.js';
import type { QueueLayout, ScanTally } from '../qmail/queue.js';
import type { Diagnostic } from '../qmail/model-types.js';
import type { RenderOptions, RenderedChunk } from './queue-render.js';

export interface ScanWorkerRequest {
  hostRoot: string;
  faults: FaultMap;
  layout: QueueLayout;
  now: number;
  queuelifetime: number;
  startedMs: number;
  todoIds: number[];
  bounceIds: number[];
  includeTodo: boolean;
  /** The ids the listing found in every split directory, in one shared buffer, read in place. */
  ids: Float64Array;
  /** Where the ids of layout.splitDirs[i] start in `ids` (and end: starts[i + 1]). */
  starts: number[];
  /** What the listing met in some split directories: the error listing it (an FsError's fields), names beyond 2^53. */
  dirNotes: Array<{ d: number; error?: { code: string; path: string; message: string }; odd?: Diagnostic[] }>;
  /** Int32Array over it: [0] next index into layout.splitDirs to claim, [1] directories finished by the consumer, [2] stop. */
  control: SharedArrayBuffer;
  ahead: number;
  chunk: number;
  render: RenderOptions;
}

export type ScanWorkerMessage =
  | { kind: 'chunk'; index: number; chunk: RenderedChunk }
  | {
      kind: 'end';
      index: number;
      tally: ScanTally;
      problems: Diagnostic[];
      onceCodes: string[];
      /** A permission error closed the listing: nothing after this directory. */
      stop: boolean;
    }
  | { kind: 'idle' };

export const CLAIM = 0;
export const FINISHED = 1;
export const STOP = 2;
