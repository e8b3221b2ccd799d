import { WebSocketServer } from 'ws';

/** Past this much unsent data a browser is too slow: it skips snapshots until it catches up. */
const MAX_BUFFERED_BYTES = 1 << 20;

const serialized = new WeakMap();
/** Each snapshot is turned into JSON once, however many browsers receive it. */
function json(snapshot) {
  let text = serialized.get(snapshot);
  if (text === undefined) {
    text = JSON.stringify(snapshot);
    serialized.set(snapshot, text);
  }
  return text;
}

/**
 * `GET /api/stream`: Server-Sent Events. First one `history` event (a JSON array, oldest first; after
 * a reconnect with `Last-Event-ID`, only the snapshots the browser missed), then one `snapshot` event
 * per published snapshot. Event ids are snapshot `seq`s.
 */
export function handleSse(req, res, hub) {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  const lastId = Number(req.headers['last-event-id']);
  const history = hub.history(Number.isFinite(lastId) && req.headers['last-event-id'] !== '' ? lastId : undefined);
  const lastSeq = history.at(-1)?.seq ?? 0;
  res.write(`retry: 2000\nid: ${lastSeq}\nevent: history\ndata: [${history.map(json).join(',')}]\n\n`);
  const unsubscribe = hub.subscribe((snapshot) => {
    if (res.writableLength > MAX_BUFFERED_BYTES) return;
    res.write(`id: ${snapshot.seq}\nevent: snapshot\ndata: ${json(snapshot)}\n\n`);
  });
  req.on('close', unsubscribe);
}

/**
 * `/ws`: WebSocket. The first message is `{"type":"history","snapshots":[...]}`, then one
 * `{"type":"snapshot","snapshot":{...}}` per published snapshot. Pings every 30 s drop dead peers.
 */
export function createWebSocketServer(hub) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  wss.on('connection', (socket) => {
    socket.isAlive = true;
    socket.on('pong', () => { socket.isAlive = true; });
    socket.on('error', () => socket.terminate());
    socket.send(`{"type":"history","snapshots":[${hub.history().map(json).join(',')}]}`);
    const unsubscribe = hub.subscribe((snapshot) => {
      if (socket.readyState !== socket.OPEN || socket.bufferedAmount > MAX_BUFFERED_BYTES) return;
      socket.send(`{"type":"snapshot","snapshot":${json(snapshot)}}`);
    });
    socket.on('close', unsubscribe);
  });
  const heartbeat = setInterval(() => {
    for (const socket of wss.clients) {
      if (!socket.isAlive) {
        socket.terminate();
        continue;
      }
      socket.isAlive = false;
      socket.ping();
    }
  }, 30000);
  heartbeat.unref();
  wss.on('close', () => clearInterval(heartbeat));
  return wss;
}
