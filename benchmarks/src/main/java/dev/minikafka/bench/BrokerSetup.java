package dev.minikafka.bench;

import dev.minikafka.client.ClientSecurity;
import dev.minikafka.client.MiniKafkaAdmin;
import dev.minikafka.client.NewTopic;
import dev.minikafka.client.MiniKafkaException;
import dev.minikafka.client.TopicInfo;
import dev.minikafka.proto.v1.ErrorCode;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The checks before a run: the broker answers, the topic exists (created when asked). Every failure becomes a
 * {@link BenchException} with a sentence naming the address or the topic, so a wrong port is one clear line
 * instead of a gRPC stack trace. The whole check is bounded, even if the client's own call never returns.
 */
final class BrokerSetup {

    private static final Duration MAX_WAIT = Duration.ofSeconds(15);

    private BrokerSetup() {
    }

    /** Creates the topic if it is absent and describes it. */
    static TopicInfo ensureTopic(String bootstrap, ClientSecurity security, String topic, int partitions, Duration timeout) {
        return bounded(bootstrap, security, topic, timeout, admin -> {
            TopicInfo info = admin.createTopicIfAbsent(new NewTopic(topic, partitions));
            if (info.partitionCount() != partitions) {
                System.err.printf("note: topic %s already exists with %d partitions; using those (asked for %d)%n",
                        topic, info.partitionCount(), partitions);
            }
            return info;
        }, "cannot create topic " + topic);
    }

    /** Describes a topic that must already exist. */
    static TopicInfo describeTopic(String bootstrap, ClientSecurity security, String topic, Duration timeout) {
        return bounded(bootstrap, security, topic, timeout, admin -> admin.describeTopic(topic),
                "cannot describe topic " + topic);
    }

    private interface AdminCall<T> {
        T call(MiniKafkaAdmin admin);
    }

    private static <T> T bounded(String bootstrap, ClientSecurity security, String topic, Duration timeout, AdminCall<T> call,
                                 String topicFailure) {
        Duration wait = timeout.compareTo(MAX_WAIT) < 0 ? timeout : MAX_WAIT;
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "bench-setup");
            t.setDaemon(true);
            return t;
        });
        try {
            CompletableFuture<T> future = CompletableFuture.supplyAsync(() -> {
                try (MiniKafkaAdmin admin = new MiniKafkaAdmin(bootstrap, Duration.ofSeconds(30), security)) {
                    return call.call(admin);
                }
            }, executor);
            return future.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new BenchException(ExitCodes.BROKER_UNREACHABLE,
                    "the broker at " + bootstrap + " did not answer within " + wait.toSeconds() + "s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException(ExitCodes.BROKER_UNREACHABLE, "interrupted while contacting " + bootstrap);
        } catch (ExecutionException e) {
            throw translate(e.getCause(), bootstrap, topic, topicFailure);
        } finally {
            executor.shutdownNow();
        }
    }

    static BenchException translate(Throwable failure, String bootstrap, String topic, String topicFailure) {
        if (failure instanceof MiniKafkaException mk) {
            if (mk.code() == ErrorCode.BROKER_UNAVAILABLE) {
                return new BenchException(ExitCodes.BROKER_UNREACHABLE,
                        "cannot reach the broker at " + bootstrap + ": " + mk.getMessage());
            }
            if (mk.code() == ErrorCode.UNKNOWN_TOPIC) {
                return new BenchException(ExitCodes.TOPIC_FAILED,
                        "topic " + topic + " does not exist on " + bootstrap + " (produce to it first)");
            }
            return new BenchException(ExitCodes.TOPIC_FAILED,
                    topicFailure + " (" + mk.code() + "): " + mk.getMessage());
        }
        // Anything else (a transport error the client did not wrap, a bad address) means no usable broker.
        return new BenchException(ExitCodes.BROKER_UNREACHABLE,
                "cannot reach the broker at " + bootstrap + ": " + failure);
    }
}
