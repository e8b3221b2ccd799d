package dev.minikafka.broker.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;

import org.junit.jupiter.api.Test;

import dev.minikafka.client.TopicPartition;

/** The group state machine on its own: the two-step hand-off, fencing and session expiry, with a fake clock. */
class ConsumerGroupTest {

    private static final long SESSION_MS = 1_000;
    private static final ToIntFunction<String> FOUR_PARTITIONS = topic -> 4;

    private final AtomicInteger rebalances = new AtomicInteger();
    private final ConsumerGroup group = new ConsumerGroup("g", 100, rebalances::incrementAndGet);
    private long now = 1_000_000_000L;

    @Test
    void partitionsMoveOnlyAfterTheOldOwnerConfirms() {
        RecordingSession first = new RecordingSession();
        String m1 = join(first);
        assertThat(first.last().partitions).hasSize(4);
        assertThat(first.last().epoch).isEqualTo(1);

        RecordingSession second = new RecordingSession();
        String m2 = join(second);
        Set<TopicPartition> kept = first.last().partitions;
        assertThat(kept).hasSize(2);
        assertThat(first.last().epoch).as("a revocation keeps the epoch").isEqualTo(1);
        assertThat(second.last().partitions).as("nothing until the old owner lets go").isEmpty();
        assertThat(group.state()).isEqualTo(GroupState.RECONCILING);

        TopicPartition moving = all().stream().filter(tp -> !kept.contains(tp)).findFirst().orElseThrow();
        group.whileOwned(m1, 1, List.of(moving), () -> null); // the old owner may still commit what it revokes
        assertThatThrownBy(() -> group.whileOwned(m2, 0, List.of(moving), () -> null))
                .isInstanceOf(GroupException.class).hasMessageContaining("does not own");

        group.heartbeat(m1, 1, all(), now, FOUR_PARTITIONS); // a heartbeat still listing them releases nothing
        assertThat(second.last().partitions).isEmpty();

        group.heartbeat(m1, 1, kept, now, FOUR_PARTITIONS);
        assertThat(second.last().partitions).hasSize(2).doesNotContainAnyElementsOf(kept);
        assertThat(second.last().epoch).isEqualTo(1);
        assertThat(group.state()).isEqualTo(GroupState.STABLE);
        assertThatThrownBy(() -> group.whileOwned(m1, 1, List.of(moving), () -> null))
                .as("the old owner can no longer commit a partition it gave up")
                .isInstanceOf(GroupException.class).extracting(e -> ((GroupException) e).kind()).isEqualTo(GroupException.Kind.FENCED);
    }

    @Test
    void aSilentMemberIsRemovedAndFencedAndItsPartitionsGoToTheOthers() {
        RecordingSession first = new RecordingSession();
        String m1 = join(first);
        RecordingSession second = new RecordingSession();
        String m2 = join(second);
        group.heartbeat(m1, 1, first.last().partitions, now, FOUR_PARTITIONS);

        now += SESSION_MS * 1_000_000L / 2;
        group.heartbeat(m1, 1, first.last().partitions, now, FOUR_PARTITIONS);
        now += SESSION_MS * 1_000_000L / 2 + 1;
        assertThat(group.expire(now, FOUR_PARTITIONS)).isEqualTo(1);

        assertThat(second.fencedBecause).contains("session timeout");
        assertThat(first.last().partitions).hasSize(4);
        assertThat(first.last().epoch).isEqualTo(2);
        assertThatThrownBy(() -> group.whileOwned(m2, 1, List.of(new TopicPartition("t", 0)), () -> null))
                .hasMessageContaining("unknown member");
    }

    @Test
    void aMemberThatNeverConfirmsARevocationIsRemovedAfterItsSessionTimeout() {
        RecordingSession first = new RecordingSession();
        String m1 = join(first);
        RecordingSession second = new RecordingSession();
        String m2 = join(second);

        for (int i = 0; i < 4; i++) { // m1 keeps heartbeating but still lists the revoked partitions
            now += SESSION_MS * 1_000_000L / 3;
            group.heartbeat(m1, 1, all(), now, FOUR_PARTITIONS);
            group.heartbeat(m2, 0, Set.of(), now, FOUR_PARTITIONS);
            group.expire(now, FOUR_PARTITIONS);
        }
        assertThat(first.fencedBecause).contains("not released");
        assertThat(second.last().partitions).hasSize(4);
        assertThat(group.memberCount()).isEqualTo(1);
        assertThat(m2).isNotEqualTo(m1);
    }

    @Test
    void aNewRevocationDoesNotExtendTheDeadlineOfOneNotYetConfirmed() {
        ToIntFunction<String> six = topic -> 6;
        RecordingSession stuck = new RecordingSession();
        String a = group.join(null, "a", Set.of("t"), Assignor.RANGE, SESSION_MS, stuck, now, six);
        Set<TopicPartition> all = stuck.last().partitions;
        long start = now;

        String c = group.join(null, "c", Set.of("t"), Assignor.RANGE, SESSION_MS, new RecordingSession(), now, six);
        Set<TopicPartition> keptAfterC = stuck.last().partitions;
        now = start + SESSION_MS * 1_000_000L * 9 / 10;
        group.heartbeat(a, 1, all, now, six); // alive, but never confirms: it still lists every partition
        group.heartbeat(c, 0, Set.of(), now, six);
        String d = group.join(null, "d", Set.of("t"), Assignor.RANGE, SESSION_MS, new RecordingSession(), now, six);
        assertThat(stuck.last().partitions).as("the second join revokes more from a").isNotEqualTo(keptAfterC);

        now = start + SESSION_MS * 1_000_000L * 11 / 10;
        group.heartbeat(a, 1, all, now, six);
        group.heartbeat(c, 0, Set.of(), now, six);
        group.heartbeat(d, 0, Set.of(), now, six);
        assertThat(group.expire(now, six)).isEqualTo(1);
        assertThat(stuck.fencedBecause).contains("not released");
    }

    @Test
    void aStaticMemberThatComesBackKeepsItsPartitionsWithoutARebalance() {
        RecordingSession first = new RecordingSession();
        String m1 = group.join("instance-1", "c", Set.of("t"), Assignor.RANGE, SESSION_MS, first, now, FOUR_PARTITIONS);
        RecordingSession second = new RecordingSession();
        join(second);
        group.heartbeat(m1, 1, first.last().partitions, now, FOUR_PARTITIONS);
        Set<TopicPartition> owned = first.last().partitions;
        int rebalancesBefore = rebalances.get();

        int sentToSecond = second.sent.size();
        group.disconnect(m1, false, now, FOUR_PARTITIONS);
        assertThat(second.sent).as("the away member's partitions wait for it").hasSize(sentToSecond);

        RecordingSession back = new RecordingSession();
        String again = group.join("instance-1", "c", Set.of("t"), Assignor.RANGE, SESSION_MS, back, now, FOUR_PARTITIONS);
        assertThat(again).isNotEqualTo(m1);
        assertThat(back.last().partitions).isEqualTo(owned);
        assertThat(second.sent).hasSize(sentToSecond);
        assertThat(rebalances.get()).isEqualTo(rebalancesBefore);
        assertThatThrownBy(() -> group.whileOwned(m1, 1, owned, () -> null)).hasMessageContaining("unknown member");
    }

    @Test
    void aStaticMemberTakingOverItsInstanceIdEndsTheReadsOfItsPreviousSession() {
        RecordingSession first = new RecordingSession();
        String m1 = group.join("instance-1", "c", Set.of("t"), Assignor.RANGE, SESSION_MS, first, now, FOUR_PARTITIONS);
        AtomicInteger fenced = new AtomicInteger();
        group.addReader(m1, 1, new TopicPartition("t", 0), fenced::incrementAndGet);
        group.disconnect(m1, false, now, FOUR_PARTITIONS);

        RecordingSession back = new RecordingSession();
        group.join("instance-1", "c", Set.of("t"), Assignor.RANGE, SESSION_MS, back, now, FOUR_PARTITIONS);

        assertThat(fenced).as("the old session's read of t-0 was ended").hasValue(1);
        assertThat(back.last().partitions).isEqualTo(all());
    }

    @Test
    void aSecondLiveSessionWithTheSameInstanceIdIsRefused() {
        group.join("instance-1", "c", Set.of("t"), Assignor.RANGE, SESSION_MS, new RecordingSession(), now, FOUR_PARTITIONS);
        assertThatThrownBy(() -> group.join("instance-1", "c", Set.of("t"), Assignor.RANGE, SESSION_MS,
                new RecordingSession(), now, FOUR_PARTITIONS))
                .isInstanceOf(GroupException.class).hasMessageContaining("in use");
    }

    @Test
    void membersMustAgreeOnTheAssignor() {
        join(new RecordingSession());
        assertThatThrownBy(() -> group.join(null, "c", Set.of("t"), Assignor.ROUND_ROBIN, SESSION_MS, new RecordingSession(),
                now, FOUR_PARTITIONS)).isInstanceOf(GroupException.class).hasMessageContaining("range assignor");
    }

    private String join(RecordingSession session) {
        return group.join(null, "client", Set.of("t"), Assignor.RANGE, SESSION_MS, session, now, FOUR_PARTITIONS);
    }

    private static Set<TopicPartition> all() {
        return Set.of(new TopicPartition("t", 0), new TopicPartition("t", 1), new TopicPartition("t", 2), new TopicPartition("t", 3));
    }

    private record Sent(int epoch, Set<TopicPartition> partitions) {
    }

    private static final class RecordingSession implements MemberSession {
        final List<Sent> sent = new ArrayList<>();
        String fencedBecause;

        @Override
        public void assign(String memberId, int memberEpoch, Set<TopicPartition> partitions, long heartbeatIntervalMs,
                long sessionTimeoutMs) {
            sent.add(new Sent(memberEpoch, Set.copyOf(partitions)));
        }

        @Override
        public void fence(String reason) {
            fencedBecause = reason;
        }

        Sent last() {
            return sent.get(sent.size() - 1);
        }
    }
}
