package dev.minikafka.bench;

/**
 * The first 24 bytes of an end-to-end record's value: the run's id, the record's sequence number in the run,
 * then {@link System#nanoTime()} at send. Producer and consumer share one JVM, so the difference of two
 * nanoTime readings is a valid latency. The run id lets the consumer skip records that other producers write
 * to the same topic meanwhile; the sequence number tells which record arrived, for {@link DeliveryLedger}.
 */
final class Stamp {

    static final int SIZE = 24;

    private Stamp() {
    }

    static void write(byte[] value, long runId, long sequence, long nanos) {
        putLong(value, 0, runId);
        putLong(value, 8, sequence);
        putLong(value, 16, nanos);
    }

    /** Whether the value carries this run's stamp. */
    static boolean isFromRun(byte[] value, long runId) {
        return value != null && value.length >= SIZE && getLong(value, 0) == runId;
    }

    static long sequence(byte[] value) {
        return getLong(value, 8);
    }

    static long sentNanos(byte[] value) {
        return getLong(value, 16);
    }

    private static void putLong(byte[] bytes, int at, long v) {
        for (int i = 7; i >= 0; i--) {
            bytes[at + i] = (byte) v;
            v >>>= 8;
        }
    }

    private static long getLong(byte[] bytes, int at) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (bytes[at + i] & 0xFF);
        }
        return v;
    }
}
