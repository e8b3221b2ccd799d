package dev.minikafka.client;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.minikafka.client.internal.Channels;
import dev.minikafka.client.internal.GroupMembership;
import dev.minikafka.client.internal.OffsetCommits;
import dev.minikafka.client.internal.PartitionSubscription.Delivery;
import dev.minikafka.client.internal.Statuses;
import dev.minikafka.client.internal.SubscriptionFetcher;
import dev.minikafka.proto.v1.Assignment;
import dev.minikafka.proto.v1.ConsumerGrpc;
import dev.minikafka.proto.v1.ErrorCode;
import dev.minikafka.proto.v1.GroupsGrpc;
import dev.minikafka.proto.v1.PartitionData;
import dev.minikafka.protocol.BatchCheck;
import dev.minikafka.protocol.BatchLayout;
import dev.minikafka.protocol.CorruptRecordException;
import dev.minikafka.protocol.RecordBatch;
import io.grpc.ManagedChannel;
import io.grpc.Status;

/**
 * Reads records from partitions the broker assigns it as a member of a consumer group ({@link #subscribe}),
 * or that it is assigned by hand ({@link #assign}), from positions it tracks itself.
 * Each assigned, unpaused partition is read through one {@code Consumer.Subscribe} stream from its position:
 * the broker pushes batches as they are appended, a few messages ahead of the application (flow control
 * keeps it bounded), and each {@link #poll} returns what arrived since the last one. A seek or pause
 * cancels the partition's stream; the next poll opens a new one from the position.
 *
 * <p>In a group, the broker assigns partitions and moves them between members; {@code poll} applies each
 * change on the calling thread: revoked partitions are reported to the {@link ConsumerRebalanceListener},
 * committed (with auto-commit) and let go before the broker hands them on, and new partitions start at the
 * group's committed offsets (else {@code auto.offset.reset}). Delivery is at-least-once: records returned
 * after the last commit are read again by the next owner if this consumer stops without committing them
 * (a crash, a lost session, or a poll loop that stalls past the session timeout).
 *
 * <p>Thread-safety: not thread-safe, like Kafka's consumer; use one per thread.
 *
 * <pre>{@code
 * try (var consumer = new MiniKafkaConsumer(ConsumerConfig.builder("127.0.0.1:9092").build())) {
 *     consumer.subscribe(List.of("payments"), "orders");
 *     while (running) {
 *         for (ConsumerRecord r : consumer.poll(Duration.ofSeconds(1))) { ... }
 *     }   // positions of returned records are committed every auto.commit.interval.ms, and on close
 * }
 * }</pre>
 */
public final class MiniKafkaConsumer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MiniKafkaConsumer.class);
    /** Position of a partition whose start is decided by {@code auto.offset.reset} on the next poll. */
    private static final long UNKNOWN = -1;
    /** Most messages one stream may have in flight; more would only hold memory, not add throughput. */
    private static final int MAX_PREFETCH = 4;
    /** How long a partition whose stream broke waits before it is reopened. */
    private static final long RETRY_BACKOFF_NANOS = 100_000_000L;
    /** Wait before rejoining a group after the session broke; doubles up to the maximum while it keeps failing. */
    private static final long REJOIN_BACKOFF_MIN_NANOS = 100_000_000L;
    private static final long REJOIN_BACKOFF_MAX_NANOS = 2_000_000_000L;

    private final ConsumerConfig config;
    private final ManagedChannel channel;
    private final MiniKafkaAdmin admin;
    private final SubscriptionFetcher fetcher;
    private final Map<TopicPartition, Long> positions = new LinkedHashMap<>();
    private final Set<TopicPartition> paused = new HashSet<>();
    private final Map<TopicPartition, Long> logEndOffsets = new LinkedHashMap<>();
    /** A stream's failure met after records were read in the same poll; the next poll handles it. */
    private Delivery deferred;
    private final OffsetCommits commits;
    /** Membership of the group {@link #subscribe} joined; null for a consumer assigned by hand. */
    private GroupMembership membership;
    private ConsumerRebalanceListener listener = ConsumerRebalanceListener.NONE;
    /**
     * Partitions announced to the listener as revoked whose hand-over waits for the commit before it: they are
     * no longer read, so no record of them is returned after their revocation.
     */
    private final Set<TopicPartition> revoking = new LinkedHashSet<>();
    /** When the poll first tried to let {@link #revoking} go; bounds the retries of its commit. */
    private long revokingSinceNanos;
    /** The commit before the revocation failed: the next attempt announces the revocation again. */
    private boolean announceRevocationAgain;
    /** An assignment whose look-up or commit failed is applied again no sooner than this, or 0. */
    private long applyAgainAtNanos;
    private long nextAutoCommitNanos;
    private long rejoinAtNanos;
    private long rejoinBackOffNanos = REJOIN_BACKOFF_MIN_NANOS;
    private boolean closed;

    public MiniKafkaConsumer(ConsumerConfig config) {
        this.config = config;
        this.channel = Channels.open(config.bootstrap(), config.clientId(), config.security());
        this.admin = new MiniKafkaAdmin(channel, config.requestTimeoutMs());
        this.fetcher = new SubscriptionFetcher(ConsumerGrpc.newStub(channel), config.maxPartitionFetchBytes());
        this.commits = new OffsetCommits(GroupsGrpc.newStub(channel), config.requestTimeoutMs());
        this.nextAutoCommitNanos = System.nanoTime() + config.autoCommitIntervalMs() * 1_000_000L;
    }

    /**
     * Joins {@code group} to read {@code topics}: the broker assigns this consumer a share of their
     * partitions and moves them as members come and go, telling {@code listener}. Partitions arrive
     * through the following polls.
     */
    public void subscribe(Collection<String> topics, String group, ConsumerRebalanceListener listener) {
        ensureOpen();
        if (topics.isEmpty()) {
            throw new IllegalArgumentException("subscribe to at least one topic");
        }
        if (group == null || group.isBlank()) {
            throw new IllegalArgumentException("a group id is required to subscribe");
        }
        if (membership != null || !positions.isEmpty()) {
            throw new IllegalStateException("this consumer already reads " + (membership != null
                    ? "as a member of group '" + membership.groupId() + "'" : "partitions assigned by hand")
                    + "; use a new consumer");
        }
        this.listener = listener == null ? ConsumerRebalanceListener.NONE : listener;
        this.membership = new GroupMembership(GroupsGrpc.newStub(channel), new GroupMembership.Settings(group,
                List.copyOf(new LinkedHashSet<>(topics)), config.groupInstanceId(), config.sessionTimeoutMs(),
                config.assignor(), config.clientId()), fetcher::wakeup);
        membership.join();
        nextAutoCommitNanos = System.nanoTime() + config.autoCommitIntervalMs() * 1_000_000L;
    }

    public void subscribe(Collection<String> topics, String group) {
        subscribe(topics, group, ConsumerRebalanceListener.NONE);
    }

    /**
     * Commits the positions of every assigned partition (the records poll returned so far) and waits until
     * the broker stored them durably.
     *
     * @throws MiniKafkaException when the broker refuses (this member no longer owns a partition:
     *                            FAILED_PRECONDITION) or cannot store it (retriable)
     */
    public void commitSync() {
        commitSync(currentPositions());
    }

    /**
     * Commits these offsets (each the next offset to read) and waits until they are stored; first waits for
     * the answers to earlier {@link #commitAsync} calls, as Kafka's consumer does, so they cannot land after it.
     */
    public void commitSync(Map<TopicPartition, Long> offsets) {
        ensureOpen();
        commits.commitSync(groupForCommit(), memberId(), memberEpoch(), offsets);
    }

    /** Commits the positions of every assigned partition without waiting; failures are logged. */
    public void commitAsync() {
        commitAsync(currentPositions(), null);
    }

    /** Commits without waiting; {@code callback} (may be null) gets the outcome on a gRPC thread. */
    public void commitAsync(Map<TopicPartition, Long> offsets, OffsetCommitCallback callback) {
        ensureOpen();
        commits.commitAsync(groupForCommit(), memberId(), memberEpoch(), offsets, callback);
    }

    /** The group's committed offsets for these partitions; partitions without one are left out. */
    public Map<TopicPartition, Long> committed(Set<TopicPartition> partitions) {
        ensureOpen();
        return commits.committed(groupForCommit(), partitions);
    }

    /**
     * Reads exactly these partitions from now on, replacing the previous assignment. Partitions kept keep
     * their positions; new ones start at the committed offsets of {@code group.id} if it is set, else where
     * {@code auto.offset.reset} says, unless sought first. With a {@code group.id} and auto-commit, the positions
     * are committed every {@code auto.commit.interval.ms}, before an assignment replaces them (without waiting),
     * and on close, as Kafka's consumer does; the broker takes such commits only while the group has no members.
     */
    public void assign(Collection<TopicPartition> partitions) {
        ensureOpen();
        if (membership != null) {
            throw new IllegalStateException("this consumer reads as a member of group '" + membership.groupId()
                    + "'; its partitions are assigned by the broker");
        }
        if (autoCommits()) {
            autoCommitAsync(); // the partitions let go keep what was read from them
        }
        Map<TopicPartition, Long> kept = new LinkedHashMap<>();
        for (TopicPartition partition : partitions) {
            kept.put(partition, positions.getOrDefault(partition, UNKNOWN));
        }
        positions.clear();
        positions.putAll(kept);
        paused.retainAll(kept.keySet());
        logEndOffsets.keySet().retainAll(kept.keySet());
        fetcher.retainAll(kept.keySet()); // kept partitions stream on from their unchanged positions
    }

    public Set<TopicPartition> assignment() {
        return Set.copyOf(positions.keySet());
    }

    /** The offset of the next record {@link #poll} returns from this partition. */
    public long position(TopicPartition partition) {
        if (assigned(partition) == UNKNOWN) {
            resolveUnknownPosition(partition);
        }
        return positions.get(partition);
    }

    /** Records between the position and the log end, as of the last data received; -1 before any. */
    public long lag(TopicPartition partition) {
        Long end = logEndOffsets.get(partition);
        long position = assigned(partition);
        return end == null || position == UNKNOWN ? -1 : Math.max(0, end - position);
    }

    /** The next poll reads this partition from {@code offset}; out-of-range offsets follow {@code auto.offset.reset}. */
    public void seek(TopicPartition partition, long offset) {
        assigned(partition);
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative: " + offset);
        }
        moveTo(partition, offset);
    }

    public void seekToBeginning(Collection<TopicPartition> partitions) {
        resetPositions(partitions, OffsetReset.EARLIEST);
    }

    public void seekToEnd(Collection<TopicPartition> partitions) {
        resetPositions(partitions, OffsetReset.LATEST);
    }

    /**
     * Moves each partition to its first record with a timestamp at or after {@code timestampMs}, or to the
     * log end if none is that new: replay from a point in time.
     */
    public void seekToTimestamp(Collection<TopicPartition> partitions, long timestampMs) {
        for (TopicPartition partition : partitions) {
            assigned(partition);
            long offset = admin.offsetForTimestamp(partition, timestampMs);
            moveTo(partition, offset >= 0 ? offset : admin.latestOffset(partition));
        }
    }

    /** Stops returning records from these partitions (their positions are kept) until {@link #resume}. */
    public void pause(Collection<TopicPartition> partitions) {
        partitions.forEach(this::assigned);
        paused.addAll(partitions);
        partitions.forEach(fetcher::close);
    }

    /** Reads these partitions again from their positions, from the next {@link #poll}. */
    public void resume(Collection<TopicPartition> partitions) {
        paused.removeAll(partitions);
    }

    public Set<TopicPartition> paused() {
        return Set.copyOf(paused);
    }

    /**
     * Returns the records available from the current positions, waiting up to {@code timeout} for some to
     * arrive, and advances the positions past them. Returns an empty list when none came in time.
     *
     * <p>In a group, a new assignment is applied first (see {@link ConsumerRebalanceListener}); the look-up of
     * its partitions' committed offsets and the commit before a revocation are waited for only within the
     * timeout: one not answered by then stays in flight, and a later poll carries on with it, the poll returning
     * what it has (often nothing) meanwhile, as Kafka's consumer does.
     *
     * @throws MiniKafkaException for a partition that no longer exists, a position outside the log
     *                            with {@code auto.offset.reset=none}, or a corrupt batch at the position
     *                            ({@code CORRUPT_BATCH}: thrown again by each poll until a seek moves past
     *                            it); retriable failures are retried within the timeout
     */
    public List<ConsumerRecord> poll(Duration timeout) {
        ensureOpen();
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ConsumerRecord> records = new ArrayList<>();
        try {
            Delivery delivery = deferred != null && fetcher.isCurrent(deferred) ? deferred : null;
            deferred = null;
            maybeAutoCommit();
            while (true) {
                long retryIn = membership == null ? Long.MAX_VALUE : updateMembership(deadline);
                retryIn = Math.min(retryIn, subscribe());
                if (delivery == null) {
                    long left = deadline - System.nanoTime();
                    // Out of time (or a zero timeout): still return what is already buffered, without waiting.
                    delivery = left > 0 ? fetcher.take(Math.min(left, retryIn)) : fetcher.poll();
                    if (delivery == null && left <= 0) {
                        return records;
                    }
                }
                long bytes = 0;
                while (delivery != null) {
                    if (delivery.failure() != null) {
                        if (!records.isEmpty()) {
                            deferred = delivery; // return what was read first; the failure is the next poll's
                            return records;
                        }
                        failed(delivery);
                    } else {
                        Delivery corrupt = accept(delivery, records);
                        bytes += delivery.data().getBatches().size();
                        if (corrupt != null) {
                            delivery = corrupt; // handled as a failure of the stream: now, or after these records
                            continue;
                        }
                    }
                    delivery = bytes < config.fetchMaxBytes() ? fetcher.poll() : null;
                }
                if (!records.isEmpty()) {
                    return records;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return records;
    }

    /**
     * Applies what the group session brought since the last look: a new assignment (revoke, confirm,
     * assign), or a lost session (drop everything, rejoin after a back-off). Returns the nanoseconds until
     * a pending rejoin or a new attempt to apply an assignment is due, or {@code Long.MAX_VALUE}.
     */
    private long updateMembership(long deadlineNanos) {
        Throwable failure = membership.takeFailure();
        if (failure != null) {
            MiniKafkaException e = Statuses.toException(failure);
            boolean retriable = e.isRetriable() || Status.fromThrowable(failure).getCode() == Status.Code.FAILED_PRECONDITION;
            if (retriable) {
                log.warn("Lost the session with group '{}' ({}); rejoining", membership.groupId(), e.getMessage());
            }
            dropAll(true);
            rejoinAtNanos = System.nanoTime() + rejoinBackOffNanos;
            rejoinBackOffNanos = Math.min(REJOIN_BACKOFF_MAX_NANOS, rejoinBackOffNanos * 2);
            if (!retriable) {
                // A bad group id or topic, an instance id in use: the application hears of it from this poll,
                // and later polls try again after the back-off, as it may clear (the other consumer closes).
                throw e;
            }
        }
        if (rejoinAtNanos != 0) {
            long left = rejoinAtNanos - System.nanoTime();
            if (left > 0) {
                return left;
            }
            rejoinAtNanos = 0;
            membership.join();
        }
        if (applyAgainAtNanos != 0) {
            long left = applyAgainAtNanos - System.nanoTime();
            if (left > 0) {
                return left;
            }
            applyAgainAtNanos = 0;
        }
        Assignment assignment = membership.takeAssignment();
        if (assignment != null) {
            rejoinBackOffNanos = REJOIN_BACKOFF_MIN_NANOS;
            apply(assignment, deadlineNanos);
            if (applyAgainAtNanos != 0) {
                return Math.max(0, applyAgainAtNanos - System.nanoTime());
            }
        }
        return Long.MAX_VALUE;
    }

    /**
     * Moves to a new assignment: let revoked partitions go (committing them first), then take the new ones. The
     * look-up of committed offsets and the commit are waited for until {@code deadlineNanos} (the poll's); one
     * not answered by then stays in flight for the next poll, which applies the assignment again from where this
     * one stopped, and one that failed retriably is sent again after a back-off. A listener's failure, or a look-up
     * failure that is not retriable, leaves {@code poll}, and the next poll applies the assignment again. Until it is
     * applied the broker is not told it was taken, so it neither counts the new partitions as read nor hands the
     * revoked ones on. A revocation is announced to the listener once, and again after its commit failed.
     */
    private void apply(Assignment assignment, long deadlineNanos) {
        boolean applied;
        try {
            applied = applyOnce(assignment, deadlineNanos);
        } catch (RuntimeException e) {
            membership.retake(assignment);
            throw e;
        }
        if (!applied) {
            membership.retake(assignment);
        }
    }

    /** Returns false if a look-up or commit is not done by the deadline. */
    private boolean applyOnce(Assignment assignment, long deadlineNanos) {
        Set<TopicPartition> next = GroupMembership.partitions(assignment);
        Set<TopicPartition> revoked = new LinkedHashSet<>(positions.keySet());
        revoked.removeAll(next);
        if (!letGo(revoked, deadlineNanos)) {
            return false;
        }
        Set<TopicPartition> added = new LinkedHashSet<>(next);
        added.removeAll(positions.keySet());
        // Looked up before the broker is told: a failure here leaves nothing half taken.
        Map<TopicPartition, Long> committed = added.isEmpty() ? Map.of() : committedOffsets(assignment, added, deadlineNanos);
        if (committed == null) {
            return false;
        }
        membership.confirm(assignment.getMemberEpoch(), next);
        fetcher.readAs(membership.member());
        if (added.isEmpty()) {
            return true;
        }
        for (TopicPartition tp : added) {
            positions.put(tp, committed.getOrDefault(tp, UNKNOWN));
        }
        log.info("Group '{}' assigned {} (epoch {})", membership.groupId(), added, assignment.getMemberEpoch());
        listener.onPartitionsAssigned(added);
        return true;
    }

    /**
     * Lets the revoked partitions go: announces them to the listener (once; again after their commit failed),
     * stops reading them, commits them with auto-commit and forgets them. Partitions announced as revoked that a
     * newer assignment keeps are announced as assigned and read on. Returns false while the commit is not done.
     */
    private boolean letGo(Set<TopicPartition> revoked, long deadlineNanos) {
        Set<TopicPartition> kept = new LinkedHashSet<>(revoking);
        kept.removeAll(revoked);
        if (!kept.isEmpty()) {
            listener.onPartitionsAssigned(kept);
            revoking.removeAll(kept);
        }
        if (revoked.isEmpty()) {
            announceRevocationAgain = false;
            return true;
        }
        if (revoking.isEmpty()) {
            revokingSinceNanos = System.nanoTime();
        }
        Set<TopicPartition> announce = new LinkedHashSet<>(revoked);
        if (!announceRevocationAgain) {
            announce.removeAll(revoking);
        }
        if (!announce.isEmpty()) {
            listener.onPartitionsRevoked(announce);
            announceRevocationAgain = false;
            revoking.addAll(announce);
            announce.forEach(fetcher::close);
        }
        if (config.enableAutoCommit() && !commitBeforeRevoke(revoked, deadlineNanos)) {
            return false;
        }
        revoked.forEach(this::forget);
        return true;
    }

    /**
     * Commits the revoked partitions' positions, waiting until the deadline. Returns false while the commit is
     * not answered, or after a retriable failure (announced again, sent again after a back-off). Gives up, with a
     * warning, on a refused commit and on one not stored within half the session timeout of the first attempt:
     * the broker removes a member that holds revoked partitions past its session timeout.
     */
    private boolean commitBeforeRevoke(Set<TopicPartition> revoked, long deadlineNanos) {
        long giveUpAtNanos = revokingSinceNanos + config.sessionTimeoutMs() * 500_000L;
        MiniKafkaException failure = null;
        try {
            if (commits.commit(membership.groupId(), memberId(), memberEpoch(), positionsOf(revoked),
                    deadlineNanos - giveUpAtNanos < 0 ? deadlineNanos : giveUpAtNanos)) {
                return true;
            }
        } catch (MiniKafkaException e) {
            failure = e;
        }
        if (failure != null && !failure.isRetriable() || System.nanoTime() - giveUpAtNanos >= 0) {
            commits.cancelInFlight();
            log.warn("Could not commit revoked partitions {} of group '{}': {}; their next owner may read some records again",
                    revoked, membership.groupId(), failure != null ? failure.getMessage() : "not stored in time");
            return true;
        }
        if (failure != null) {
            log.debug("Commit of revoked partitions {} failed, retrying: {}", revoked, failure.getMessage());
            announceRevocationAgain = true;
            applyAgainAtNanos = System.nanoTime() + RETRY_BACKOFF_NANOS;
        }
        return false;
    }

    /**
     * The group's committed offsets for the partitions an assignment adds, waiting until the deadline; null while
     * not answered, or after a retriable failure (looked up again after a back-off).
     */
    private Map<TopicPartition, Long> committedOffsets(Assignment assignment, Set<TopicPartition> added, long deadlineNanos) {
        try {
            return commits.committed(membership.groupId(), added, assignment.getMemberId(), assignment.getMemberEpoch(),
                    deadlineNanos);
        } catch (MiniKafkaException e) {
            if (!e.isRetriable()) {
                throw e;
            }
            log.debug("Look-up of committed offsets for {} failed, retrying: {}", added, e.getMessage());
            applyAgainAtNanos = System.nanoTime() + RETRY_BACKOFF_NANOS;
            return null;
        }
    }

    private Map<TopicPartition, Long> positionsOf(Set<TopicPartition> partitions) {
        Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
        partitions.forEach(tp -> {
            long position = positions.get(tp);
            if (position != UNKNOWN) {
                offsets.put(tp, position);
            }
        });
        return offsets;
    }

    /** The session was lost: every partition may already be another member's, so nothing is committed. */
    private void dropAll(boolean lost) {
        commits.cancelInFlight();
        announceRevocationAgain = false;
        applyAgainAtNanos = 0;
        Set<TopicPartition> all = Set.copyOf(positions.keySet());
        if (!all.isEmpty()) {
            if (lost) {
                listener.onPartitionsLost(all);
            }
            all.forEach(this::forget);
        }
        fetcher.readAs(null);
    }

    private void forget(TopicPartition tp) {
        positions.remove(tp);
        paused.remove(tp);
        revoking.remove(tp);
        logEndOffsets.remove(tp);
        fetcher.close(tp);
        commits.forget(tp);
    }

    /**
     * Whether positions are committed without the application asking: with {@code enable.auto.commit}, for a
     * group member and for an assigned consumer with a {@code group.id}.
     */
    private boolean autoCommits() {
        return config.enableAutoCommit() && (membership != null || config.groupId() != null);
    }

    private void maybeAutoCommit() {
        if (!autoCommits() || System.nanoTime() - nextAutoCommitNanos < 0) {
            return;
        }
        nextAutoCommitNanos = System.nanoTime() + config.autoCommitIntervalMs() * 1_000_000L;
        autoCommitAsync();
    }

    private void autoCommitAsync() {
        Map<TopicPartition, Long> changed = commits.changedSinceLastCommit(currentPositions());
        if (!changed.isEmpty()) {
            commitAsync(changed, null);
        }
    }

    /** An assigned consumer's commit on close (a group member's is {@link #leaveGroup}'s); a failure is logged. */
    private void autoCommitOnClose() {
        try {
            commitSync(commits.changedSinceLastCommit(currentPositions()));
        } catch (MiniKafkaException e) {
            log.warn("Could not commit the positions of {} to group '{}' on close: {}; a restart reads some records again",
                    positions.keySet(), config.groupId(), e.getMessage());
        }
    }

    private Map<TopicPartition, Long> currentPositions() {
        Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
        positions.forEach((tp, position) -> {
            if (position != UNKNOWN) {
                offsets.put(tp, position);
            }
        });
        return offsets;
    }

    private String groupForCommit() {
        String group = membership != null ? membership.groupId() : config.groupId();
        if (group == null) {
            throw new IllegalStateException("this consumer has no group: subscribe to one, or set groupId in its config");
        }
        return group;
    }

    private String memberId() {
        return membership == null ? "" : membership.memberId();
    }

    private int memberEpoch() {
        return membership == null ? 0 : membership.epoch();
    }

    /**
     * Opens a stream from the position for each assigned, unpaused partition that has none, first deciding
     * unknown positions by {@code auto.offset.reset}. Returns the nanoseconds until a partition held back
     * after a failure may be reopened (so poll wakes for it), or {@code Long.MAX_VALUE}.
     */
    private long subscribe() {
        long now = System.nanoTime();
        long retryIn = Long.MAX_VALUE;
        for (Map.Entry<TopicPartition, Long> entry : positions.entrySet()) {
            TopicPartition tp = entry.getKey();
            if (paused.contains(tp) || revoking.contains(tp) || fetcher.isOpen(tp)) {
                continue;
            }
            long backOff = fetcher.backOffLeft(tp, now);
            if (backOff > 0) {
                retryIn = Math.min(retryIn, backOff);
                continue;
            }
            if (entry.getValue() == UNKNOWN) {
                resolveUnknownPosition(tp);
            }
            fetcher.open(tp, positions.get(tp), prefetch());
        }
        return retryIn;
    }

    /**
     * Where a partition without a position starts: an assigned consumer with a {@code group.id} at the group's
     * committed offset, else (and for a group member, whose committed offsets came with its assignment) as
     * {@code auto.offset.reset} says.
     */
    private void resolveUnknownPosition(TopicPartition tp) {
        if (membership == null && config.groupId() != null) {
            Long committed = commits.committed(config.groupId(), Set.of(tp)).get(tp);
            if (committed != null) {
                positions.put(tp, committed);
                return;
            }
        }
        resetPositions(List.of(tp), config.autoOffsetReset());
    }

    /**
     * Messages each stream may have in flight: together about {@code fetch.max.bytes}, as one fetch was,
     * but at least one per partition and at most {@link #MAX_PREFETCH}.
     */
    private int prefetch() {
        long perPartition = (long) config.fetchMaxBytes() / Math.max(1, positions.size());
        return (int) Math.max(1, Math.min(MAX_PREFETCH, perPartition / config.maxPartitionFetchBytes()));
    }

    /**
     * Decodes one streamed message from the position and advances past the records it returns. A batch that is
     * malformed or fails its CRC ({@code check.crcs}) ends the message, as in Kafka's consumer: the records of
     * the batches before it are returned, the position stays at the first record not returned, and the problem
     * comes back as a failure of the same stream, which {@link #poll} throws now or, after the records it
     * returns, at the next poll, unless a seek or pause replaced the stream in between. Returns that failure,
     * or null. Checks and decodes batch by batch; allocates only the records, and the CRC's state per batch.
     */
    private Delivery accept(Delivery delivery, List<ConsumerRecord> records) {
        PartitionData data = delivery.data();
        TopicPartition tp = delivery.partition();
        logEndOffsets.put(tp, data.getLogEndOffset());
        String topic = tp.topic();
        int partition = tp.partition();
        RecordBatch.RecordVisitor visitor = (offset, timestamp, key, value, headers) ->
                records.add(new ConsumerRecord(topic, partition, offset, timestamp, key, value, headers));
        long position = positions.get(tp);
        ByteBuffer batches = data.getBatches().asReadOnlyByteBuffer();
        int limit = batches.limit();
        for (int pos = batches.position(); pos < limit; pos += RecordBatch.sizeInBytes(batches, pos)) {
            String problem = problemWith(batches, pos, limit);
            if (problem == null) {
                int decoded = records.size();
                try {
                    RecordBatch.decode(batches, pos, position, visitor);
                } catch (CorruptRecordException e) {
                    records.subList(decoded, records.size()).clear(); // a batch is returned whole or not at all
                    problem = e.getMessage();
                }
            }
            if (problem != null) {
                positions.put(tp, position);
                return new Delivery(delivery.source(), null, new MiniKafkaException(ErrorCode.CORRUPT_BATCH,
                        "cannot read " + tp + " at offset " + position + ": the batch there is corrupt (" + problem
                                + "); seek past it to read on"));
            }
            position = Math.max(position, RecordBatch.lastOffset(batches, pos) + 1);
        }
        positions.put(tp, Math.max(position, data.getNextOffset()));
        return null;
    }

    /** What makes the batch at {@code pos} unreadable (its length, format, or CRC with check.crcs), or null. */
    private String problemWith(ByteBuffer batches, int pos, int limit) {
        if (limit - pos < BatchLayout.HEADER_SIZE) {
            return "only " + (limit - pos) + " bytes, less than a batch header";
        }
        int size = RecordBatch.sizeInBytes(batches, pos);
        if (size < BatchLayout.HEADER_SIZE || size > limit - pos) {
            return "batch length " + size + " outside [" + BatchLayout.HEADER_SIZE + ", " + (limit - pos) + "]";
        }
        if (batches.get(pos + BatchLayout.MAGIC_OFFSET) != BatchLayout.MAGIC_V1) {
            return BatchCheck.BAD_MAGIC.message();
        }
        if (config.checkCrcs() && !RecordBatch.crcMatches(batches, pos, size)) {
            return BatchCheck.BAD_CRC.message();
        }
        return null;
    }

    /** A stream ended: reopen it later, move the position, or throw, as the failure says. */
    private void failed(Delivery delivery) {
        TopicPartition tp = delivery.partition();
        fetcher.close(tp);
        Status.Code code = Status.fromThrowable(delivery.failure()).getCode();
        if (membership != null && code == Status.Code.FAILED_PRECONDITION) {
            // The broker fenced this read: the partition moved on, and the group session will say so.
            log.debug("read of {} fenced: {}", tp, delivery.failure().getMessage());
            fetcher.backOff(tp, RETRY_BACKOFF_NANOS);
            return;
        }
        if (code == Status.Code.OUT_OF_RANGE) {
            outOfRange(tp, positions.get(tp));
            return;
        }
        MiniKafkaException e = Statuses.toException(delivery.failure());
        if (!e.isRetriable()) {
            throw e;
        }
        log.debug("subscription to {} failed, reopening: {}", tp, e.getMessage());
        fetcher.backOff(tp, RETRY_BACKOFF_NANOS);
    }

    /**
     * The broker answers OUT_OF_RANGE both for a partition the topic lacks and for a position outside the
     * log; the offset look-up tells them apart (it throws for the former) and gives the log's bounds.
     */
    private void outOfRange(TopicPartition tp, long position) {
        long start = admin.earliestOffset(tp);
        long end = admin.latestOffset(tp);
        if (position >= start && position <= end) {
            fetcher.backOff(tp, RETRY_BACKOFF_NANOS); // the log moved meanwhile: read from the position again
            return;
        }
        switch (config.autoOffsetReset()) {
            case EARLIEST -> positions.put(tp, start);
            case LATEST -> positions.put(tp, end);
            case NONE -> throw new MiniKafkaException(ErrorCode.OFFSET_OUT_OF_RANGE, "position " + position + " of " + tp
                    + " is outside the log [" + start + ", " + end + "] and auto.offset.reset is none");
        }
        log.info("position {} of {} is outside the log [{}, {}]; reset to {}", position, tp, start, end, positions.get(tp));
    }

    private void resetPositions(Collection<TopicPartition> partitions, OffsetReset reset) {
        for (TopicPartition partition : partitions) {
            long position = assigned(partition);
            long offset = switch (reset) {
                case EARLIEST -> admin.earliestOffset(partition);
                case LATEST -> admin.latestOffset(partition);
                case NONE -> throw new MiniKafkaException(ErrorCode.OFFSET_OUT_OF_RANGE,
                        "no position for " + partition + " and auto.offset.reset is none; seek first");
            };
            if (offset != position) {
                moveTo(partition, offset);
            }
        }
    }

    private void moveTo(TopicPartition partition, long offset) {
        positions.put(partition, offset);
        fetcher.close(partition); // what the old stream still delivers is never returned
    }

    private long assigned(TopicPartition partition) {
        Long position = positions.get(partition);
        if (position == null) {
            throw new IllegalStateException(partition + " is not assigned to this consumer; assigned: " + positions.keySet());
        }
        return position;
    }

    /** Commits what was read (with auto-commit), tells the listener, and leaves so the others take over at once. */
    private void leaveGroup() {
        try {
            Set<TopicPartition> owned = Set.copyOf(positions.keySet());
            if (!owned.isEmpty()) {
                Set<TopicPartition> announce = new LinkedHashSet<>(owned);
                if (!announceRevocationAgain) {
                    announce.removeAll(revoking); // told already; their commit is sent again below
                }
                if (!announce.isEmpty()) {
                    listener.onPartitionsRevoked(announce);
                }
                if (config.enableAutoCommit()) {
                    commits.cancelInFlight();
                    try {
                        commitSync(positionsOf(owned));
                    } catch (MiniKafkaException e) {
                        log.warn("Could not commit partitions {} of group '{}' on leaving: {}; their next owner may read "
                                + "some records again", owned, membership.groupId(), e.getMessage());
                    }
                }
            }
        } catch (RuntimeException e) {
            log.warn("Leaving group '{}': {}", membership.groupId(), e.getMessage());
        } finally {
            membership.close();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the consumer is closed");
        }
    }

    /**
     * Leaves the group (committing first with auto-commit; an assigned consumer with a {@code group.id} commits
     * too) and closes the connection. Waits, at most the request timeout, for the answers to commits sent without
     * waiting: the broker would refuse one that reached it after the member left.
     */
    @Override
    public void close() {
        if (!closed) {
            commits.awaitUnanswered();
            if (membership != null) {
                leaveGroup();
            } else if (autoCommits()) {
                autoCommitOnClose();
            }
            closed = true;
            fetcher.closeAll();
            deferred = null;
            Channels.close(channel);
        }
    }
}
