/** Small helpers shared by the aggregator's HTTP handlers. */

/** An RFC 9457 problem detail, the error format the broker's REST API uses too. */
export function sendProblem(res, status, detail, title = TITLES[status] ?? 'Error') {
  sendJson(res, status, { type: 'about:blank', title, status, detail }, 'application/problem+json');
}

export function sendJson(res, status, body, type = 'application/json') {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text);
}

const TITLES = { 400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found', 405: 'Method Not Allowed', 413: 'Content Too Large', 502: 'Bad Gateway', 504: 'Gateway Timeout' };

/** Reads a request body of at most `limit` bytes as JSON; rejects with {status, detail}. */
export function readJson(req, limit = 64 * 1024) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > limit) {
        reject({ status: 413, detail: `body larger than ${limit} bytes` });
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return reject({ status: 400, detail: 'a JSON body is required' });
      try {
        resolve(JSON.parse(text));
      } catch (error) {
        reject({ status: 400, detail: `malformed JSON: ${error.message}` });
      }
    });
    req.on('error', () => reject({ status: 400, detail: 'request aborted' }));
  });
}
