package dev.minikafka.binder;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.integration.IntegrationMessageHeaderAccessor;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.util.MimeType;
import org.springframework.util.MimeTypeUtils;

import dev.minikafka.client.ProducerRecord;
import dev.minikafka.protocol.Header;

class MiniKafkaHeaderMapperTest {

    private final MiniKafkaHeaderMapper mapper = new MiniKafkaHeaderMapper();

    @Test
    void shouldBringBackHeadersAsTheTypesTheyWereSentAs() {
        UUID id = UUID.randomUUID();
        MessageHeaders sent = MessageBuilder.withPayload("x")
                .setHeader("text", "hello")
                .setHeader("count", 3)
                .setHeader("big", 5_000_000_000L)
                .setHeader("ratio", 0.5d)
                .setHeader("flag", true)
                .setHeader("uuid", id)
                .setHeader("raw", new byte[] {1, 2})
                .setHeader(MessageHeaders.CONTENT_TYPE, MimeTypeUtils.APPLICATION_JSON)
                .build().getHeaders();

        Map<String, Object> received = mapper.toHeaders(mapper.fromHeaders(sent));

        assertThat(received).containsEntry("text", "hello").containsEntry("count", 3).containsEntry("big", 5_000_000_000L)
                .containsEntry("ratio", 0.5d).containsEntry("flag", true).containsEntry("uuid", id)
                .containsEntry(MessageHeaders.CONTENT_TYPE, "application/json");
        assertThat((byte[]) received.get("raw")).containsExactly(1, 2);
        assertThat(received).doesNotContainKey("minikafka_headerTypes");
    }

    @Test
    void shouldNotSendIdsRoutingHeadersInboundHeadersOrCallbacks() {
        MessageHeaders sent = MessageBuilder.withPayload("x")
                .setHeader("scst_partition", 2)
                .setHeader(MiniKafkaHeaders.RECEIVED_TOPIC, "t")
                .setHeader(MiniKafkaHeaders.MESSAGE_KEY, "k")
                .setHeader(IntegrationMessageHeaderAccessor.ACKNOWLEDGMENT_CALLBACK, new Object())
                .setHeader("someObject", new Object())
                .setHeader("kept", "yes")
                .build().getHeaders();

        List<Header> headers = mapper.fromHeaders(sent);

        assertThat(headers).extracting(Header::key).containsExactly("kept");
    }

    @Test
    void shouldKeepTheTextOfAHeaderWhoseDeclaredTypeDoesNotParse() {
        List<Header> foreign = List.of(Header.of("n", "not-a-number"), Header.of("minikafka_headerTypes", "n=java.lang.Integer"),
                Header.of("mime", "text/plain"));

        Map<String, Object> received = mapper.toHeaders(foreign);

        assertThat(received).containsEntry("n", "not-a-number").containsEntry("mime", "text/plain");
        assertThat(MimeType.valueOf((String) received.get("mime"))).isEqualTo(MimeTypeUtils.TEXT_PLAIN);
    }

    @Test
    void shouldSendEachMessagesOwnTypeListWhenTheTypesChangeFromMessageToMessage() {
        MessageHeaders asLong = MessageBuilder.withPayload("x").setHeader("n", 7L).build().getHeaders();
        MessageHeaders asInteger = MessageBuilder.withPayload("x").setHeader("n", 7).build().getHeaders();
        MessageHeaders twoTyped = MessageBuilder.withPayload("x").setHeader("n", 7).setHeader("f", true).build().getHeaders();
        MessageHeaders untyped = MessageBuilder.withPayload("x").setHeader("n", "7").build().getHeaders();

        assertThat(mapper.toHeaders(mapper.fromHeaders(asLong))).containsEntry("n", 7L);
        assertThat(mapper.toHeaders(mapper.fromHeaders(asLong))).containsEntry("n", 7L);
        assertThat(mapper.toHeaders(mapper.fromHeaders(asInteger))).containsEntry("n", 7);
        assertThat(mapper.toHeaders(mapper.fromHeaders(twoTyped))).containsEntry("n", 7).containsEntry("f", true);
        assertThat(mapper.toHeaders(mapper.fromHeaders(asInteger))).containsEntry("n", 7).doesNotContainKey("f");
        assertThat(mapper.fromHeaders(untyped)).extracting(Header::key).containsExactly("n");
        assertThat(mapper.toHeaders(mapper.fromHeaders(asLong))).containsEntry("n", 7L);
    }

    @Test
    void shouldGiveAListTheProducerRecordKeepsAsItIs() {
        MessageHeaders sent = MessageBuilder.withPayload("x").setHeader("n", 7L).setHeader("s", "t").build().getHeaders();

        List<Header> headers = mapper.fromHeaders(sent);

        assertThat(new ProducerRecord("t", null, null, null, new byte[0], headers).headers()).isSameAs(headers);
    }

    @Test
    void shouldReadEachRecordByItsOwnTypeListWhenTheListChangesFromRecordToRecord() {
        List<Header> asLong = List.of(Header.of("n", "7"), Header.of("minikafka_headerTypes", "n=java.lang.Long"));
        List<Header> asInteger = List.of(Header.of("n", "7"), Header.of("minikafka_headerTypes", "n=java.lang.Integer"));
        List<Header> untyped = List.of(Header.of("n", "7"));

        assertThat(mapper.toHeaders(asLong)).containsEntry("n", 7L);
        assertThat(mapper.toHeaders(asLong)).containsEntry("n", 7L);
        assertThat(mapper.toHeaders(asInteger)).containsEntry("n", 7);
        assertThat(mapper.toHeaders(untyped)).containsEntry("n", "7");
        assertThat(mapper.toHeaders(asLong)).containsEntry("n", 7L);
    }
}
