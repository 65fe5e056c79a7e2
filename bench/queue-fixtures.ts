// Small queues in every state a listing meets, for queue-compare.ts: the
// life-cycle states (todo, todo half preprocessed, intd, orphan,
// preprocessed, bouncing), hostile and invalid bytes, every sender kind,
// big-todo, a message in the wrong split directory, a missing split
// directory, an empty queue and no queue, in a fixture sysroot (.fsmeta
// times) and with real mtimes. Written with the tests' own queue writer.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeQueue, type MessageSpec } from '../test/helpers/queue-writer.js';

export interface QueueFixture {
  name: string;
  sysroot: string;
  instances: string[];
}

const NOW = Date.UTC(2026, 10, 25, 12);
const hour = 3_600_000;

function installation(root: string, instance: string, lifetime?: string): void {
  const c = path.join(root, instance, 'control');
  fs.mkdirSync(c, { recursive: true });
  fs.writeFileSync(path.join(c, 'me'), 'a.example\n');
  fs.writeFileSync(path.join(c, 'locals'), 'a.example\n');
  if (lifetime !== undefined) fs.writeFileSync(path.join(c, 'queuelifetime'), lifetime);
}

function states(n: number): MessageSpec[] {
  const out: MessageSpec[] = [];
  for (let i = 0; i < n; i++) {
    const id = 900000 + i * 13;
    const born = NOW - (i % 50) * hour - (i % 4) * 3 * 86_400_000;
    const k = i % 17;
    if (k === 3) out.push({ id, sender: i % 2 ? '' : '#@[]', state: 'todo', queued: born, uid: 0, pid: 77, recipients: [`u${i}@a.example`, `x${i}@far.example`] });
    else if (k === 5) out.push({ id, sender: `p${i}@a.example`, state: 'todo', partial: true, queued: born, recipients: [{ address: `u${i}@a.example`, channel: 'local' }] });
    else if (k === 7) out.push({ id, sender: 's@a.example', state: 'orphan', recipients: [], queued: born });
    else if (k === 9) out.push({ id, sender: 's@a.example', state: 'intd', recipients: ['y@a.example'], queued: born });
    else {
      const sender =
        k === 1 ? Buffer.from(`\x1b[2J\xe9vil${i}@x.example`, 'latin1') : k === 2 ? 'list-owner-@lists.example-@[]' : k === 4 ? '' : `s${i % 5}@x.example`;
      out.push({
        id,
        sender,
        born,
        queued: born,
        recipients: [
          { address: `u${i % 7}@a.example`, channel: 'local', done: i % 3 === 0 },
          { address: k === 6 ? Buffer.from(`r\x9b\x07${i}@far.example`, 'latin1') : `r${i % 11}@far.example`, channel: 'remote', done: i % 5 === 0 },
          ...(k === 8 ? [{ address: `caf\u00e9${i}@far.example`, channel: 'remote' as const }] : []),
        ],
        ...(k === 10 ? { remoteMtime: NOW + 20 * 60_000 } : {}),
        ...(k % 4 === 0 ? { bounce: [{ recipient: `r${i}@far.example`, report: 'Remote host said: 550 no\n\nsuch user' }] } : {}),
      });
    }
  }
  return out;
}

/** Write the fixtures under `dir`; returns where each one is. */
export function writeQueueFixtures(dir: string): QueueFixture[] {
  const out: QueueFixture[] = [];
  const make = (name: string, fill: (root: string) => string[]): void => {
    const root = path.join(dir, name);
    fs.mkdirSync(root, { recursive: true });
    out.push({ name, sysroot: root, instances: fill(root) });
  };
  make('states-fsmeta', (root) => {
    installation(root, '/var/qmail');
    writeQueue(root, '/var/qmail', states(300));
    return ['/var/qmail'];
  });
  make('states-real-mtimes', (root) => {
    installation(root, '/var/qmail', '86400\n');
    writeQueue(root, '/var/qmail', states(300), { fsmeta: false });
    return ['/var/qmail'];
  });
  make('big-todo-split-7', (root) => {
    installation(root, '/var/qmail');
    writeQueue(root, '/var/qmail', states(120), { split: 7, bigTodo: true });
    return ['/var/qmail'];
  });
  make('wrong-split-and-missing-dir', (root) => {
    installation(root, '/var/qmail');
    const { queueDir } = writeQueue(root, '/var/qmail', states(80));
    // A message filed under mess/0 that belongs elsewhere, and a split directory gone.
    const q = path.join(root, queueDir);
    fs.copyFileSync(path.join(q, 'mess', String(900026 % 23), '900026'), path.join(q, 'mess/0/900026'));
    fs.rmSync(path.join(q, 'mess/5'), { recursive: true, force: true });
    // Numbers qmail never makes (#15.4): names beyond 2^53 and 2^64, a split directory far above the rest.
    for (const odd of ['9007199254740993', '99999999999999999999999', '000123']) fs.writeFileSync(path.join(q, 'mess/3', odd), 'x');
    fs.mkdirSync(path.join(q, 'mess/100000000'));
    return ['/var/qmail'];
  });
  make('empty-and-absent', (root) => {
    installation(root, '/var/qmail');
    installation(root, '/var/qmail2');
    writeQueue(root, '/var/qmail', []);
    return ['/var/qmail', '/var/qmail2'];
  });
  return out;
}
