package dev.minikafka.bench;

import dev.minikafka.client.MiniKafkaProducer;
import dev.minikafka.client.ProducerRecord;

/** The end-to-end run's writer: one thread at a fixed rate until {@code endNanos}, each value stamped. */
final class EndToEndProducer implements Runnable {

    private final MiniKafkaProducer producer;
    private final String topic;
    private final int recordSize;
    private final long runId;
    private final Pacer pacer;
    private final long endNanos;
    private final SendCounters counters;
    private final DeliveryLedger ledger;
    /** How late the latest-sent record left against its due time; written by the sending thread only. */
    private volatile long maxLagNanos;

    EndToEndProducer(MiniKafkaProducer producer, String topic, int recordSize, long runId, Pacer pacer,
                     long endNanos, SendCounters counters, DeliveryLedger ledger) {
        this.producer = producer;
        this.topic = topic;
        this.recordSize = recordSize;
        this.runId = runId;
        this.pacer = pacer;
        this.endNanos = endNanos;
        this.counters = counters;
        this.ledger = ledger;
    }

    @Override
    public void run() {
        final SendCounters counters = this.counters;
        long sequence = 0;
        pacer.restart();
        while (!Thread.currentThread().isInterrupted()) {
            long due = pacer.acquire();
            if (due - endNanos >= 0 || Thread.currentThread().isInterrupted()) {
                return;
            }
            byte[] value = new byte[recordSize];
            long now = System.nanoTime();
            // The stamp is the send time, so a sender running behind its schedule does not show in the
            // latency; how far behind it ran is reported on its own.
            if (now - due > maxLagNanos) {
                maxLagNanos = now - due;
            }
            long sent = sequence++;
            Stamp.write(value, runId, sent, now);
            counters.sent();
            try {
                producer.send(new ProducerRecord(topic, value), (metadata, exception) -> {
                    if (exception != null) {
                        counters.failed(exception);
                    } else {
                        counters.acked();
                        ledger.acked(sent);
                    }
                });
            } catch (RuntimeException e) {
                counters.failed(e);
            }
        }
    }

    /** The most a record was sent after its due time, in nanoseconds: how far the sender fell behind the rate. */
    long maxLagNanos() {
        return maxLagNanos;
    }
}
