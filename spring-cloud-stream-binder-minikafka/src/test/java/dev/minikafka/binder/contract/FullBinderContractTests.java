package dev.minikafka.binder.contract;

import org.junit.jupiter.api.Test;

/**
 * Every scenario of {@link AbstractBinderContractTests} as a test: the suite for a binder that runs them all
 * (MiniKafka and Kafka). A binder that runs only some declares those tests itself, so nothing is skipped.
 */
abstract class FullBinderContractTests extends AbstractBinderContractTests {

    @Test
    @Override
    protected void anonymousConsumerReceivesWhatIsSentAfterItStarted() {
        super.anonymousConsumerReceivesWhatIsSentAfterItStarted();
    }

    @Test
    @Override
    protected void requiredGroupReceivesWhatWasSentBeforeItsConsumerStarted() {
        super.requiredGroupReceivesWhatWasSentBeforeItsConsumerStarted();
    }

    @Test
    @Override
    protected void twoGroupsEachReceiveEveryRecordAndMembersOfAGroupShareThem() {
        super.twoGroupsEachReceiveEveryRecordAndMembersOfAGroupShareThem();
    }

    @Test
    @Override
    protected void partitionedProducerPlacesRecordsByKeyAndSelectorExpressions() {
        super.partitionedProducerPlacesRecordsByKeyAndSelectorExpressions();
    }

    @Test
    @Override
    protected void staticallyPartitionedConsumersReadOnlyTheirInstancesPartitions() {
        super.staticallyPartitionedConsumersReadOnlyTheirInstancesPartitions();
    }

    @Test
    @Override
    protected void headersAndContentTypeSurviveTheRoundTrip() {
        super.headersAndContentTypeSurviveTheRoundTrip();
    }

    @Test
    @Override
    protected void failingRecordIsRetriedThenDeadLetteredWithItsOriginAndTheException() {
        super.failingRecordIsRetriedThenDeadLetteredWithItsOriginAndTheException();
    }

    @Test
    @Override
    protected void recordThatFailsConversionDoesNotStallThePartition() {
        super.recordThatFailsConversionDoesNotStallThePartition();
    }

    @Test
    @Override
    protected void batchModeDeliversLists() {
        super.batchModeDeliversLists();
    }

    @Test
    @Override
    protected void polledConsumerReturnsOneRecordPerPoll() {
        super.polledConsumerReturnsOneRecordPerPoll();
    }

    @Test
    @Override
    protected void pausedBindingReceivesNothingUntilResumed() {
        super.pausedBindingReceivesNothingUntilResumed();
    }

    @Test
    @Override
    protected void paymentsToOrdersFlowRunsUnchangedOnThisBinder() {
        super.paymentsToOrdersFlowRunsUnchangedOnThisBinder();
    }
}
