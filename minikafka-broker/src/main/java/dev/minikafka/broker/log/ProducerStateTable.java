package dev.minikafka.broker.log;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.minikafka.broker.log.SequenceException.Reason;
import dev.minikafka.protocol.RecordBatch;

/**
 * One partition's idempotent producers, by producer id: what the writer checks every request against
 * before it assigns offsets, as Kafka's {@code ProducerStateManager} does.
 *
 * <ul>
 *   <li>A batch that exactly repeats one of the producer's last {@value ProducerEntry#RETAINED_BATCHES}
 *       batches (same epoch, first and last sequence) is a retry of something already appended: it is not
 *       written again and is answered with its original base offset. One whose sequences lie wholly before
 *       the remembered window is a duplicate too, answered with offset -1.</li>
 *   <li>Any other batch must follow on: sequence = the last appended + 1 (wrapping at
 *       {@code Integer.MAX_VALUE}), or 0 under a newer epoch. Otherwise the whole request is refused with
 *       {@link Reason#OUT_OF_ORDER_SEQUENCE}, and an older epoch with {@link Reason#INVALID_PRODUCER_EPOCH}.</li>
 *   <li>A producer the partition does not know (new, expired, evicted, or older than what recovery read)
 *       may start at any sequence, as in Kafka.</li>
 * </ul>
 *
 * Duplicates can only lead a request (a retried request resends the oldest batches first), so the writer
 * skips them by moving the buffer's position; the rest is written as usual.
 *
 * <p>Thread-safety: none; the partition's single writer owns it (recovery builds it before the writer runs,
 * and {@link LogManager#close} snapshots it once the writer is idle).
 */
final class ProducerStateTable {

    private final ProducerStateConfig config;
    /** Least recently appended first, so eviction past {@code maxProducers} drops the idlest. */
    private final LinkedHashMap<Long, ProducerEntry> producers;

    ProducerStateTable(ProducerStateConfig config) {
        this.config = config;
        this.producers = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, ProducerEntry> eldest) {
                return size() > ProducerStateTable.this.config.maxProducers();
            }
        };
    }

    ProducerStateConfig config() {
        return config;
    }

    int producerCount() {
        return producers.size();
    }

    ProducerEntry get(long producerId) {
        return producers.get(producerId);
    }

    Collection<ProducerEntry> entries() {
        return producers.values();
    }

    /**
     * Checks a request's batches (from the buffer's position to its limit) against the producers' state,
     * changing nothing. Duplicates found at the head are recorded in {@code append} (count and original
     * offsets); non-idempotent batches pass untouched.
     *
     * @throws SequenceException when nothing of the request may be written
     */
    void check(PendingAppend append, String partition) throws SequenceException {
        ByteBuffer batches = append.batches;
        int pos = batches.position();
        int limit = batches.limit();
        long producerId = RecordBatch.producerId(batches, pos);
        short epoch = RecordBatch.producerEpoch(batches, pos);
        if (producerId < 0) {
            for (; pos < limit; pos += RecordBatch.sizeInBytes(batches, pos)) {
                if (RecordBatch.producerId(batches, pos) >= 0) {
                    throw new SequenceException(Reason.INVALID_BATCHES, "a request mixes batches with and without a "
                            + "producer id (" + partition + ")");
                }
            }
            return;
        }
        ProducerEntry entry = producers.get(producerId);
        if (entry != null && epoch < entry.epoch()) {
            throw new SequenceException(Reason.INVALID_PRODUCER_EPOCH, "producer " + producerId + " sent epoch " + epoch
                    + " but " + partition + " has seen epoch " + entry.epoch() + "; the older epoch is fenced");
        }
        boolean known = entry != null && !entry.isEmpty();
        boolean sameEpoch = known && epoch == entry.epoch();
        // -1: any sequence may come next (an unknown producer).
        long expected = !known ? -1 : sameEpoch ? ProducerEntry.addSequence(entry.lastSequence(), 1) : 0;
        int index = 0;
        boolean newSeen = false;
        for (; pos < limit; pos += RecordBatch.sizeInBytes(batches, pos), index++) {
            if (RecordBatch.producerId(batches, pos) != producerId || RecordBatch.producerEpoch(batches, pos) != epoch) {
                throw new SequenceException(Reason.INVALID_BATCHES, "a request mixes producer ids or epochs ("
                        + partition + "); send one producer's batches per request");
            }
            int first = RecordBatch.baseSequence(batches, pos);
            if (first < 0) {
                throw new SequenceException(Reason.INVALID_BATCHES, "producer " + producerId + " sent a batch without a "
                        + "sequence number (" + partition + ")");
            }
            int last = ProducerEntry.addSequence(first, RecordBatch.lastOffsetDelta(batches, pos));
            if (sameEpoch && !newSeen) {
                long original = entry.offsetOfDuplicate(first, last);
                if (original < 0 && first < expected && last < expected && first <= last) {
                    original = -1; // older than the window: appended, but its offset is forgotten
                } else if (original < 0) {
                    original = Long.MIN_VALUE;
                }
                if (original != Long.MIN_VALUE) {
                    append.duplicate(index, original, pos + RecordBatch.sizeInBytes(batches, pos));
                    continue;
                }
            }
            if (expected >= 0 && first != expected) {
                throw new SequenceException(Reason.OUT_OF_ORDER_SEQUENCE, "producer " + producerId + " epoch " + epoch
                        + " sent sequence " + first + " to " + partition + " but the next expected is " + expected
                        + "; nothing of the request was written");
            }
            newSeen = true;
            expected = ProducerEntry.addSequence(last, 1);
        }
    }

    /** Records an appended batch (at {@code pos}, its base offset already assigned); ignores non-idempotent ones. */
    void appended(ByteBuffer batches, int pos, long nowMs) {
        appended(batches, pos, RecordBatch.baseOffset(batches, pos), nowMs);
    }

    /** As {@link #appended(ByteBuffer, int, long)}, for a batch whose base offset is not in its bytes. */
    void appended(ByteBuffer batches, int pos, long baseOffset, long nowMs) {
        long producerId = RecordBatch.producerId(batches, pos);
        if (producerId < 0) {
            return;
        }
        short epoch = RecordBatch.producerEpoch(batches, pos);
        int first = RecordBatch.baseSequence(batches, pos);
        int delta = RecordBatch.lastOffsetDelta(batches, pos);
        ProducerEntry entry = producers.get(producerId);
        if (entry == null) {
            entry = new ProducerEntry(producerId, epoch);
            producers.put(producerId, entry);
        }
        entry.append(epoch, first, ProducerEntry.addSequence(first, delta), baseOffset, baseOffset + delta, nowMs);
    }

    /** Restores one producer from a snapshot. */
    void restore(ProducerEntry entry) {
        producers.put(entry.producerId, entry);
    }

    /** Forgets batches at or after {@code offset}: the write that was to put them there failed. */
    void truncateFrom(long offset) {
        Iterator<ProducerEntry> it = producers.values().iterator();
        while (it.hasNext()) {
            ProducerEntry entry = it.next();
            entry.truncateFrom(offset);
            if (entry.isEmpty()) {
                it.remove();
            }
        }
    }

    /** Forgets producers idle for longer than the expiration. */
    void expire(long nowMs) {
        long expiration = config.expirationMs();
        producers.values().removeIf(entry -> nowMs - entry.lastAppendMs() > expiration);
    }
}
