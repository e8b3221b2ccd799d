package dev.minikafka.broker.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import org.instancio.Random;
import org.instancio.junit.Given;
import org.instancio.junit.InstancioExtension;
import org.instancio.junit.WithSettings;
import org.instancio.settings.Settings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.context.ConfigurableApplicationContext;

import dev.minikafka.broker.support.BrokerRunner;
import dev.minikafka.broker.support.Fuzz;
import dev.minikafka.proto.v1.Acks;
import dev.minikafka.proto.v1.ErrorCode;
import dev.minikafka.proto.v1.ProduceResponse;
import dev.minikafka.protocol.BatchLayout;
import dev.minikafka.protocol.Record;
import dev.minikafka.protocol.RecordBatch;
import dev.minikafka.protocol.RecordBatchBuilder;

/**
 * The broker's validation of produced batches, over real gRPC: each try sends a valid batch damaged at random
 * (bytes changed inside the records, with the CRC recomputed half the time, so the damage gets past the CRC
 * check; or the run cut short or extended), and the broker either stores it or answers
 * {@code CORRUPT_BATCH}/{@code RECORD_TOO_LARGE} with a message. Whatever it stored, a consumer decodes: the
 * whole partition is read back and decoded after each try, with dense offsets.
 */
@ExtendWith(InstancioExtension.class)
class ProduceValidationFuzzTest {

    @TempDir
    static Path dataDir;

    static ConfigurableApplicationContext broker;
    static GrpcTestClient client;

    @WithSettings
    final Settings settings = Fuzz.settings();

    @BeforeAll
    static void start() {
        broker = BrokerRunner.start(dataDir);
        client = new GrpcTestClient(BrokerRunner.grpcPort(broker));
        client.createTopic("fuzzed", 1);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        client.close();
        broker.close();
    }

    static IntStream tries() {
        return Fuzz.tries(40);
    }

    @ParameterizedTest(name = "try {0}")
    @MethodSource("tries")
    void damagedBatchesAreRejectedAndWhatIsStoredDecodes(int attempt, @Given(Fuzz.class) Random random) throws Exception {
        ByteBuffer batch = damaged(random);
        String how = "seed " + random.getSeed();
        ProduceResponse response = client.produce("fuzzed", 0, Acks.ACKS_LEADER, batch);
        assertThat(response.getErrorCode()).as(how).isIn(ErrorCode.NONE, ErrorCode.CORRUPT_BATCH, ErrorCode.RECORD_TOO_LARGE);
        if (response.getErrorCode() != ErrorCode.NONE) {
            assertThat(response.getErrorMessage()).as(how).isNotBlank();
        }
        List<Record> stored = client.readAll("fuzzed", 0);
        assertThat(stored).as(how).extracting(Record::offset)
                .isEqualTo(IntStream.range(0, stored.size()).mapToObj(i -> (long) i).toList());
    }

    private static ByteBuffer damaged(Random random) {
        RecordBatchBuilder builder = new RecordBatchBuilder(256);
        for (int r = random.intRange(1, 6); r > 0; r--) {
            builder.append(random.longRange(0, 1L << 40), random.trueOrFalse() ? null : Fuzz.bytes(random, random.intRange(0, 16)),
                    Fuzz.bytes(random, random.intRange(0, 40)), List.of());
        }
        ByteBuffer batch = GrpcTestClient.copy(builder.build());
        int size = batch.limit();
        switch (random.intRange(0, 2)) {
            case 0 -> {
                for (int flips = random.intRange(1, 3); flips > 0; flips--) {
                    int at = random.intRange(BatchLayout.RECORDS_OFFSET, size - 1);
                    batch.put(at, (byte) (batch.get(at) ^ random.intRange(1, 255)));
                }
                if (random.trueOrFalse()) {
                    batch.putInt(BatchLayout.CRC_OFFSET, (int) RecordBatch.computeCrc(batch, 0, size));
                }
            }
            case 1 -> batch.limit(random.intRange(1, size - 1));
            default -> {
                ByteBuffer longer = ByteBuffer.allocate(size + random.intRange(1, 64));
                longer.put(batch).put(Fuzz.bytes(random, longer.remaining())).flip();
                batch = longer;
            }
        }
        return batch;
    }
}
