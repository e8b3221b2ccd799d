import fs from 'node:fs';
import path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json',
  '.woff2': 'font/woff2', '.map': 'application/json', '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serves the built dashboard (`ui/dist`). Paths without a file fall back to index.html, so the
 * dashboard's own routes (/topics, /groups, /records) load on a refresh. Vite's hashed `/assets/*` are
 * cached for a year; index.html never is. Without a build, a short page says how to make one.
 */
export function createStaticHandler(root) {
  const rootWithSep = root.endsWith(path.sep) ? root : root + path.sep;
  return function serveStatic(req, res, pathname) {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' });
      return res.end();
    }
    let decoded;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' });
      return res.end('malformed path\n');
    }
    let file = path.normalize(path.join(root, decoded));
    if (!file.startsWith(rootWithSep) && file !== root) {
      res.writeHead(404);
      return res.end();
    }
    let stat = statOrNull(file);
    if (stat?.isDirectory()) {
      file = path.join(file, 'index.html');
      stat = statOrNull(file);
    }
    if (!stat && !path.extname(pathname)) {
      file = path.join(root, 'index.html');
      stat = statOrNull(file);
    }
    if (!stat) {
      if (pathname === '/' || !path.extname(pathname)) return noBuild(res, root);
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      return res.end('not found\n');
    }
    const immutable = pathname.startsWith('/assets/');
    res.writeHead(200, {
      'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream',
      'Content-Length': stat.size,
      'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (req.method === 'HEAD') return res.end();
    fs.createReadStream(file).pipe(res);
  };
}

function statOrNull(file) {
  try {
    return fs.statSync(file);
  } catch {
    return null;
  }
}

function noBuild(res, root) {
  res.writeHead(503, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><title>MiniKafka</title><p>The dashboard is not built (no ${root}/index.html).
Run <code>npm ci &amp;&amp; npm run build</code> in <code>ui/</code>. The live API is up: <a href="/api/snapshot">/api/snapshot</a>.</p>`);
}
