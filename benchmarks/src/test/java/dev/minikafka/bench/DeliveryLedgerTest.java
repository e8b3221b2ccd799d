package dev.minikafka.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class DeliveryLedgerTest {

    private final DeliveryLedger ledger = new DeliveryLedger();

    @Test
    void aDuplicateDoesNotHideALostRecord() {
        ledger.acked(0);
        ledger.acked(1);

        assertThat(ledger.received(0)).isTrue();
        assertThat(ledger.received(0)).isFalse();

        assertThat(ledger.missing()).isEqualTo(1);
        assertThat(ledger.duplicates()).isEqualTo(1);
    }

    @Test
    void aRecordThatArrivesBeforeItsAcknowledgementIsNotMissing() {
        assertThat(ledger.received(5)).isTrue();
        ledger.acked(5);

        assertThat(ledger.missing()).isZero();
        assertThat(ledger.duplicates()).isZero();
    }

    @Test
    void aRecordReceivedButNeverAcknowledgedIsNeitherMissingNorDuplicate() {
        ledger.received(3); // written, though its acknowledgement failed (a timeout, say)

        assertThat(ledger.missing()).isZero();
        assertThat(ledger.duplicates()).isZero();
    }

    @Test
    void anAcknowledgementRepeatedCountsTheRecordOnce() {
        ledger.acked(2);
        ledger.acked(2);
        ledger.received(2);

        assertThat(ledger.missing()).isZero();
    }

    @Test
    void refusesASequenceNumberOutsideTheBitSet() {
        assertThatIllegalArgumentException().isThrownBy(() -> ledger.acked(-1));
        assertThatIllegalArgumentException().isThrownBy(() -> ledger.received(1L << 31));
    }
}
