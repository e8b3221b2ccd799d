package dev.minikafka.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.minikafka.client.ProducerRecord;
import dev.minikafka.protocol.Header;

class LineParserTest {

    @Test
    void shouldSplitTheKeyAtTheFirstSeparator() {
        ProducerRecord record = new LineParser("payments", ":", null, List.of()).parse("alice:paid: 10");

        assertThat(text(record.key())).isEqualTo("alice");
        assertThat(text(record.value())).isEqualTo("paid: 10");
        assertThat(record.partition()).isNull();
    }

    @Test
    void shouldSendTheWholeLineWithoutKeyWhenTheSeparatorIsMissing() {
        ProducerRecord record = new LineParser("payments", "::", null, List.of()).parse("no key here");

        assertThat(record.key()).isNull();
        assertThat(text(record.value())).isEqualTo("no key here");
    }

    @Test
    void shouldSendTheWholeLineWithoutKeyWhenNoSeparatorIsGiven() {
        ProducerRecord record = new LineParser("payments", null, 2, List.of(Header.of("source", "cli"))).parse("a:b");

        assertThat(record.key()).isNull();
        assertThat(text(record.value())).isEqualTo("a:b");
        assertThat(record.partition()).isEqualTo(2);
        assertThat(record.headers()).extracting(Header::key).containsExactly("source");
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
