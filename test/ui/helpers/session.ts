// A loaded session over a copy of test/fixtures/ui-multi with a queue
// written in qmail's format, for view tests that need no terminal.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeQueue } from '../../helpers/queue-writer.js';
import { startLoad } from '../../../source/ui/loader.js';
import type { SessionData, DetailRequest } from '../../../source/ui/session-data.js';
import { requestKey } from '../../../source/ui/session-data.js';

export const FIXTURE = fileURLToPath(new URL('../../fixtures/ui-multi', import.meta.url)).replace('/dist/test/', '/test/');

export const NOW = Date.parse('2026-11-25T12:00:00Z');

/** A temporary copy of the fixture with a few queued messages in /var/qmail. */
export function fixtureWithQueue(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qlens-ui-'));
  fs.cpSync(FIXTURE, dir, { recursive: true });
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  writeQueue(
    dir,
    '/var/qmail',
    [
      { id: 101, sender: 'carol@example.net', recipients: [{ address: 'alice@example.com', channel: 'local' }], content: 'Subject: Lunch plans\n\nHello\n', queued: '2026-11-25T11:00:00Z' },
      { id: 102, sender: 'dave@example.net', recipients: [{ address: 'bob@remote.example', channel: 'remote' }, { address: 'alice@example.com', channel: 'local', done: true }], content: 'Subject: \u001b]0;pwned\u0007 evil\n\nbody \u001b[31mred\n', queued: '2026-11-24T12:00:00Z' },
      { id: 103, sender: '', recipients: ['frank@example.org'], state: 'todo', content: 'Subject: failure notice\n\n', queued: '2026-11-25T11:59:00Z' },
    ],
    { split: 23 },
  );
  return dir;
}

export async function loadSession(sysrootDir: string): Promise<{ data: SessionData; request: (r: DetailRequest) => Promise<SessionData> }> {
  let data!: SessionData;
  const loader = startLoad({ source: { sysrootDir, demo: null, note: `sysroot ${sysrootDir}` }, instances: [], now: NOW }, (d) => (data = d));
  await loader.done;
  return {
    data,
    request: async (r) => {
      loader.request(r);
      for (let i = 0; i < 500 && !data.details[requestKey(r)]; i++) await new Promise((res) => setTimeout(res, 5));
      return data;
    },
  };
}
