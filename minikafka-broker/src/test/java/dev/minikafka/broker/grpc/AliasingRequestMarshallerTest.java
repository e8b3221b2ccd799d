package dev.minikafka.broker.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;

import dev.minikafka.proto.v1.ProduceRequest;
import dev.minikafka.proto.v1.ProducerGrpc;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;

class AliasingRequestMarshallerTest {

    private static final MethodDescriptor<ProduceRequest, ?> PRODUCE =
            AliasingRequestMarshaller.appliedTo(ProducerGrpc.getProduceMethod());

    /** grpc-java hands requests over as streams that know their length; so does this one. */
    private static final class KnownLengthStream extends ByteArrayInputStream implements KnownLength {
        KnownLengthStream(byte[] bytes) {
            super(bytes);
        }
    }

    private static ProduceRequest request() {
        byte[] batches = new byte[4096];
        for (int i = 0; i < batches.length; i++) {
            batches[i] = (byte) i;
        }
        return ProduceRequest.newBuilder().setCorrelationId(7).setTopic("orders").setPartition(3)
                .setBatches(ByteString.copyFrom(batches)).build();
    }

    @Test
    void parsesARequestWithItsBatchesAViewOfTheRequestsOwnBuffer() {
        ProduceRequest sent = request();

        ProduceRequest parsed = PRODUCE.parseRequest(new KnownLengthStream(sent.toByteArray()));

        assertThat(parsed).isEqualTo(sent);
        ByteBuffer batches = parsed.getBatches().asReadOnlyByteBuffer();
        // A copy would be a buffer of exactly the batches; a view starts inside the whole request's bytes.
        assertThat(batches.remaining()).isEqualTo(4096);
        assertThat(batches.capacity()).isEqualTo(sent.getSerializedSize());
        assertThat(batches.position()).isPositive();
    }

    @Test
    void parsesAStreamThatDoesNotKnowItsLength() {
        ProduceRequest sent = request();
        InputStream unknownLength = new ByteArrayInputStream(sent.toByteArray());

        assertThat(PRODUCE.parseRequest(unknownLength)).isEqualTo(sent);
    }

    @Test
    void failsAsGrpcsOwnMarshallerDoesOnBytesThatAreNotTheMessage() {
        byte[] truncated = request().toByteArray();
        byte[] garbage = java.util.Arrays.copyOf(truncated, truncated.length - 10);

        assertThatThrownBy(() -> PRODUCE.parseRequest(new KnownLengthStream(garbage)))
                .isInstanceOf(StatusRuntimeException.class)
                .hasCauseInstanceOf(InvalidProtocolBufferException.class);
    }

    @Test
    void rejectsAStrayEndGroupTagThatWouldStopTheParseEarly() {
        byte[] whole = request().toByteArray();
        byte[] withEndGroup = new byte[whole.length + 1];
        withEndGroup[0] = 0x0C; // field 1, wire type 4 (end group): nothing opened a group
        System.arraycopy(whole, 0, withEndGroup, 1, whole.length);

        assertThatThrownBy(() -> PRODUCE.parseRequest(new KnownLengthStream(withEndGroup)))
                .isInstanceOf(StatusRuntimeException.class)
                .hasCauseInstanceOf(InvalidProtocolBufferException.class);
    }

    @Test
    void streamsResponsesAndLeavesMethodsWithoutProtobufRequestsAlone() {
        MethodDescriptor<InputStream, InputStream> raw = ProducerGrpc.getProduceMethod()
                .toBuilder(new RequestParsingServiceConfigurer.PassThrough(), new RequestParsingServiceConfigurer.PassThrough())
                .build();

        assertThat(AliasingRequestMarshaller.appliedTo(raw)).isSameAs(raw);
        assertThat(PRODUCE.getResponseMarshaller()).isSameAs(ProducerGrpc.getProduceMethod().getResponseMarshaller());
    }
}
