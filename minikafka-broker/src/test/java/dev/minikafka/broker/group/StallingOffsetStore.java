package dev.minikafka.broker.group;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.minikafka.broker.group.store.CommittedOffsetEntity;
import dev.minikafka.broker.group.store.GroupEntity;
import dev.minikafka.broker.group.store.OffsetStore;

/**
 * An offset store whose writes can be held: after {@link #stallWrites}, writes wait (on the committer's
 * thread) until {@link #release}, so a test can act while commits are on their way. Everything else goes to
 * the wrapped store (the transactional bean).
 */
final class StallingOffsetStore extends OffsetStore {

    private final OffsetStore store;
    private volatile CountDownLatch stalled = new CountDownLatch(0);
    private volatile CountDownLatch released = new CountDownLatch(0);

    StallingOffsetStore(OffsetStore store) {
        super(null, null, null);
        this.store = store;
    }

    /** Writes from now on wait for {@link #release}. */
    void stallWrites() {
        stalled = new CountDownLatch(1);
        released = new CountDownLatch(1);
    }

    /** Waits until a write is held. */
    boolean awaitStalled() throws InterruptedException {
        return stalled.await(10, TimeUnit.SECONDS);
    }

    void release() {
        released.countDown();
    }

    @Override
    public void write(List<Commit> commits, Instant at) {
        stalled.countDown();
        try {
            released.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.write(commits, at);
    }

    @Override
    public List<GroupEntity> allGroups() {
        return store.allGroups();
    }

    @Override
    public List<CommittedOffsetEntity> allOffsets() {
        return store.allOffsets();
    }

    @Override
    public void deleteGroup(String groupId) {
        store.deleteGroup(groupId);
    }

    @Override
    public void deleteTopic(String topic) {
        store.deleteTopic(topic);
    }
}
