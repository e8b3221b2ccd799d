package dev.minikafka.broker.grpc;

import com.google.protobuf.InvalidProtocolBufferException;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * Clear answers to malformed gRPC input, outermost in every service's chain (see
 * {@link RequestParsingServiceConfigurer}):
 *
 * <ul>
 *   <li>a request that does not parse as the method's message (truncated, garbage, invalid UTF-8 in a string)
 *       closes the call with {@code INVALID_ARGUMENT} and the parser's reason; the service sees a cancel, so
 *       it releases what it holds for the call;</li>
 *   <li>a call of a method that takes one request ({@code Subscribe}, the unary ones) that carries two, or
 *       none before the client half-closes, gets {@code INVALID_ARGUMENT} saying so; grpc-java answers both
 *       with {@code INTERNAL} ("Too many requests", "Half-closed without a request"), which reads as a
 *       broker fault;</li>
 *   <li>a status description longer than {@value #MAX_DESCRIPTION} characters (one that quotes a huge name
 *       back) is shortened: it travels in an HTTP/2 trailer, and one over the client's header-list limit
 *       turns into a protocol error instead of the answer.</li>
 * </ul>
 */
final class MalformedRequests implements ServerInterceptor {

    static final int MAX_DESCRIPTION = 1024;
    /** grpc-java's own descriptions ({@code ServerCalls}) for a single-request call with the wrong count. */
    private static final String TOO_MANY_REQUESTS = "Too many requests";
    private static final String MISSING_REQUEST = "Half-closed without a request";

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        ServerCall<Q, R> bounded = new BoundedDescriptions<>(call);
        return new RejectUnparsable<>(next.startCall(bounded, headers), bounded);
    }

    /** The parser's complaint when {@code e} is a failed parse of the request, else null. */
    private static String parseFailure(StatusRuntimeException e) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof InvalidProtocolBufferException invalid) {
                return invalid.getMessage();
            }
        }
        return null;
    }

    private static final class RejectUnparsable<Q, R> extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
        private final ServerCall<Q, R> call;
        /** Set once the call was closed for a bad request; the service hears nothing more after its cancel. */
        private boolean rejected;

        RejectUnparsable(ServerCall.Listener<Q> delegate, ServerCall<Q, R> call) {
            super(delegate);
            this.call = call;
        }

        @Override
        public void onMessage(Q message) {
            if (rejected) {
                return;
            }
            try {
                super.onMessage(message);
            } catch (StatusRuntimeException e) {
                String reason = parseFailure(e);
                if (reason == null) {
                    throw e;
                }
                rejected = true;
                call.close(Status.INVALID_ARGUMENT.withDescription("the request to " + call.getMethodDescriptor().getFullMethodName()
                        + " is not a valid protobuf message of its type: " + reason), new Metadata());
                super.onCancel();
            }
        }

        @Override
        public void onHalfClose() {
            if (!rejected) {
                super.onHalfClose();
            }
        }

        @Override
        public void onCancel() {
            if (!rejected) {
                super.onCancel();
            }
        }

        @Override
        public void onComplete() {
            if (!rejected) {
                super.onComplete();
            }
        }

        @Override
        public void onReady() {
            if (!rejected) {
                super.onReady();
            }
        }
    }

    private static final class BoundedDescriptions<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {

        BoundedDescriptions(ServerCall<Q, R> delegate) {
            super(delegate);
        }

        @Override
        public void close(Status status, Metadata trailers) {
            if (status.getCode() == Status.Code.INTERNAL && getMethodDescriptor().getType().clientSendsOneMessage()) {
                String complaint = TOO_MANY_REQUESTS.equals(status.getDescription()) ? "the client sent more"
                        : MISSING_REQUEST.equals(status.getDescription()) ? "the client half-closed without sending it"
                        : null;
                if (complaint != null) {
                    status = Status.INVALID_ARGUMENT.withDescription(getMethodDescriptor().getFullMethodName()
                            + " takes exactly one request message; " + complaint);
                }
            }
            String description = status.getDescription();
            if (description != null && description.length() > MAX_DESCRIPTION) {
                status = status.withDescription(description.substring(0, MAX_DESCRIPTION) + "... ("
                        + description.length() + " characters in all)");
            }
            super.close(status, trailers);
        }
    }
}
