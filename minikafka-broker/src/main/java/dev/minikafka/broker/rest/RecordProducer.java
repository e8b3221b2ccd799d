package dev.minikafka.broker.rest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import dev.minikafka.broker.metrics.BrokerMetrics;
import dev.minikafka.broker.quota.QuotaManager;
import dev.minikafka.broker.topic.Topic;
import dev.minikafka.broker.topic.TopicNames;
import dev.minikafka.broker.topic.TopicRegistry;
import dev.minikafka.client.Acks;
import dev.minikafka.client.Murmur2Partitioner;
import dev.minikafka.proto.v1.ErrorCode;
import dev.minikafka.protocol.BatchCheck;
import dev.minikafka.protocol.Header;
import dev.minikafka.protocol.RecordBatch;
import dev.minikafka.protocol.RecordBatchBuilder;

/**
 * Produce over HTTP, for curl and JMeter. The records of a request are encoded with the client's codec into
 * one batch per partition and appended through the partition writers exactly as a gRPC produce's batches
 * are. Partitions are chosen as the Java client chooses them for keyed records (murmur2 of the key);
 * keyless records without a partition go round-robin.
 *
 * <p>Bounds: {@link #MAX_RECORDS} per request (and {@link BodySizeLimit} on the body); a request for a
 * partition whose pending-append queue is full is refused with 429 and {@code Retry-After} before anything
 * is queued; the wait for the appends is bounded by {@link #APPEND_TIMEOUT}. Blocks the calling servlet
 * thread until the appends are acknowledged (not at all for {@code acks=NONE}).
 */
@Service
class RecordProducer {

    static final int MAX_RECORDS = 10_000;
    static final Duration APPEND_TIMEOUT = Duration.ofSeconds(30);
    static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final TopicRegistry topics;
    private final BrokerMetrics metrics;
    private final Clock clock;
    private final QuotaManager quotas;
    private final AtomicInteger roundRobin = new AtomicInteger();

    RecordProducer(TopicRegistry topics, BrokerMetrics metrics, Clock clock, QuotaManager quotas) {
        this.topics = topics;
        this.metrics = metrics;
        this.clock = clock;
        this.quotas = quotas;
    }

    /** @param clientId who sends, for quotas: the {@code X-Client-Id} header, or {@code http} */
    ProduceRecordsResponse produce(String topicName, ProduceRecordsRequest request, String clientId) {
        long arrivalNanos = System.nanoTime();
        List<ProduceRecordsRequest.Record> records = checkCount(request.records());
        Topic topic = topicFor(topicName);
        Acks acks = request.acks() == null ? Acks.LEADER : request.acks();

        int count = records.size();
        int[] partitionOf = new int[count];
        int[] indexInBatch = new int[count];
        long[] timestamps = new long[count];
        RecordBatchBuilder[] builders = new RecordBatchBuilder[topic.partitionCount()];
        long now = clock.millis();
        for (int i = 0; i < count; i++) {
            ProduceRecordsRequest.Record record = records.get(i);
            String field = "records[" + i + "]";
            if (record == null) {
                throw ApiException.badRequest(field + " is null");
            }
            byte[] key = Encodings.decode(record.key(), record.keyBase64(), field + ".key");
            if (record.value() == null && record.valueBase64() == null) {
                throw ApiException.badRequest(field + " has no value; set value (UTF-8 text) or valueBase64 (binary)");
            }
            byte[] value = Encodings.decode(record.value(), record.valueBase64(), field + ".value");
            int partition = partitionFor(topic, record.partition(), key, field);
            long timestamp = record.timestamp() == null ? now : record.timestamp();
            if (timestamp < 0) {
                throw ApiException.badRequest(field + ".timestamp must be epoch milliseconds (>= 0), got " + timestamp);
            }
            if (builders[partition] == null) {
                builders[partition] = new RecordBatchBuilder(1024);
            }
            partitionOf[i] = partition;
            indexInBatch[i] = builders[partition].recordCount();
            timestamps[i] = timestamp;
            builders[partition].append(timestamp, key, value, headers(record.headers()));
        }

        long bytes = 0;
        for (RecordBatchBuilder builder : builders) {
            bytes += builder == null ? 0 : builder.sizeInBytes();
        }
        long waitMs = quotas.tryProduce(clientId, topic.name(), count, bytes);
        if (waitMs > 0) {
            throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, "client '" + clientId + "' or topic '" + topic.name()
                    + "' is over its quota; nothing of this request was written: retry it after " + waitMs + " ms",
                    java.time.Duration.ofMillis(waitMs));
        }
        PartitionAppend[] appends = appendsFor(topic, builders, acks, arrivalNanos);
        for (PartitionAppend append : appends) {
            if (append != null && !append.writer().hasRoom()) {
                metrics.producerBlocked();
                throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, "partition " + append.partition()
                        + " has a full append queue (the broker is writing slower than records arrive); nothing of this"
                        + " request was written: retry it after a pause", RETRY_AFTER);
            }
        }
        for (PartitionAppend append : appends) {
            if (append != null) {
                append.offer();
            }
        }
        if (acks == Acks.NONE) {
            List<ProduceRecordsResponse.Result> results = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                results.add(new ProduceRecordsResponse.Result(partitionOf[i], null, null));
            }
            return new ProduceRecordsResponse(topic.name(), results);
        }
        await(appends);
        boolean logAppendTime = topic.config().logAppendTime();
        List<ProduceRecordsResponse.Result> results = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            PartitionAppend append = appends[partitionOf[i]];
            results.add(new ProduceRecordsResponse.Result(partitionOf[i], append.baseOffset() + indexInBatch[i],
                    logAppendTime ? append.logAppendTimeMs() : timestamps[i]));
        }
        return new ProduceRecordsResponse(topic.name(), results);
    }

    private static List<ProduceRecordsRequest.Record> checkCount(List<ProduceRecordsRequest.Record> records) {
        if (records == null || records.isEmpty()) {
            throw ApiException.badRequest("records is empty; send at least one record");
        }
        if (records.size() > MAX_RECORDS) {
            throw ApiException.badRequest("a request may carry at most " + MAX_RECORDS + " records, this one has "
                    + records.size() + "; split it");
        }
        return records;
    }

    private Topic topicFor(String name) {
        Topic topic = topics.findOrAutoCreate(name);
        if (topic != null) {
            return topic;
        }
        String problem = TopicNames.problemWith(name);
        if (problem != null) {
            throw ApiException.badRequest(problem);
        }
        metrics.produceRejected(ErrorCode.UNKNOWN_TOPIC);
        throw ApiException.notFound("topic '" + name + "' does not exist; create it first (auto-create is off)");
    }

    private int partitionFor(Topic topic, Integer requested, byte[] key, String field) {
        if (requested != null) {
            String problem = topic.partitionProblem(requested);
            if (problem != null) {
                throw ApiException.badRequest(field + ".partition: " + problem);
            }
            return requested;
        }
        if (key != null) {
            return Murmur2Partitioner.partition(key, topic.partitionCount());
        }
        return Math.floorMod(roundRobin.getAndIncrement(), topic.partitionCount());
    }

    private static List<Header> headers(Map<String, String> headers) {
        if (headers == null || headers.isEmpty()) {
            return List.of();
        }
        List<Header> list = new ArrayList<>(headers.size());
        headers.forEach((name, value) -> list.add(Header.of(name, value)));
        return list;
    }

    /** One checked batch per partition that has records, in a private buffer the log may write offsets into. */
    private PartitionAppend[] appendsFor(Topic topic, RecordBatchBuilder[] builders, Acks acks, long arrivalNanos) {
        int maxBytes = topic.config().maxMessageBytes();
        PartitionAppend[] appends = new PartitionAppend[builders.length];
        for (int p = 0; p < builders.length; p++) {
            if (builders[p] == null) {
                continue;
            }
            ByteBuffer built = builders[p].build();
            ByteBuffer batch = ByteBuffer.allocate(built.remaining()).put(built).flip();
            BatchCheck check = RecordBatch.checkAll(batch, 0, batch.limit(), maxBytes);
            if (check == BatchCheck.TOO_LARGE) {
                metrics.produceRejected(ErrorCode.RECORD_TOO_LARGE);
                throw new ApiException(HttpStatus.CONTENT_TOO_LARGE, "the records for partition " + p + " encode to a batch of "
                        + batch.limit() + " bytes, more than topic '" + topic.name() + "' takes (max.message.bytes "
                        + maxBytes + "); send smaller records or fewer per request");
            }
            if (check != BatchCheck.OK) {
                throw new IllegalStateException("the broker encoded a batch it cannot read: " + check.message());
            }
            appends[p] = new PartitionAppend(topic.name(), p, batch, topic.writer(p), acks == Acks.DURABLE, metrics,
                    arrivalNanos);
        }
        return appends;
    }

    private static void await(PartitionAppend[] appends) {
        CompletableFuture<?>[] futures = java.util.Arrays.stream(appends).filter(a -> a != null).map(a -> a.done)
                .toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(futures).get(APPEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "the append was not acknowledged within "
                    + APPEND_TIMEOUT.toSeconds() + " s; the records may still be written, so check the partition's log end"
                    + " offset before resending", RETRY_AFTER);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "the broker is shutting down", RETRY_AFTER);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IllegalStateException) {
                throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, cause.getMessage(), RETRY_AFTER);
            }
            throw new UncheckedIOException(cause instanceof IOException io ? io : new IOException(cause));
        }
    }
}
