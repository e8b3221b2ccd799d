package dev.minikafka.broker.log;

/**
 * A point in a partition log below which everything is known to be on disk: every record below
 * {@code offset}, the segments before the one starting at {@code segmentBase} whole, and the first
 * {@code position} bytes of that segment (with the index entries pointing into them). After a crash only
 * what lies past it needs checking (see {@link LogRecovery}).
 *
 * <p>{@code position} is the byte position of the batch starting at {@code offset} in segment
 * {@code segmentBase}, which is that segment's size when the point is its end. The segment is named
 * explicitly because its end and the start of the next segment are the same offset.
 *
 * @param offset      every record below this offset is durable
 * @param segmentBase base offset of the segment holding the point
 * @param position    bytes of that segment that are durable
 */
record RecoveryPoint(long offset, long segmentBase, int position) {

    /** The start of an empty log, durable by definition. */
    static RecoveryPoint start(long baseOffset) {
        return new RecoveryPoint(baseOffset, baseOffset, 0);
    }
}
