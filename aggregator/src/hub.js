/**
 * Publishes one merged snapshot every `1000 / snapshotsPerSec` ms, whatever the sources' own rates, to
 * every subscriber, and keeps the last `historySize` so that a new subscriber gets them first and draws
 * its charts at once. A subscriber is a function; it decides itself whether it can take one more
 * (a slow browser skips snapshots rather than growing the aggregator's buffers).
 */
export class SnapshotHub {
  #history = [];
  #subscribers = new Set();
  #timer = null;
  #seq = 0;

  constructor({ snapshotsPerSec = 2, historySize = 120, build, now = Date.now }) {
    this.intervalMs = Math.round(1000 / snapshotsPerSec);
    this.historySize = historySize;
    this.build = build;
    this.now = now;
  }

  start() {
    this.#timer = setInterval(() => this.tick(), this.intervalMs);
    this.#timer.unref?.();
    return this;
  }

  close() {
    clearInterval(this.#timer);
    this.#subscribers.clear();
  }

  /** Builds and publishes one snapshot now (the timer calls it; tests may too). */
  tick() {
    this.#seq += 1;
    const snapshot = this.build({ seq: this.#seq, now: this.now() });
    this.#history.push(snapshot);
    if (this.#history.length > this.historySize) this.#history.splice(0, this.#history.length - this.historySize);
    for (const subscriber of this.#subscribers) {
      try {
        subscriber(snapshot);
      } catch {
        this.#subscribers.delete(subscriber);
      }
    }
    return snapshot;
  }

  /** The history, oldest first; with `afterSeq`, only what came after it (a reconnecting client). */
  history(afterSeq) {
    const last = this.latest();
    // No id, or one from before an aggregator restart (ahead of ours): everything we have.
    if (afterSeq === undefined || !Number.isFinite(afterSeq) || !last || afterSeq > last.seq) return this.#history.slice();
    return this.#history.filter((s) => s.seq > afterSeq);
  }

  latest() {
    return this.#history.at(-1) ?? null;
  }

  subscribe(subscriber) {
    this.#subscribers.add(subscriber);
    return () => this.#subscribers.delete(subscriber);
  }

  get subscriberCount() {
    return this.#subscribers.size;
  }
}
