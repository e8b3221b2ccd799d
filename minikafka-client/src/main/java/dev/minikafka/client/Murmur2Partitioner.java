package dev.minikafka.client;

import java.nio.charset.StandardCharsets;

/**
 * Kafka's default partitioner for keyed records: {@code toPositive(murmur2(key)) % partitions}. Using the
 * same function means a key lands on the same partition index under MiniKafka and under Kafka, so a
 * binder swap keeps per-key order.
 */
public final class Murmur2Partitioner {

    private Murmur2Partitioner() {
    }

    public static int partition(byte[] key, int partitions) {
        return (murmur2(key) & 0x7fffffff) % partitions;
    }

    public static int partition(String key, int partitions) {
        return partition(key.getBytes(StandardCharsets.UTF_8), partitions);
    }

    /** MurmurHash2, 32-bit, seed 0x9747b28c, as in Kafka's {@code Utils.murmur2}. */
    public static int murmur2(byte[] data) {
        int length = data.length;
        int seed = 0x9747b28c;
        final int m = 0x5bd1e995;
        final int r = 24;
        int h = seed ^ length;
        int length4 = length / 4;
        for (int i = 0; i < length4; i++) {
            final int i4 = i * 4;
            int k = (data[i4] & 0xff) + ((data[i4 + 1] & 0xff) << 8) + ((data[i4 + 2] & 0xff) << 16)
                    + ((data[i4 + 3] & 0xff) << 24);
            k *= m;
            k ^= k >>> r;
            k *= m;
            h *= m;
            h ^= k;
        }
        int tail = length4 * 4;
        switch (length % 4) {
            case 3:
                h ^= (data[tail + 2] & 0xff) << 16;
            case 2:
                h ^= (data[tail + 1] & 0xff) << 8;
            case 1:
                h ^= data[tail] & 0xff;
                h *= m;
            default:
                break;
        }
        h ^= h >>> 13;
        h *= m;
        h ^= h >>> 15;
        return h;
    }
}
