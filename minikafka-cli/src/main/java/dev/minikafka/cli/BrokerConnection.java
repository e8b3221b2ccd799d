package dev.minikafka.cli;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import dev.minikafka.client.Acks;
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
 *
 * <p>Admin calls run on a helper thread and are abandoned after {@link #REQUEST_TIMEOUT}, because
 * {@link MiniKafkaAdmin}'s public constructor fixes its deadline at 30 s. A refused connection fails at
 * once anyway; the bound matters for an address that silently drops packets.
 *
 * <p>Not thread-safe: one command, one thread.
 */
final class BrokerConnection implements AutoCloseable {

    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final String bootstrap;
    private final ExecutorService calls = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "minikafka-cli-admin");
        thread.setDaemon(true);
        return thread;
    });
    private MiniKafkaAdmin admin;
    private boolean abandoned;

    BrokerConnection(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    /** Runs {@code call} against the admin client, waiting at most {@link #REQUEST_TIMEOUT}. */
    <T> T admin(Function<MiniKafkaAdmin, T> call) {
        if (admin == null) {
            admin = new MiniKafkaAdmin(bootstrap);
        }
        MiniKafkaAdmin client = admin;
        CompletableFuture<T> answer = CompletableFuture.supplyAsync(() -> call.apply(client), calls);
        try {
            return answer.get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            abandoned = true;
            throw new MiniKafkaException(ErrorCode.BROKER_UNAVAILABLE,
                    "no answer within " + REQUEST_TIMEOUT.toSeconds() + "s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException(e.getCause());
        }
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
                .acks(acks)
                .maxBlock(REQUEST_TIMEOUT)
                .deliveryTimeout(REQUEST_TIMEOUT.multipliedBy(3))
                .build());
    }

    /** A consumer that positions itself explicitly; out-of-range positions (retention) move to the oldest record. */
    MiniKafkaConsumer consumer() {
        return new MiniKafkaConsumer(ConsumerConfig.builder(bootstrap)
                .autoOffsetReset(OffsetReset.EARLIEST)
                .requestTimeout(REQUEST_TIMEOUT)
                .build());
    }

    @Override
    public void close() {
        calls.shutdownNow();
        // After a timed-out call the channel may hang on close; the process is about to end anyway.
        if (admin != null && !abandoned) {
            admin.close();
        }
    }
}
