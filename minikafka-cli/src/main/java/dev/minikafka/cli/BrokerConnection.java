package dev.minikafka.cli;

import java.time.Duration;
import java.util.function.Function;

import dev.minikafka.client.Acks;
import dev.minikafka.client.ClientSecurity;
import dev.minikafka.client.ConsumerConfig;
import dev.minikafka.client.MiniKafkaAdmin;
import dev.minikafka.client.MiniKafkaConsumer;
import dev.minikafka.client.MiniKafkaException;
import dev.minikafka.client.MiniKafkaProducer;
import dev.minikafka.client.OffsetReset;
import dev.minikafka.client.ProducerConfig;
import dev.minikafka.client.TopicInfo;
import dev.minikafka.proto.v1.ErrorCode;

/**
 * The clients one command uses, with timeouts short enough for a person waiting at a prompt: the client
 * library's defaults (30 s, 60 s, 120 s) suit services that ride out a broker restart, not a command line.
 * A refused connection fails at once anyway; the bound matters for an address that silently drops packets.
 *
 * <p>Not thread-safe: one command, one thread.
 */
final class BrokerConnection implements AutoCloseable {

    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final String bootstrap;
    private final ClientSecurity security;
    private MiniKafkaAdmin admin;

    BrokerConnection(String bootstrap, ClientSecurity security) {
        this.bootstrap = bootstrap;
        this.security = security;
    }

    /** Runs {@code call} against the admin client; each call gives up after {@link #REQUEST_TIMEOUT}. */
    <T> T admin(Function<MiniKafkaAdmin, T> call) {
        if (admin == null) {
            admin = new MiniKafkaAdmin(bootstrap, REQUEST_TIMEOUT, security);
        }
        return call.apply(admin);
    }

    /** The topic a command reads or writes; a missing one fails with a hint on how to create it. */
    TopicInfo requireTopic(String name) {
        try {
            return admin(a -> a.describeTopic(name));
        } catch (MiniKafkaException e) {
            if (e.code() == ErrorCode.UNKNOWN_TOPIC) {
                throw new CliException(e.getMessage() + " (create it with: minikafka topics create " + name
                        + " --partitions N)");
            }
            throw e;
        }
    }

    MiniKafkaProducer producer(Acks acks) {
        return new MiniKafkaProducer(ProducerConfig.builder(bootstrap)
                .security(security)
                .acks(acks)
                .maxBlock(REQUEST_TIMEOUT)
                .deliveryTimeout(REQUEST_TIMEOUT.multipliedBy(3))
                .build());
    }

    /** A consumer that positions itself explicitly; out-of-range positions (retention) move to the oldest record. */
    MiniKafkaConsumer consumer() {
        return new MiniKafkaConsumer(ConsumerConfig.builder(bootstrap)
                .security(security)
                .autoOffsetReset(OffsetReset.EARLIEST)
                .requestTimeout(REQUEST_TIMEOUT)
                .build());
    }

    /**
     * A consumer for a group member: a group new to a partition starts at its end, or at its beginning with
     * {@code fromBeginning}; commits are explicit, so what was printed is exactly what is committed.
     */
    MiniKafkaConsumer groupConsumer(boolean fromBeginning) {
        return new MiniKafkaConsumer(ConsumerConfig.builder(bootstrap)
                .security(security)
                .autoOffsetReset(fromBeginning ? OffsetReset.EARLIEST : OffsetReset.LATEST)
                .enableAutoCommit(false)
                .requestTimeout(REQUEST_TIMEOUT)
                .clientId("minikafka-cli")
                .build());
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close();
        }
    }
}
