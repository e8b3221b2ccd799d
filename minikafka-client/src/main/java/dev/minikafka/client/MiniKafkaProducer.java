package dev.minikafka.client;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.minikafka.client.internal.BufferMemory;
import dev.minikafka.client.internal.Channels;
import dev.minikafka.client.internal.ProducerIdentity;
import dev.minikafka.client.internal.ProducerSender;
import dev.minikafka.client.internal.RecordAccumulator;
import dev.minikafka.client.internal.StickyPartitioner;
import dev.minikafka.client.internal.TopicMetadata;
import dev.minikafka.proto.v1.AdminGrpc;
import dev.minikafka.proto.v1.ErrorCode;
import dev.minikafka.proto.v1.ProducerGrpc;
import dev.minikafka.protocol.BatchLayout;
import dev.minikafka.protocol.RecordBatchBuilder;
import io.grpc.ManagedChannel;

/**
 * Sends records to MiniKafka, batching them per partition as Kafka's producer does: {@code send} encodes the
 * record into its partition's open batch and returns at once; a background I/O thread sends a batch when it
 * reaches {@code batch.size} or has waited {@code linger.ms}, over one gRPC stream with flow control.
 * {@code send} blocks only when {@code buffer.memory} is full of unacknowledged records, for at most
 * {@code max.block.ms}.
 *
 * <p>Retriable failures (the broker unreachable or restarting) are retried with back-off until
 * {@code delivery.timeout.ms}. Idempotence is on by default ({@link ProducerConfig#enableIdempotence()}), as
 * in Kafka: the producer gets a producer id from the broker on its first send and stamps each batch with it
 * and a per-partition sequence number, so a retry of a batch the broker had already appended (its ack was
 * lost) is not written twice, and records of a partition are written in the order they were sent. At most 5
 * batches per partition are in flight then. A batch that fails for good (delivery timeout, a non-retriable
 * error) makes the later batches of its partition that were already in flight fail too, with
 * {@code OUT_OF_ORDER_SEQUENCE}, rather than be written out of order; the partition's sequence then restarts
 * under a new epoch. Without idempotence a retry after a per-request error may reorder or duplicate records.
 * If the broker refuses the producer id for good (a wrong token: {@code NOT_AUTHENTICATED}; or
 * {@code NOT_AUTHORIZED}), the records queued and every later {@code send} fail at once with that error
 * instead of waiting out {@code delivery.timeout.ms}.
 *
 * <p>Thread-safety: one producer may be shared by any number of threads, and sharing one is faster than
 * having many. Callbacks run on the I/O thread, never while the producer holds a lock of its own, so a callback
 * may take an application lock that a thread calling {@code send} holds; a callback that throws (even an
 * {@code Error}) is logged and does not stop the producer.
 *
 * <pre>{@code
 * try (var producer = new MiniKafkaProducer(ProducerConfig.builder("127.0.0.1:9092").build())) {
 *     producer.send(new ProducerRecord("payments", key, value)).join();
 * }
 * }</pre>
 */
public final class MiniKafkaProducer implements AutoCloseable {

    private static final AtomicInteger IDS = new AtomicInteger();

    private final ProducerConfig config;
    private final ManagedChannel channel;
    private final BufferMemory memory;
    private final RecordAccumulator accumulator;
    private final ProducerSender sender;
    private final TopicMetadata metadata;
    private final ProducerIdentity identity;
    private final StickyPartitioner sticky = new StickyPartitioner();
    private final long maxBlockNanos;
    private volatile boolean closed;

    public MiniKafkaProducer(ProducerConfig config) {
        this.config = config;
        this.channel = Channels.open(config.bootstrap(), config.clientId(), config.security());
        this.memory = new BufferMemory(config.bufferMemory());
        this.identity = new ProducerIdentity(config.idempotent() ? ProducerGrpc.newStub(channel) : null,
                TimeUnit.MILLISECONDS.toNanos(Math.max(50, config.retryBackoffMs())), this::wakeSender);
        this.metadata = new TopicMetadata(AdminGrpc.newBlockingStub(channel),
                TimeUnit.MILLISECONDS.toNanos(config.metadataMaxAgeMs()));
        this.accumulator = new RecordAccumulator(config.batchSize(), TimeUnit.MILLISECONDS.toNanos(config.lingerMs()),
                identity, metadata::forget);
        this.sender = new ProducerSender(accumulator, memory, ProducerGrpc.newStub(channel), config, identity);
        this.maxBlockNanos = TimeUnit.MILLISECONDS.toNanos(config.maxBlockMs());
        sender.start("minikafka-producer-" + IDS.incrementAndGet());
    }

    /** Sends a record; the future completes when it is acknowledged (at once with {@link Acks#NONE}). */
    public CompletableFuture<RecordMetadata> send(ProducerRecord record) {
        CompletableFuture<RecordMetadata> future = new CompletableFuture<>();
        try {
            enqueue(record, future);
        } catch (MiniKafkaException e) {
            future.completeExceptionally(e);
        }
        return future;
    }

    /** Sends a record and calls {@code callback} (on the I/O thread) when it is acknowledged or fails. */
    public void send(ProducerRecord record, SendCallback callback) {
        try {
            enqueue(record, callback);
        } catch (MiniKafkaException e) {
            callback.onCompletion(null, e);
        }
    }

    private void enqueue(ProducerRecord record, Object completion) {
        if (closed) {
            throw new IllegalStateException("the producer is closed");
        }
        MiniKafkaException refused = identity.failure();
        if (refused != null) {
            throw refused;
        }
        int size = RecordBatchBuilder.estimateRecordSize(record.key(), record.value(), record.headers());
        checkRecordSize(size);
        String topic = record.topic();
        int partition;
        int partitionCount = -1;
        if (record.partition() != null) {
            partition = record.partition();
        } else {
            partitionCount = metadata.partitionCount(topic, config.maxBlockMs());
            partition = record.key() != null
                    ? Murmur2Partitioner.partition(record.key(), partitionCount)
                    : sticky.partition(topic, partitionCount);
        }
        long timestamp = record.timestamp() != null ? record.timestamp() : System.currentTimeMillis();
        reserve(size);
        int events;
        try {
            events = accumulator.append(topic, partition, timestamp, record.key(), record.value(), record.headers(),
                    completion, size);
        } catch (RuntimeException e) {
            memory.release(size);
            throw e;
        }
        if (events == RecordAccumulator.CLOSED) {
            memory.release(size); // closed while this send waited for metadata or buffer.memory
            throw new MiniKafkaException(ErrorCode.BROKER_UNAVAILABLE, "the producer is closed: this record was not sent");
        }
        if (events != 0) {
            sender.wakeup();
            if ((events & RecordAccumulator.SEALED_BATCH) != 0 && record.key() == null && partitionCount > 0) {
                sticky.batchFull(topic, partition, partitionCount);
            }
        }
    }

    /**
     * Refuses a record that would make a batch larger than {@code max.request.size}: the broker would refuse the
     * batch, or past its gRPC message limit drop the whole stream, which the producer took for a lost connection
     * and retried until {@code delivery.timeout.ms}, failing every other partition's requests each time.
     */
    private void checkRecordSize(int size) {
        if (size > config.maxRequestSize() - BatchLayout.HEADER_SIZE) {
            throw new MiniKafkaException(ErrorCode.RECORD_TOO_LARGE, "the record is " + size + " bytes when encoded; with"
                    + " the batch header (" + BatchLayout.HEADER_SIZE + " bytes) that is more than max.request.size ("
                    + config.maxRequestSize() + " bytes)");
        }
    }

    private void reserve(int size) {
        if (size > config.bufferMemory()) {
            throw new MiniKafkaException(ErrorCode.RECORD_TOO_LARGE, "a record of about " + size
                    + " bytes cannot fit in buffer.memory (" + config.bufferMemory() + " bytes)");
        }
        try {
            if (!memory.reserve(size, maxBlockNanos)) {
                throw new MiniKafkaException(ErrorCode.BROKER_UNAVAILABLE, "buffer.memory (" + config.bufferMemory()
                        + " bytes) stayed full for max.block.ms (" + config.maxBlockMs()
                        + " ms): the broker is not acknowledging as fast as records are sent");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MiniKafkaException(ErrorCode.BROKER_UNAVAILABLE, "interrupted while waiting for buffer.memory", e);
        }
    }

    /** The number of partitions of {@code topic}, as the broker reports it. */
    public int partitionCount(String topic) {
        return metadata.partitionCount(topic, config.maxBlockMs());
    }

    private void wakeSender() {
        ProducerSender s = sender;
        if (s != null) {
            s.wakeup();
        }
    }

    /** The producer id the broker gave this producer; -1 without idempotence or until the sender has it. */
    public long producerId() {
        return identity.producerId();
    }

    /** How much the broker's quotas have slowed this producer so far. */
    public ProducerThrottle throttle() {
        return sender.throttle();
    }

    /**
     * Sends every record accepted so far without waiting for {@code linger.ms}, and blocks until each is
     * acknowledged or has failed. Failures are reported through the records' futures and callbacks.
     */
    public void flush() {
        List<CompletableFuture<Void>> pending = accumulator.sealAllAndSnapshot();
        sender.wakeup();
        try {
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("batch completion never fails", e);
        }
    }

    /** The producer's buffer.memory, for tests that fill it. */
    BufferMemory memory() {
        return memory;
    }

        /** Bytes of {@code buffer.memory} free right now. */
    public long availableBufferBytes() {
        return memory.available();
    }

    /** Sends what is queued, waiting up to 30 seconds, then closes the connection. */
    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    /**
     * Sends what is queued, waiting up to {@code timeout}; records still unsent then fail with
     * {@code BROKER_UNAVAILABLE}. A {@code send} racing the close (blocked for {@code buffer.memory} or metadata)
     * fails the same way, "the producer is closed", rather than never completing. Closing twice is harmless.
     */
    public void close(Duration timeout) {
        if (closed) {
            return;
        }
        closed = true;
        sender.initiateClose();
        try {
            if (!sender.join(timeout.toMillis())) {
                sender.abort();
                sender.join(5_000);
            }
        } catch (InterruptedException e) {
            sender.abort();
            Thread.currentThread().interrupt();
        }
        Channels.close(channel);
    }
}
