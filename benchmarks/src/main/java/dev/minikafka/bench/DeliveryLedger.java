package dev.minikafka.bench;

import java.util.BitSet;

/**
 * Which of an end-to-end run's records were acknowledged and which arrived, by sequence number, so that a
 * duplicate cannot stand in for a lost record as it could when counts were compared. The producer's callback
 * threads and the reader update it at once; a record may arrive before its acknowledgement does.
 */
final class DeliveryLedger {

    private final BitSet acked = new BitSet();
    private final BitSet received = new BitSet();
    private long missing;
    private long duplicates;

    synchronized void acked(long sequence) {
        int bit = bit(sequence);
        if (!acked.get(bit)) {
            acked.set(bit);
            if (!received.get(bit)) {
                missing++;
            }
        }
    }

    /** Returns false for a record that arrived before (a duplicate). */
    synchronized boolean received(long sequence) {
        int bit = bit(sequence);
        if (received.get(bit)) {
            duplicates++;
            return false;
        }
        received.set(bit);
        if (acked.get(bit)) {
            missing--;
        }
        return true;
    }

    /** Records acknowledged to the producer and not (yet) received. */
    synchronized long missing() {
        return missing;
    }

    /** Records received more than once, each extra copy counted. */
    synchronized long duplicates() {
        return duplicates;
    }

    private static int bit(long sequence) {
        if (sequence < 0 || sequence > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("sequence " + sequence + " outside 0.." + Integer.MAX_VALUE);
        }
        return (int) sequence;
    }
}
