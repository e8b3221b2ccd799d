package dev.minikafka.broker.log;

import java.nio.ByteBuffer;

/**
 * Whole batches read from a partition, positioned at the first byte; empty when the read was at the log end.
 * The first batch may start below the offset asked for: consumers skip the records before it.
 */
public record ReadResult(ByteBuffer batches) {

    static final ReadResult EMPTY = new ReadResult(ByteBuffer.allocate(0));
}
