/**
 * Incremental parser for a text/event-stream body, as the HTML standard defines it: lines end in
 * CR, LF or CRLF; a blank line dispatches the event; `data` lines are joined by LF; `id` persists
 * across events (it is the Last-Event-ID to send when reconnecting); `retry` is a reconnect delay in
 * milliseconds. Feed it decoded text chunks in order; chunks may split lines anywhere.
 */
export class SseParser {
  #buffer = '';
  #data = [];
  #event = '';
  #sawCr = false;
  lastEventId = '';

  /** @param {(event: {event: string, data: string, id: string}) => void} onEvent
   *  @param {(ms: number) => void} onRetry */
  constructor(onEvent, onRetry = () => {}) {
    this.onEvent = onEvent;
    this.onRetry = onRetry;
  }

  push(chunk) {
    let text = chunk;
    // A CRLF split across two chunks: the LF belongs to the line the CR already ended.
    if (this.#sawCr && text.startsWith('\n')) text = text.slice(1);
    this.#sawCr = text.endsWith('\r');
    this.#buffer += text;
    const lines = this.#buffer.split(/\r\n|\r|\n/);
    this.#buffer = lines.pop();
    for (const line of lines) this.#line(line);
  }

  #line(line) {
    if (line === '') return this.#dispatch();
    if (line.startsWith(':')) return; // comment / keep-alive
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data': this.#data.push(value); break;
      case 'event': this.#event = value; break;
      case 'id': if (!value.includes('\0')) this.lastEventId = value; break;
      case 'retry': if (/^\d+$/.test(value)) this.onRetry(Number(value)); break;
      default: break; // unknown fields are ignored
    }
  }

  #dispatch() {
    if (this.#data.length === 0) { this.#event = ''; return; }
    const event = { event: this.#event || 'message', data: this.#data.join('\n'), id: this.lastEventId };
    this.#data = [];
    this.#event = '';
    this.onEvent(event);
  }
}
