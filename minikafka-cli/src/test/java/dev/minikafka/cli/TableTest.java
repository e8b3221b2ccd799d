package dev.minikafka.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.minikafka.client.ConsumerRecord;
import dev.minikafka.protocol.Header;

class TableTest {

    @Test
    void shouldAlignNamesLeftAndNumbersRight() {
        StringWriter text = new StringWriter();
        Table.withHeader(1, "NAME", "PARTITIONS", "RECORDS")
                .row("payments", 3, 1200)
                .row("audit-log", 12, 7)
                .print(new PrintWriter(text));

        assertThat(text.toString().lines()).containsExactly(
                "NAME       PARTITIONS  RECORDS",
                "payments            3     1200",
                "audit-log          12        7");
    }

    @Test
    void shouldFormatRecordsWithTheRequestedPrefixes() {
        ConsumerRecord record = new ConsumerRecord("payments", 1, 42, 0L, "alice".getBytes(), "paid 10".getBytes(),
                List.of(Header.of("source", "cli"), Header.of("trace", "7")));

        assertThat(new RecordFormat(false, false, false).format(record)).isEqualTo("paid 10");
        assertThat(new RecordFormat(true, false, true).format(record)).isEqualTo("1:42\talice\tpaid 10");
        assertThat(new RecordFormat(false, true, false).format(record)).isEqualTo("source=cli,trace=7\tpaid 10");
    }

    @Test
    void shouldPrintNullForAMissingKey() {
        ConsumerRecord record = new ConsumerRecord("payments", 0, 0, 0L, null, "v".getBytes(), List.of());

        assertThat(new RecordFormat(false, false, true).format(record)).isEqualTo("null\tv");
    }
}
