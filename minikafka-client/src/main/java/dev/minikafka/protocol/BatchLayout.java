package dev.minikafka.protocol;

/**
 * The on-disk and on-wire layout of a record batch, format v1 (magic 2, as Kafka's record batch v2 less
 * the partition leader epoch). Every field is big-endian:
 *
 * <pre>
 *  offset  size  field
 *       0     8  baseOffset        written by the broker on append; outside the CRC
 *       8     4  batchLength       bytes after this field (so a batch occupies 12 + batchLength bytes)
 *      12     1  magic             {@value #MAGIC_V1}
 *      13     4  crc32c            CRC-32C of every byte from {@code attributes} to the end of the batch
 *      17     2  attributes        bits 0-2 compression (0 = none), bit 3 timestamp type (1 = log-append time)
 *      19     4  lastOffsetDelta   offset of the last record minus baseOffset
 *      23     8  firstTimestamp
 *      31     8  maxTimestamp
 *      39     8  producerId        -1 when not idempotent
 *      47     2  producerEpoch
 *      49     4  baseSequence
 *      53     4  recordCount
 *      57        records
 * </pre>
 *
 * Each record: {@code length varint} (bytes after the length), {@code attributes i8},
 * {@code timestampDelta varlong}, {@code offsetDelta varint}, {@code keyLength varint} (-1 = null key),
 * {@code key}, {@code valueLength varint} (-1 = null value), {@code value}, {@code headerCount varint},
 * then per header {@code keyLength varint, key (UTF-8), valueLength varint (-1 = null), value}. Varints are
 * zig-zag encoded as in protobuf's sint32/sint64.
 *
 * <p>Because the base offset sits outside the CRC, the broker assigns offsets by overwriting eight bytes,
 * never re-encoding or re-checksumming a batch.
 */
public final class BatchLayout {

    public static final byte MAGIC_V1 = 2;

    public static final int BASE_OFFSET_OFFSET = 0;
    public static final int BATCH_LENGTH_OFFSET = 8;
    public static final int MAGIC_OFFSET = 12;
    public static final int CRC_OFFSET = 13;
    public static final int ATTRIBUTES_OFFSET = 17;
    public static final int LAST_OFFSET_DELTA_OFFSET = 19;
    public static final int FIRST_TIMESTAMP_OFFSET = 23;
    public static final int MAX_TIMESTAMP_OFFSET = 31;
    public static final int PRODUCER_ID_OFFSET = 39;
    public static final int PRODUCER_EPOCH_OFFSET = 47;
    public static final int BASE_SEQUENCE_OFFSET = 49;
    public static final int RECORD_COUNT_OFFSET = 53;
    public static final int RECORDS_OFFSET = 57;

    /** Size of the header, and so of the smallest (empty) batch. */
    public static final int HEADER_SIZE = RECORDS_OFFSET;
    /** Bytes before {@code batchLength}'s coverage starts: baseOffset and batchLength themselves. */
    public static final int LOG_OVERHEAD = MAGIC_OFFSET;

    public static final short COMPRESSION_MASK = 0x07;
    public static final short TIMESTAMP_TYPE_LOG_APPEND = 0x08;

    public static final long NO_PRODUCER_ID = -1L;
    public static final short NO_PRODUCER_EPOCH = -1;
    public static final int NO_SEQUENCE = -1;

    private BatchLayout() {
    }
}
