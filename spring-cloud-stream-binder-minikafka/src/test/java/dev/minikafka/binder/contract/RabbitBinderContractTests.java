package dev.minikafka.binder.contract;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The scenarios on Spring Cloud Stream's RabbitMQ binder against the RabbitMQ at 127.0.0.1:5672 (guest/guest),
 * for the swap test: the same applications and properties run on it. Not run here:
 * <ul>
 * <li>scenarios written in Kafka's terms: partition numbers and the received-partition header, instance index
 *     over partitions, the DLQ's {@code x-original-topic} header, batch mode (Rabbit batches only with
 *     producer-side batching);</li>
 * <li>the anonymous consumer: the local RabbitMQ refuses the {@code x-queue-leader-locator} argument the 5.0.2
 *     binder declares on anonymous queues ("invalid arg ... for queue type rabbit_classic_queue");</li>
 * <li>pause/resume: the Rabbit binder's inbound adapter is not {@code Pausable}; the framework logs
 *     "Attempted to pause a component that does not support Pausable" and keeps delivering.</li>
 * </ul>
 */
class RabbitBinderContractTests extends AbstractBinderContractTests {

    @Override
    protected String binderName() {
        return "rabbit";
    }

    @Override
    protected List<String> connectionProperties() {
        return List.of("--spring.rabbitmq.host=127.0.0.1", "--spring.rabbitmq.port=5672");
    }

    @Override
    protected String receivedPartitionHeader() {
        return "amqp_receivedPartition"; // not used: the partition scenarios are not run on Rabbit
    }

    // The scenarios that apply to RabbitMQ as written (see the class comment for the others).

    @Test
    @Override
    protected void requiredGroupReceivesWhatWasSentBeforeItsConsumerStarted() {
        super.requiredGroupReceivesWhatWasSentBeforeItsConsumerStarted();
    }

    @Test
    @Override
    protected void headersAndContentTypeSurviveTheRoundTrip() {
        super.headersAndContentTypeSurviveTheRoundTrip();
    }

    @Test
    @Override
    protected void recordThatFailsConversionDoesNotStallThePartition() {
        super.recordThatFailsConversionDoesNotStallThePartition();
    }

    @Test
    @Override
    protected void polledConsumerReturnsOneRecordPerPoll() {
        super.polledConsumerReturnsOneRecordPerPoll();
    }

    @Test
    @Override
    protected void paymentsToOrdersFlowRunsUnchangedOnThisBinder() {
        super.paymentsToOrdersFlowRunsUnchangedOnThisBinder();
    }
}
