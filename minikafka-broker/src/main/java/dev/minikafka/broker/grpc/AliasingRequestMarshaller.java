package dev.minikafka.broker.grpc;

import java.io.IOException;
import java.io.InputStream;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import com.google.protobuf.UnsafeByteOperations;

import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.Status;

/**
 * Parses a request so that its {@code bytes} fields are views of the request's own buffer, not copies of it.
 *
 * <p>grpc-java's protobuf marshaller reads a message into a buffer and lets protobuf copy every {@code bytes}
 * field out of it. For a produce request that is every record a second time: serving 200,000 acknowledged
 * records a second it was half of everything the broker allocated (JFR, {@code docs/benchmarks.md}). Here the
 * buffer is the message's own, fresh and never written after the parse, so protobuf may alias it
 * ({@link CodedInputStream#enableAliasing}): the batches the broker checks and appends are read straight from
 * it.
 *
 * <p>A request that does not parse fails as grpc-java's marshaller fails, with the
 * {@link InvalidProtocolBufferException} as the cause, which {@link MalformedRequests} turns into
 * {@code INVALID_ARGUMENT}. Responses are streamed by the original marshaller.
 */
final class AliasingRequestMarshaller<T extends MessageLite> implements MethodDescriptor.PrototypeMarshaller<T> {

    private final T prototype;
    private final Parser<T> parser;
    private final MethodDescriptor.Marshaller<T> original;

    @SuppressWarnings("unchecked")
    private AliasingRequestMarshaller(MethodDescriptor.PrototypeMarshaller<T> original) {
        this.prototype = original.getMessagePrototype();
        this.parser = (Parser<T>) prototype.getParserForType();
        this.original = original;
    }

    /**
     * {@code method} with its request parsed by aliasing, when its requests are protobuf messages; else
     * {@code method} unchanged.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static <Q, R> MethodDescriptor<Q, R> appliedTo(MethodDescriptor<Q, R> method) {
        if (method.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<?> marshaller
                && marshaller.getMessagePrototype() instanceof MessageLite) {
            MethodDescriptor.Marshaller<Q> aliasing = new AliasingRequestMarshaller((MethodDescriptor.PrototypeMarshaller) marshaller);
            return method.toBuilder().setRequestMarshaller(aliasing).build();
        }
        return method;
    }

    @Override
    public T getMessagePrototype() {
        return prototype;
    }

    @Override
    public Class<T> getMessageClass() {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) prototype.getClass();
        return type;
    }

    @Override
    public InputStream stream(T value) {
        return original.stream(value);
    }

    @Override
    public T parse(InputStream stream) {
        try {
            byte[] message = readWhole(stream);
            // Aliasing needs a stream over a buffer protobuf may treat as immutable: a wrapped ByteString's.
            CodedInputStream input = UnsafeByteOperations.unsafeWrap(message).newCodedInput();
            input.enableAliasing(true);
            T request = parser.parseFrom(input);
            input.checkLastTagWas(0); // a stray end-group tag stops the parse early: not a whole message
            return request;
        } catch (InvalidProtocolBufferException e) {
            throw Status.INTERNAL.withDescription("Invalid protobuf byte sequence").withCause(e).asRuntimeException();
        } catch (IOException e) {
            throw Status.INTERNAL.withDescription("Cannot read the request").withCause(e).asRuntimeException();
        }
    }

    /**
     * The message's bytes in one array of their size. grpc-java's streams know their length; reading into an
     * array of it avoids {@link InputStream#readNBytes(int)}'s chunks and their final copy.
     */
    private static byte[] readWhole(InputStream stream) throws IOException {
        if (!(stream instanceof KnownLength)) {
            return stream.readAllBytes();
        }
        byte[] message = new byte[stream.available()];
        int read = stream.readNBytes(message, 0, message.length);
        if (read != message.length || stream.read() != -1) {
            throw new IOException("the request stream held " + read + " bytes, not the " + message.length + " it announced");
        }
        return message;
    }
}
