import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SseParser } from '../src/sse-parser.js';

function parse(chunks) {
  const events = [];
  const retries = [];
  const parser = new SseParser((e) => events.push(e), (ms) => retries.push(ms));
  for (const chunk of chunks) parser.push(chunk);
  return { events, retries, parser };
}

test('parses events split across chunks at any point, CRLF included', () => {
  const text = 'id:42\r\nevent:snapshot\r\nretry:3000\r\ndata:{"seq":42}\r\n\r\nid: 43\nevent: snapshot\ndata: {"seq":43}\n\n';
  for (let cut = 1; cut < text.length; cut++) {
    const { events, retries } = parse([text.slice(0, cut), text.slice(cut)]);
    assert.deepEqual(events, [
      { event: 'snapshot', data: '{"seq":42}', id: '42' },
      { event: 'snapshot', data: '{"seq":43}', id: '43' },
    ], `cut at ${cut}`);
    assert.deepEqual(retries, [3000]);
  }
});

test('joins data lines, ignores comments and unknown fields, defaults the event name', () => {
  const { events, parser } = parse([': keep-alive\n', 'data: a\ndata: b\nfoo: bar\n\n', 'data\n\n']);
  assert.deepEqual(events, [{ event: 'message', data: 'a\nb', id: '' }, { event: 'message', data: '', id: '' }]);
  assert.equal(parser.lastEventId, '');
});

test('a blank line without data dispatches nothing, and a bad retry is ignored', () => {
  const { events, retries } = parse(['event: snapshot\n\n', 'retry: soon\n\n']);
  assert.deepEqual(events, []);
  assert.deepEqual(retries, []);
});
