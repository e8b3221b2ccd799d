package dev.minikafka.bench.binder;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.springframework.context.annotation.Profile;
import org.springframework.messaging.Message;
import org.springframework.stereotype.Component;

/**
 * The function bean {@code bench} (binding {@code bench-in-0}, in a group): for every record after the
 * warm-up, records now minus the {@link SentAt} stamp in an {@link EndToEnd} histogram; when
 * {@code bench.records} have arrived (or {@code bench.timeout} passed) prints the summary.
 *
 * <p>Thread-safety: the binder calls {@link #accept} from one consumer thread (concurrency 1); the main
 * thread reads the result after the latch, or under the lock after a timeout.
 */
@Component("bench")
@Profile("consumer")
final class BenchConsumer implements Consumer<Message<byte[]>>, BenchRole {

    private final BenchProperties props;
    private final EndToEnd endToEnd;
    private final CountDownLatch allReceived = new CountDownLatch(1);
    private int received;

    BenchConsumer(BenchProperties props) {
        this.props = props;
        this.endToEnd = new EndToEnd(props.warmupRecords());
    }

    @Override
    public synchronized void accept(Message<byte[]> message) {
        long now = SentAt.nowMicros();
        endToEnd.record(SentAt.micros(message.getHeaders().get(SentAt.HEADER)), now);
        if (++received == props.records()) {
            allReceived.countDown();
        }
    }

    @Override
    public boolean run() throws InterruptedException {
        System.out.println("consumer: ready"); // run.sh starts the producer after this line
        boolean complete = allReceived.await(props.timeout().toMillis(), TimeUnit.MILLISECONDS);
        String json;
        synchronized (this) {
            json = endToEnd.json(props, received);
            System.out.println(endToEnd.text(received, props.records()));
        }
        System.out.println("RESULT " + json);
        Reports.write(props.report(), json);
        return complete;
    }
}
