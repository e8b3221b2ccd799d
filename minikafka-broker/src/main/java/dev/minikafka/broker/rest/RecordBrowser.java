package dev.minikafka.broker.rest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Service;

import dev.minikafka.broker.log.PartitionLog;
import dev.minikafka.broker.topic.Topic;
import dev.minikafka.broker.topic.TopicRegistry;
import dev.minikafka.protocol.BatchLayout;
import dev.minikafka.protocol.Header;
import dev.minikafka.protocol.RecordBatch;

/**
 * Browsing a partition's records by offset or by time, for people and tools. Reads whole batches with the
 * log's read path, as a fetch does, and decodes them with the client's codec, skipping records below the
 * start. A page holds at most {@code limit} records and stops early past {@link #PAGE_BYTES} of batches;
 * {@code nextOffset} says where to go on.
 */
@Service
class RecordBrowser {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    /** Roughly the most batch bytes one page decodes (at least one batch). */
    static final int PAGE_BYTES = 4 * 1024 * 1024;
    private static final int READ_BYTES = 1024 * 1024;

    private final TopicRegistry topics;

    RecordBrowser(TopicRegistry topics) {
        this.topics = topics;
    }

    /**
     * @param offset    first offset wanted, or null
     * @param timestamp start at the first record at or after this time (epoch ms), or null; with neither,
     *                  the page starts at the log start
     */
    RecordsPage browse(String topicName, int partition, Long offset, Long timestamp, Integer limit) {
        if (offset != null && timestamp != null) {
            throw ApiException.badRequest("give offset or timestamp, not both");
        }
        int max = limit == null ? DEFAULT_LIMIT : limit;
        if (max < 1 || max > MAX_LIMIT) {
            throw ApiException.badRequest("limit must be between 1 and " + MAX_LIMIT + ", got " + max);
        }
        Topic topic = topics.get(topicName);
        String missing = topic.partitionProblem(partition);
        if (missing != null) {
            throw ApiException.notFound(missing);
        }
        PartitionLog log = topic.log(partition);
        try {
            long start = start(log, offset, timestamp);
            List<RecordsPage.Record> records = new ArrayList<>(Math.min(max, 64));
            long next = read(log, start, max, records);
            return new RecordsPage(topic.name(), partition, log.logStartOffset(), log.logEndOffset(), next, records);
        } catch (IOException e) {
            throw new UncheckedIOException("reading partition " + partition + " of topic '" + topicName + "' failed", e);
        }
    }

    private static long start(PartitionLog log, Long offset, Long timestamp) throws IOException {
        if (offset != null) {
            return offset; // a read outside [logStart, logEnd] fails with the valid range
        }
        if (timestamp != null) {
            if (timestamp < 0) {
                throw ApiException.badRequest("timestamp must be epoch milliseconds (>= 0), got " + timestamp);
            }
            return log.offsetForTimestamp(timestamp);
        }
        return log.logStartOffset();
    }

    /** Adds up to {@code max} records from {@code start} on; returns the offset after the last one added. */
    private static long read(PartitionLog log, long start, int max, List<RecordsPage.Record> out) throws IOException {
        long next = start;
        int bytesRead = 0;
        do {
            ByteBuffer batches = log.read(next, READ_BYTES).batches();
            if (!batches.hasRemaining()) {
                break;
            }
            long before = next;
            int pos = batches.position();
            int limit = batches.limit();
            while (out.size() < max && limit - pos >= BatchLayout.HEADER_SIZE) {
                int size = RecordBatch.sizeInBytes(batches, pos);
                if (size > limit - pos) {
                    break;
                }
                long from = next;
                RecordBatch.decode(batches, pos, from, (offset, timestamp, key, value, headers) -> {
                    if (out.size() < max) {
                        out.add(record(offset, timestamp, key, value, headers));
                    }
                });
                next = out.size() < max ? Math.max(next, RecordBatch.lastOffset(batches, pos) + 1)
                        : out.getLast().offset() + 1;
                bytesRead += size;
                pos += size;
            }
            if (next == before) {
                break;
            }
        } while (out.size() < max && bytesRead < PAGE_BYTES && next < log.logEndOffset());
        return next;
    }

    private static RecordsPage.Record record(long offset, long timestamp, byte[] key, byte[] value, List<Header> headers) {
        Encodings.Encoded k = Encodings.encode(key);
        Encodings.Encoded v = Encodings.encode(value);
        Map<String, String> h = new LinkedHashMap<>();
        for (Header header : headers) {
            h.put(header.key(), Encodings.encode(header.value()).text());
        }
        return new RecordsPage.Record(offset, timestamp, k.text(), k.encoding(), v.text(), v.encoding(), h);
    }
}
