package dev.minikafka.bench;

import dev.minikafka.client.MiniKafkaProducer;
import dev.minikafka.client.ProducerRecord;

/**
 * One producer thread's share of a phase: {@code count} records of the same payload, paced, each timed from
 * the call to {@code send} to its callback. Stops early at the deadline. Latencies are not recorded when
 * {@code latencies} is null (the warm-up).
 */
final class ProduceWorker implements Runnable {

    private final MiniKafkaProducer producer;
    private final String topic;
    private final byte[] value;
    private final long count;
    private final Pacer pacer;
    private final long deadlineNanos;
    private final LatencyRecorder latencies;
    private final SendCounters counters;

    ProduceWorker(MiniKafkaProducer producer, String topic, byte[] value, long count, Pacer pacer,
                  long deadlineNanos, LatencyRecorder latencies, SendCounters counters) {
        this.producer = producer;
        this.topic = topic;
        this.value = value;
        this.count = count;
        this.pacer = pacer;
        this.deadlineNanos = deadlineNanos;
        this.latencies = latencies;
        this.counters = counters;
    }

    @Override
    public void run() {
        final MiniKafkaProducer producer = this.producer;
        final SendCounters counters = this.counters;
        final LatencyRecorder latencies = this.latencies;
        pacer.restart();
        for (long i = 0; i < count; i++) {
            if (System.nanoTime() - deadlineNanos > 0 || Thread.currentThread().isInterrupted()) {
                return;
            }
            pacer.acquire();
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
            // The payload is shared and never written: the client may hold it until its batch is sent.
            ProducerRecord record = new ProducerRecord(topic, value);
            long start = System.nanoTime();
            counters.sent();
            try {
                producer.send(record, (metadata, exception) -> {
                    if (exception != null) {
                        counters.failed(exception);
                    } else {
                        if (latencies != null) {
                            latencies.recordNanos(System.nanoTime() - start);
                        }
                        counters.acked();
                    }
                });
            } catch (RuntimeException e) {
                counters.failed(e);
            }
        }
    }
}
