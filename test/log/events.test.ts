import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDid, parseSendEvent, unsafeText } from '../../source/log/events.js';

const p = (s: string) => {
  const b = Buffer.from(s, 'latin1');
  return parseSendEvent(b, 0, b.length);
};

test("every line qmail-send.c writes (qmail-log(5)) parses to its event", () => {
  assert.deepEqual(p('new msg 2197598'), { k: 'new', id: 2197598 });
  assert.deepEqual(p('info msg 2197598: bytes 170 from <oracle@oracle.invalid> qp 2873 uid 0'), {
    k: 'info',
    id: 2197598,
    bytes: 170,
    sender: 'oracle@oracle.invalid',
    qp: 2873,
    uid: 0,
  });
  assert.deepEqual(p('info msg 5: bytes 1 from <> qp 7 uid 7796'), { k: 'info', id: 5, bytes: 1, sender: '', qp: 7, uid: 7796 });
  // A sender holding "> qp " itself: the fields are read from the end.
  assert.equal((p('info msg 5: bytes 1 from <a>_qp_1>_qp_9@x> qp 7 uid 0') as { sender: string }).sender, 'a>_qp_1>_qp_9@x');
  assert.equal((p('info msg 5: bytes 1 from <a> qp 1@x> qp 7 uid 0') as { qp: number }).qp, 7);
  assert.deepEqual(p('starting delivery 14: msg 2197598 to local example.com-probe@example.com'), {
    k: 'start',
    d: 14,
    id: 2197598,
    channel: 'local',
    recipient: 'example.com-probe@example.com',
  });
  assert.deepEqual(p('starting delivery 15: msg 2197598 to remote bob@x.example'), { k: 'start', d: 15, id: 2197598, channel: 'remote', recipient: 'bob@x.example' });
  assert.deepEqual(p('delivery 14: success: did_1+0+0/'), { k: 'result', d: 14, result: 'success', raw: 'did_1+0+0/' });
  assert.deepEqual(p('delivery 14: deferral: Unable_to_chdir_to_maildir._(#4.2.1)/'), { k: 'result', d: 14, result: 'deferral', raw: 'Unable_to_chdir_to_maildir._(#4.2.1)/' });
  assert.deepEqual(p('delivery 14: failure: Sorry,_no_mailbox_here_by_that_name._(#5.1.1)/'), { k: 'result', d: 14, result: 'failure', raw: 'Sorry,_no_mailbox_here_by_that_name._(#5.1.1)/' });
  assert.deepEqual(p('delivery 9: report mangled, will defer'), { k: 'mangled', d: 9 });
  assert.deepEqual(p('bounce msg 2197598 qp 2901'), { k: 'bounce', id: 2197598, qp: 2901 });
  assert.deepEqual(p('triple bounce: discarding bounce/2197600'), { k: 'triple', id: 2197600 });
  assert.deepEqual(p('end msg 2197598'), { k: 'end', id: 2197598 });
  assert.deepEqual(p('status: local 1/10 remote 3/20'), { k: 'status', localUsed: 1, localMax: 10, remoteUsed: 3, remoteMax: 20, exiting: false });
  assert.deepEqual(p('status: local 0/10 remote 1/20 exiting'), { k: 'status', localUsed: 0, localMax: 10, remoteUsed: 1, remoteMax: 20, exiting: true });
  assert.deepEqual(p('status: exiting'), { k: 'exiting' });
  assert.deepEqual(p('warning: trouble marking local/0/12; message will be delivered twice!'), { k: 'note', level: 'warning', text: 'trouble marking local/0/12; message will be delivered twice!' });
  assert.deepEqual(p('alert: unable to append to bounce message; HELP! sleeping...'), { k: 'note', level: 'alert', text: 'unable to append to bounce message; HELP! sleeping...' });
});

test('malformed and foreign lines are garbage with a reason, never a half event', () => {
  const bad = [
    'new msg 12x',
    'new msg ',
    'info msg 12: bytes 10 from <a@b> qp 3',
    'starting delivery 3: msg 12 to elsewhere bob@x',
    'starting delivery 3: msg 12 to local ',
    'delivery 3: succ',
    'delivery x: success: ok',
    'end msg',
    'bounce msg 5',
    'triple bounce: discarding bounce/',
    'status: local 1/10',
    '@4000000037c219bf2ef02e94 new msg 1',
    'hello world',
    '',
  ];
  for (const l of bad) assert.equal(p(l).k, 'garbage', l);
  assert.deepEqual(p('hello'), { k: 'garbage', reason: 'not a qmail-send line' });
  // A trailing CR (a syslog relay) is not part of the text.
  assert.deepEqual(p('end msg 7\r'), { k: 'end', id: 7 });
});

test("logsafe undone: `_` back to spaces and the report's final `/` dropped; did F+W+P and a forward's qp", () => {
  assert.equal(unsafeText('Unable_to_chdir_to_maildir._(#4.2.1)/'), 'Unable to chdir to maildir. (#4.2.1)');
  assert.equal(unsafeText('1.2.3.4_does_not_like_recipient./Remote_host_said:_550_no/Giving_up_on_1.2.3.4./'), '1.2.3.4 does not like recipient./Remote host said: 550 no/Giving up on 1.2.3.4.');
  assert.deepEqual(parseDid('did 1+0+0'), { files: 1, forwards: 0, programs: 0, qp: null });
  assert.deepEqual(parseDid(unsafeText('did_0+1+0/qp_12345/')), { files: 0, forwards: 1, programs: 0, qp: 12345 });
  assert.equal(parseDid('192.0.2.1 accepted message.'), null);
});
