package dev.minikafka.broker.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import dev.minikafka.broker.support.BrokerRunner;
import dev.minikafka.broker.support.LoopbackProxy;
import dev.minikafka.client.ConsumerConfig;
import dev.minikafka.client.ConsumerRebalanceListener;
import dev.minikafka.client.ConsumerRecord;
import dev.minikafka.client.MiniKafkaAdmin;
import dev.minikafka.client.MiniKafkaConsumer;
import dev.minikafka.client.MiniKafkaProducer;
import dev.minikafka.client.ProducerConfig;
import dev.minikafka.client.ProducerRecord;
import dev.minikafka.client.RecordMetadata;
import dev.minikafka.client.TopicPartition;
import dev.minikafka.proto.v1.CommitOffsetsRequest;
import dev.minikafka.proto.v1.GroupsGrpc;
import dev.minikafka.proto.v1.OffsetCommit;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;

/**
 * The consumer-group scenario end to end over real gRPC: while a producer sends numbered records the whole
 * time, three consumers join one by one, one leaves cleanly and one vanishes without a goodbye. Every
 * record must be processed at least once, no partition may ever be owned by two consumers at once, the
 * group's lag must reach zero, and the vanished consumer's commit must be refused once it is removed.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RebalanceScenarioTest {

    private static final String TOPIC = "orders";
    private static final String GROUP = "order-processors";
    private static final int PARTITIONS = 8;
    /** The producer stops by itself here if the scenario has not stopped it before. */
    private static final int MAX_RECORDS = 12_000;
    private static final long SEND_EVERY_NANOS = 2_500_000; // ~400 records/s
    private static final Duration SETTLE = Duration.ofSeconds(15);
    /** Long enough that a loaded machine (a GC or scheduling pause) does not expire c3 before it vanishes. */
    private static final Duration VANISHING_SESSION_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration HEARTBEAT_INTERVAL = Duration.ofMillis(300);
    /** How long a consumer's revocation listener works before it lets go (2/3 of a heartbeat interval). */
    private static final long REVOKE_WORK_NANOS = 200_000_000;

    @TempDir
    Path dataDir;

    private final Ownership ownership = new Ownership();
    private final AtomicIntegerArray processed = new AtomicIntegerArray(MAX_RECORDS);
    private final List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());

    @Test
    void membersJoinLeaveAndVanishWhileRecordsFlowAndEveryRecordIsProcessedByExactlyOneOwnerAtATime() throws Exception {
        // The heartbeat interval is set well inside the vanishing member's 1 s session timeout: the broker's
        // 1 s default equals the shortest session timeout (see GroupFencingTest, heartbeat interval).
        ConfigurableApplicationContext broker = BrokerRunner.start(dataDir,
                "--minikafka.broker.groups.heartbeat-interval=" + HEARTBEAT_INTERVAL.toMillis() + "ms");
        String bootstrap = "127.0.0.1:" + BrokerRunner.grpcPort(broker);
        GroupCoordinator coordinator = broker.getBean(GroupCoordinator.class);
        ManagedChannel raw = Grpc.newChannelBuilder(bootstrap, InsecureChannelCredentials.create()).build();
        // c3 reaches the broker through a proxy that can go silent: see vanish() below.
        LoopbackProxy proxyOfC3 = new LoopbackProxy(BrokerRunner.grpcPort(broker));
        MiniKafkaAdmin admin = new MiniKafkaAdmin(bootstrap);
        Producer producer = new Producer(bootstrap);
        List<Member> members = new ArrayList<>();
        Map<String, Long> rebalanceMs = new java.util.LinkedHashMap<>();
        try {
            admin.createTopic(TOPIC, PARTITIONS);
            producer.start();

            for (String name : List.of("c1", "c2", "c3")) {
                String address = name.equals("c3") ? "127.0.0.1:" + proxyOfC3.port() : bootstrap;
                Duration session = name.equals("c3") ? VANISHING_SESSION_TIMEOUT : Duration.ofSeconds(10);
                long start = System.nanoTime();
                Member member = new Member(name, address, session);
                members.add(member);
                member.start();
                awaitSettled(coordinator, members.size(), "after " + name + " joined");
                rebalanceMs.put(name + " joins", (ownership.lastAssignedAt() - start) / 1_000_000);
            }
            Member c1 = members.get(0);
            Member c2 = members.get(1);
            Member c3 = members.get(2);

            // A cooperative leave: c2 revokes (and commits) its partitions, then says goodbye.
            long leaveStart = System.nanoTime();
            c2.stop(true);
            awaitSettled(coordinator, 2, "after c2 left");
            rebalanceMs.put("c2 leaves (close)", (ownership.fullyOwnedSince() - leaveStart) / 1_000_000);

            // A vanish: c3 stops without a goodbye. Its member id and epoch come from the broker's view of the
            // group (the consumer has no public accessor for them), found by c3's client id.
            MemberDescription zombie = coordinator.describe(GROUP).members().stream()
                    .filter(m -> m.clientId().equals("c3")).findFirst().orElseThrow();
            assertThat(zombie.assignment()).isNotEmpty();
            long vanishStart = vanish(c3, proxyOfC3);
            awaitSettled(coordinator, 1, "after c3 vanished");
            long vanishMs = (ownership.fullyOwnedSince() - vanishStart) / 1_000_000;
            rebalanceMs.put("c3 vanishes (session timeout " + VANISHING_SESSION_TIMEOUT.toMillis() + " ms)", vanishMs);
            // Its last heartbeat reached the broker at most one interval before the vanish; a stream end
            // would have been noticed within milliseconds.
            assertThat(vanishMs).as("c3's connection stayed open, so only its session timeout could remove it")
                    .isGreaterThanOrEqualTo(VANISHING_SESSION_TIMEOUT.minus(HEARTBEAT_INTERVAL).toMillis());

            // The zombie's commit, with its last member id and epoch, is refused now that it was removed.
            TopicPartition ofZombie = zombie.assignment().iterator().next();
            assertThatThrownBy(() -> GroupsGrpc.newBlockingStub(raw).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .commitOffsets(CommitOffsetsRequest.newBuilder().setGroupId(GROUP).setMemberId(zombie.memberId())
                            .setMemberEpoch(zombie.memberEpoch()).addOffsets(OffsetCommit.newBuilder()
                                    .setTopic(ofZombie.topic()).setPartition(ofZombie.partition()).setOffset(1)).build()))
                    .satisfies(e -> {
                        Status status = Status.fromThrowable(e);
                        assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                        assertThat(status.getDescription()).contains("unknown member " + zombie.memberId());
                    });

            // Some traffic with c1 alone, then the producer stops; c1 must catch up and commit everything.
            long sentBefore = producer.sent();
            awaitTrue(() -> producer.sent() >= sentBefore + 200, Duration.ofSeconds(10), "the producer is still sending");
            assertThat(producer.isAlive()).as("the producer ran through the whole scenario").isTrue();
            int produced = producer.finish();
            awaitTrue(() -> firstUnprocessed(produced) < 0, Duration.ofSeconds(20),
                    "every produced record is processed (first missing: " + firstUnprocessed(produced) + ")");
            awaitTrue(() -> lag(coordinator, admin).values().stream().allMatch(l -> l == 0), Duration.ofSeconds(20),
                    "the group's lag is zero: " + lag(coordinator, admin));
            c1.stop(true);

            assertThat(errors).as("errors on the consumer and producer threads").isEmpty();
            assertThat(ownership.violations()).as("partitions owned by two consumers at once").isEmpty();
            assertThat(ownership.lost()).as("live members never lost their session").isEmpty();
            int duplicates = 0;
            for (int i = 0; i < produced; i++) {
                duplicates += Math.max(0, processed.get(i) - 1);
            }
            System.out.printf("%n== Rebalance scenario: %d records produced, %d processed more than once ==%n", produced, duplicates);
            rebalanceMs.forEach((what, ms) -> System.out.printf("   %-40s all %d partitions owned again after %5d ms%n",
                    what, PARTITIONS, ms));
        } finally {
            producer.finish();
            members.forEach(m -> m.stop(true));
            proxyOfC3.close();
            raw.shutdownNow();
            admin.close();
            broker.close();
        }
    }

    /**
     * Makes c3 disappear the way a crashed host or a network partition does: its poll loop stops, its proxy
     * goes silent (the broker's connection stays open, so the broker sees no stream end and must rely on
     * the session timeout), and its gRPC channel is cut with {@code shutdownNow()}. The channel is a
     * private field of {@link MiniKafkaConsumer} with no accessor, and {@code close()} would say goodbye,
     * which is exactly what a vanishing consumer does not do; so reflection it is.
     *
     * <p>Its partitions are released in the ownership record at this moment. That is the honest choice:
     * the broker hands them on only after the session timeout, but the stopped c3 will never process
     * again. It also means the ownership check says nothing about the zombie: a real zombie (still running,
     * cut off) would believe it owns them until it notices its session is gone. What protects against that
     * is fencing, checked by the zombie commit in the test and, for reads, in {@code GroupFencingTest}.
     * Returns when the vanish began.
     */
    private long vanish(Member c3, LoopbackProxy proxy) throws Exception {
        c3.stop(false);
        ownership.releaseAll("c3");
        long start = System.nanoTime();
        proxy.freeze();
        Field channel = MiniKafkaConsumer.class.getDeclaredField("channel");
        channel.setAccessible(true);
        ((ManagedChannel) channel.get(c3.consumer)).shutdownNow();
        return start;
    }

    /** Waits until the group is stable with {@code members} members and every partition is owned. */
    private void awaitSettled(GroupCoordinator coordinator, int members, String when) {
        awaitTrue(() -> {
            if (coordinator.groups().stream().noneMatch(g -> g.groupId().equals(GROUP))) {
                return false; // the first join is asynchronous
            }
            GroupDescription group = coordinator.describe(GROUP);
            return group.state() == GroupState.STABLE && group.members().size() == members
                    && group.members().stream().allMatch(m -> !m.assignment().isEmpty())
                    && ownership.ownedCount() == PARTITIONS;
        }, SETTLE, "the group settles " + when + ": " + safeDescribe(coordinator) + ", owned " + ownership.owners());
        assertThat(ownership.violations()).as("partitions owned by two consumers at once, " + when).isEmpty();
        // What the consumers' listeners were told matches the broker's view.
        for (MemberDescription m : coordinator.describe(GROUP).members()) {
            assertThat(ownership.ownedBy(m.clientId())).as("partitions of %s", m.clientId()).isEqualTo(m.assignment());
        }
    }

    private static String safeDescribe(GroupCoordinator coordinator) {
        try {
            return String.valueOf(coordinator.describe(GROUP));
        } catch (GroupException e) {
            return e.getMessage();
        }
    }

    private static Map<TopicPartition, Long> lag(GroupCoordinator coordinator, MiniKafkaAdmin admin) {
        Map<TopicPartition, Long> committed = coordinator.groups().stream().filter(g -> g.groupId().equals(GROUP))
                .findFirst().map(GroupsView.GroupSnapshot::committed).orElse(Map.of());
        Map<TopicPartition, Long> lag = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            TopicPartition tp = new TopicPartition(TOPIC, p);
            lag.put(tp, admin.latestOffset(tp) - committed.getOrDefault(tp, 0L));
        }
        return lag;
    }

    private int firstUnprocessed(int produced) {
        for (int i = 0; i < produced; i++) {
            if (processed.get(i) == 0) {
                return i;
            }
        }
        return -1;
    }

    private static void awaitTrue(BooleanSupplier condition, Duration max, String what) {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + max + ": " + what);
            }
            LockSupport.parkNanos(5_000_000);
        }
    }

    /**
     * Who owns which partition, as the consumers' rebalance listeners report it. A partition may be
     * assigned only while nobody holds it; revoked or lost, it must be released by its holder.
     */
    private static final class Ownership {

        private final Map<TopicPartition, String> owners = new ConcurrentHashMap<>();
        private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
        private final List<String> lost = Collections.synchronizedList(new ArrayList<>());
        private final AtomicLong fullyOwnedSince = new AtomicLong();
        private final AtomicLong lastAssignedAt = new AtomicLong();

        void assigned(String member, Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                String previous = owners.putIfAbsent(tp, member);
                if (previous != null) {
                    violations.add(tp + " assigned to " + member + " while " + previous + " owns it");
                }
            }
            long now = System.nanoTime();
            lastAssignedAt.set(now);
            if (owners.size() == PARTITIONS) {
                fullyOwnedSince.set(now);
            }
        }

        void released(String member, Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                if (!owners.remove(tp, member)) {
                    violations.add(member + " released " + tp + " which it did not own (owner: " + owners.get(tp) + ")");
                }
            }
        }

        void lost(String member, Collection<TopicPartition> partitions) {
            lost.add(member + " lost " + partitions);
            released(member, partitions);
        }

        void releaseAll(String member) {
            owners.values().removeIf(member::equals);
        }

        Set<TopicPartition> ownedBy(String member) {
            return owners.entrySet().stream().filter(e -> e.getValue().equals(member)).map(Map.Entry::getKey)
                    .collect(Collectors.toSet());
        }

        int ownedCount() {
            return owners.size();
        }

        Map<TopicPartition, String> owners() {
            return Map.copyOf(owners);
        }

        List<String> violations() {
            return List.copyOf(violations);
        }

        List<String> lost() {
            return List.copyOf(lost);
        }

        long fullyOwnedSince() {
            return fullyOwnedSince.get();
        }

        long lastAssignedAt() {
            return lastAssignedAt.get();
        }
    }

    /** A consumer with its own poll loop on its own thread (the consumer is not thread-safe). */
    private final class Member {

        private final String name;
        private final ConsumerConfig config;
        private final Thread thread;
        private volatile boolean running = true;
        private volatile boolean closeOnStop = true;
        private volatile MiniKafkaConsumer consumer;

        Member(String name, String address, Duration sessionTimeout) {
            this.name = name;
            this.config = ConsumerConfig.builder(address).clientId(name).sessionTimeout(sessionTimeout)
                    .autoCommitInterval(Duration.ofMillis(200)).requestTimeout(Duration.ofSeconds(10)).build();
            this.thread = new Thread(this::run, "consumer-" + name);
            this.thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        private void run() {
            MiniKafkaConsumer c = new MiniKafkaConsumer(config);
            consumer = c;
            try {
                c.subscribe(List.of(TOPIC), GROUP, new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                        // Finishing in-flight work takes a while in real consumers. The pause widens the window
                        // in which a broker that handed partitions on before this confirmation would be caught.
                        LockSupport.parkNanos(REVOKE_WORK_NANOS);
                        ownership.released(name, partitions);
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                        ownership.assigned(name, partitions);
                    }

                    @Override
                    public void onPartitionsLost(Collection<TopicPartition> partitions) {
                        ownership.lost(name, partitions);
                    }
                });
                while (running) {
                    for (ConsumerRecord r : c.poll(Duration.ofMillis(100))) {
                        processed.incrementAndGet(Integer.parseInt(new String(r.value(), StandardCharsets.UTF_8)));
                    }
                }
            } catch (Throwable t) {
                errors.add(new AssertionError(name + " failed", t));
            } finally {
                if (closeOnStop) {
                    c.close();
                }
            }
        }

        /** Ends the poll loop; with {@code close}, the consumer leaves the group cleanly. Waits for the thread. */
        void stop(boolean close) {
            closeOnStop = close;
            running = false;
            try {
                thread.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                errors.add(new AssertionError(name + " did not stop within 15 s"));
            }
        }
    }

    /** Sends numbered records, paced, until told to finish or {@link #MAX_RECORDS} are sent. */
    private final class Producer {

        private final MiniKafkaProducer producer;
        private final Thread thread;
        private final List<CompletableFuture<RecordMetadata>> acks = Collections.synchronizedList(new ArrayList<>());
        private volatile boolean running = true;
        private volatile int sent;

        Producer(String bootstrap) {
            this.producer = new MiniKafkaProducer(ProducerConfig.builder(bootstrap).build());
            this.thread = new Thread(this::run, "producer");
            this.thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        private void run() {
            long next = System.nanoTime();
            try {
                for (int i = 0; i < MAX_RECORDS && running; i++) {
                    byte[] number = Integer.toString(i).getBytes(StandardCharsets.UTF_8);
                    acks.add(producer.send(new ProducerRecord(TOPIC, ("key-" + i).getBytes(StandardCharsets.UTF_8), number)));
                    sent = i + 1;
                    next += SEND_EVERY_NANOS;
                    LockSupport.parkNanos(next - System.nanoTime()); // pacing, not waiting for a condition
                }
            } catch (Throwable t) {
                errors.add(new AssertionError("producer failed", t));
            }
        }

        int sent() {
            return sent;
        }

        boolean isAlive() {
            return thread.isAlive();
        }

        /** Stops sending, waits for every acknowledgement, and returns how many records were sent. */
        int finish() throws InterruptedException {
            if (!running) {
                return sent;
            }
            running = false;
            thread.join(10_000);
            producer.flush();
            for (CompletableFuture<RecordMetadata> ack : List.copyOf(acks)) {
                ack.orTimeout(10, TimeUnit.SECONDS).join(); // every record must have been accepted
            }
            producer.close();
            return sent;
        }
    }
}
