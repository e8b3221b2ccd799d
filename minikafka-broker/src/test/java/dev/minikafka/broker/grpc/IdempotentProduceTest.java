package dev.minikafka.broker.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import dev.minikafka.broker.support.BrokerRunner;
import dev.minikafka.protocol.Header;
import dev.minikafka.protocol.RecordBatch;
import dev.minikafka.protocol.RecordBatchBuilder;
import dev.minikafka.proto.v1.Acks;
import dev.minikafka.proto.v1.ErrorCode;
import dev.minikafka.proto.v1.InitProducerIdRequest;
import dev.minikafka.proto.v1.ProduceResponse;
import dev.minikafka.proto.v1.ProducerGrpc;

/**
 * The idempotent producer's wire contract on the real broker over loopback, with raw stubs: a batch sent
 * twice (the first ack lost) is written once, a gap or a stale epoch writes nothing, and both the producer
 * ids and the producer state survive a broker restart.
 */
@org.junit.jupiter.api.Timeout(value = 120, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
class IdempotentProduceTest {

    /** One broker for the tests that do not restart it (a start costs seconds on a loaded machine). */
    @TempDir
    static Path sharedDir;
    private static ConfigurableApplicationContext sharedBroker;
    private static GrpcTestClient sharedClient;

    @TempDir
    Path dataDir;

    private ConfigurableApplicationContext broker;
    private GrpcTestClient client;

    @BeforeAll
    static void startShared() {
        sharedBroker = BrokerRunner.start(sharedDir);
        sharedClient = new GrpcTestClient(BrokerRunner.grpcPort(sharedBroker));
    }

    @AfterAll
    static void stopShared() throws Exception {
        sharedClient.close();
        sharedBroker.close();
    }

    private void useShared() {
        broker = sharedBroker;
        client = sharedClient;
    }

    private void start() {
        broker = BrokerRunner.start(dataDir);
        client = new GrpcTestClient(BrokerRunner.grpcPort(broker));
    }

    private void stop() throws Exception {
        client.close();
        broker.close();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (broker != null && broker != sharedBroker && broker.isActive()) {
            stop();
        }
    }

    private long initProducerId() {
        return ProducerGrpc.newBlockingStub(client.channel).initProducerId(InitProducerIdRequest.getDefaultInstance())
                .getProducerId();
    }

    private static ByteBuffer batch(long producerId, int epoch, int baseSequence, String... values) {
        RecordBatchBuilder builder = new RecordBatchBuilder(256);
        for (String value : values) {
            builder.append(System.currentTimeMillis(), null, value.getBytes(), List.<Header>of());
        }
        return GrpcTestClient.copy(builder.build(producerId, (short) epoch, baseSequence));
    }

    private long logEnd(String topic) {
        return client.admin.describeTopic(dev.minikafka.proto.v1.DescribeTopicRequest.newBuilder().setName(topic).build())
                .getPartitions(0).getLogEndOffset();
    }

    @Test
    void shouldWriteABatchSentTwiceOnlyOnceAndAnswerTheRetryWithTheOriginalOffset() throws Exception {
        useShared();
        client.createTopic("payments", 1);
        long producerId = initProducerId();
        client.produce("payments", 0, Acks.ACKS_LEADER, GrpcTestClient.batch(1L, "someone else's"));
        ByteBuffer payment = batch(producerId, 0, 0, "pay-1", "pay-2");
        ProduceResponse first = client.produce("payments", 0, Acks.ACKS_DURABLE, payment);
        // The ack was lost on its way back: the producer sends the very same batch again.
        ProduceResponse retry = client.produce("payments", 0, Acks.ACKS_DURABLE, payment);
        assertThat(first.getErrorCode()).isEqualTo(ErrorCode.NONE);
        assertThat(first.getBaseOffset()).isEqualTo(1);
        assertThat(first.getBatchBaseOffsetsList()).as("landed contiguously: no per-batch list").isEmpty();
        assertThat(retry.getErrorCode()).isEqualTo(ErrorCode.NONE);
        assertThat(retry.getBaseOffset()).isEqualTo(1);
        assertThat(retry.getBatchBaseOffsetsList()).containsExactly(1L);
        assertThat(client.readAll("payments", 0)).extracting(r -> r.valueAsString())
                .containsExactly("someone else's", "pay-1", "pay-2");

        // A retried request that carries the duplicate and a new batch: only the new one is written.
        ProduceResponse mixed = client.produce("payments", 0, Acks.ACKS_LEADER, payment, batch(producerId, 0, 2, "pay-3"));
        assertThat(mixed.getBatchBaseOffsetsList()).containsExactly(1L, 3L);
        assertThat(logEnd("payments")).isEqualTo(4);
    }

    @Test
    void shouldRefuseAnOutOfOrderSequenceOrAStaleEpochAndWriteNothing() throws Exception {
        useShared();
        client.createTopic("orders", 1);
        long producerId = initProducerId();
        client.produce("orders", 0, Acks.ACKS_LEADER, batch(producerId, 1, 0, "o-1"));

        ProduceResponse gap = client.produce("orders", 0, Acks.ACKS_LEADER, batch(producerId, 1, 2, "o-3"));
        assertThat(gap.getErrorCode()).isEqualTo(ErrorCode.OUT_OF_ORDER_SEQUENCE);
        assertThat(gap.getErrorMessage()).contains("next expected is 1");
        assertThat(gap.getBaseOffset()).isEqualTo(-1);

        ProduceResponse stale = client.produce("orders", 0, Acks.ACKS_LEADER, batch(producerId, 0, 1, "o-2"));
        assertThat(stale.getErrorCode()).isEqualTo(ErrorCode.INVALID_PRODUCER_EPOCH);

        ProduceResponse mixed = client.produce("orders", 0, Acks.ACKS_LEADER, batch(producerId, 1, 1, "o-2"),
                batch(producerId + 1, 0, 0, "other"));
        assertThat(mixed.getErrorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(logEnd("orders")).as("nothing of the refused requests was written").isEqualTo(1);

        assertThat(client.produce("orders", 0, Acks.ACKS_LEADER, batch(producerId, 1, 1, "o-2")).getBaseOffset()).isEqualTo(1);
    }

    @Test
    void shouldKeepProducerIdsUniqueAndRecogniseARetryAcrossABrokerRestart() throws Exception {
        start();
        client.createTopic("events", 1);
        long producerId = initProducerId();
        assertThat(initProducerId()).isNotEqualTo(producerId);
        ByteBuffer last = null;
        for (int i = 0; i < 5; i++) {
            last = batch(producerId, 0, i, "e-" + i);
            client.produce("events", 0, Acks.ACKS_LEADER, last);
        }
        stop();

        start();
        assertThat(initProducerId()).as("ids never repeat after a restart").isGreaterThan(producerId + 1);
        ProduceResponse retry = client.produce("events", 0, Acks.ACKS_LEADER, last);
        assertThat(retry.getErrorCode()).isEqualTo(ErrorCode.NONE);
        assertThat(retry.getBatchBaseOffsetsList()).containsExactly(4L);
        assertThat(client.produce("events", 0, Acks.ACKS_LEADER, batch(producerId, 0, 6, "e-6")).getErrorCode())
                .isEqualTo(ErrorCode.OUT_OF_ORDER_SEQUENCE);
        assertThat(logEnd("events")).isEqualTo(5);
    }

    @Test
    void shouldLeaveNonIdempotentBatchesAsBefore() throws Exception {
        useShared();
        client.createTopic("plain", 1);
        ByteBuffer plain = GrpcTestClient.batch(1L, "p");
        ProduceResponse first = client.produce("plain", 0, Acks.ACKS_LEADER, plain);
        ProduceResponse again = client.produce("plain", 0, Acks.ACKS_LEADER, plain);
        assertThat(first.getBaseOffset()).isZero();
        assertThat(again.getBaseOffset()).as("no producer id: a resend is a new record").isEqualTo(1);
        assertThat(again.getBatchBaseOffsetsList()).isEmpty();
        ByteBuffer stored = client.fetch("plain", 0, 0, 0).getBatches().asReadOnlyByteBuffer();
        assertThat(RecordBatch.producerId(stored, 0)).isEqualTo(-1);
    }
}
