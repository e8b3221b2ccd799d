import { CONTROL_PATHS, normalizeControl, validateRate } from './service-adapter.js';
import { readJson, sendJson, sendProblem } from './http-util.js';
import { describe } from './service-poller.js';

/**
 * Relays the dashboard's Start/Stop/rate to Payments:
 *   GET  /api/control        -> Payments' state {running, eventsPerSecond, eventsPerMinute, sent, sendFailures}
 *   POST /api/control/start  -> POST /control/start
 *   POST /api/control/stop   -> POST /control/stop
 *   PUT  /api/control/rate   {eventsPerSecond} | {eventsPerMinute} -> PUT /control/rate
 * Unknown commands and bad rates are a 400 problem detail and never reach Payments; Payments down is 502.
 * Payments answers a command with its new state, which the poller takes over at once, so the next
 * snapshot shows it.
 */
export function createControlHandler({ paymentsUrl, poller, timeoutMs = 2000 }) {
  return async function handleControl(req, res, command) {
    let target;
    let body;
    if (command === '' || command === undefined) {
      if (req.method !== 'GET') return sendProblem(res, 405, 'use GET /api/control for the state');
      target = CONTROL_PATHS.state;
    } else if (command === 'start' || command === 'stop') {
      if (req.method !== 'POST') return sendProblem(res, 405, `use POST /api/control/${command}`);
      target = CONTROL_PATHS[command];
    } else if (command === 'rate') {
      if (req.method !== 'PUT' && req.method !== 'POST') return sendProblem(res, 405, 'use PUT /api/control/rate');
      let input;
      try {
        input = await readJson(req);
      } catch (error) {
        return sendProblem(res, error.status, error.detail);
      }
      const checked = validateRate(input);
      if (checked.error) return sendProblem(res, 400, checked.error);
      target = CONTROL_PATHS.rate;
      body = checked.body;
    } else {
      return sendProblem(res, 400, `unknown control command "${command}": use start, stop or rate`);
    }

    let response;
    let text;
    try {
      response = await fetch(`${paymentsUrl}${target.path}`, {
        method: target.method,
        headers: body ? { 'Content-Type': 'application/json', Accept: 'application/json' } : { Accept: 'application/json' },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      return sendProblem(res, 502, `Payments at ${paymentsUrl} is not reachable: ${describe(error)}`);
    }
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (!response.ok) {
      const detail = json?.detail || json?.message || json?.error || text || `HTTP ${response.status}`;
      // A 4xx from Payments is the user's mistake and keeps its status; anything else is a bad gateway.
      return sendProblem(res, response.status >= 400 && response.status < 500 ? response.status : 502, `Payments answered: ${detail}`);
    }
    const state = normalizeControl(json);
    if (poller && target !== CONTROL_PATHS.state) poller.control = { up: true, error: null, ...state };
    return sendJson(res, 200, state);
  };
}
