package dev.minikafka.broker.security;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.Set;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Authenticates every gRPC call (a bearer token in the {@code authorization} header, else the client
 * certificate's CN under mutual TLS) and authorizes every request message against the ACLs
 * ({@link GrpcPermissions}). A call without a principal is closed with {@code UNAUTHENTICATED}; a request
 * the principal may not make closes its call with {@code PERMISSION_DENIED} naming operation and resource,
 * and is never passed to the service.
 *
 * <p>Thread-safety: gRPC delivers listener callbacks serially. The services answer from other threads
 * (produce acks complete on writer threads), so the call is wrapped to make {@code close} and
 * {@code sendMessage} mutually exclusive and to drop what the service sends after a denial closed it.
 */
final class GrpcSecurityInterceptor implements ServerInterceptor {

    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    /**
     * Trailer of a PERMISSION_DENIED naming the refused resource ({@code TOPIC:payments}), so a producer
     * can fail only that topic's records and resend the others the closed stream carried.
     */
    static final Metadata.Key<String> DENIED_RESOURCE = Metadata.Key.of("minikafka-denied-resource", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<String> PRINCIPAL = Context.key("minikafka-principal");
    private static final String BEARER = "Bearer ";
    private static final String TRANSPORT = "grpc";

    private final TokenAuthenticator tokens;
    private final Authorizer authorizer;
    private final SecurityDenials denials;

    GrpcSecurityInterceptor(TokenAuthenticator tokens, Authorizer authorizer, SecurityDenials denials) {
        this.tokens = tokens;
        this.authorizer = authorizer;
        this.denials = denials;
    }

    /** The authenticated principal of the gRPC call this thread serves, or null when security is off. */
    public static String currentPrincipal() {
        return PRINCIPAL.get();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        String principal;
        String header = headers.get(AUTHORIZATION);
        if (header != null) {
            principal = header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                    ? tokens.principalOf(header.substring(BEARER.length()).trim()) : null;
            if (principal == null) {
                return refuse(call, method, "the bearer token is not valid");
            }
        } else {
            principal = certificatePrincipal(call);
            if (principal == null) {
                return refuse(call, method, "no credentials: send 'authorization: Bearer <token>' or a client certificate");
            }
        }
        GuardedCall<Q, R> guarded = new GuardedCall<>(call);
        ServerCall.Listener<Q> listener = Contexts.interceptCall(Context.current().withValue(PRINCIPAL, principal),
                guarded, headers, next);
        return new AuthorizingListener<>(listener, guarded, principal, method);
    }

    private <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, String method, String why) {
        denials.unauthenticated(TRANSPORT, method, why);
        call.close(Status.UNAUTHENTICATED.withDescription(why + " (" + method + ")"), new Metadata());
        return new ServerCall.Listener<>() {
        };
    }

    private static String certificatePrincipal(ServerCall<?, ?> call) {
        SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        if (session == null) {
            return null;
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate leaf
                    ? Principals.fromCertificate(leaf.getSubjectX500Principal()) : null;
        } catch (SSLPeerUnverifiedException e) {
            return null; // TLS without a client certificate
        }
    }

    /** Checks each request before the service sees it; remembers the topics already allowed on this call. */
    private final class AuthorizingListener<Q, R> extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q>
            implements GrpcPermissions.Access {

        private final GuardedCall<Q, R> call;
        private final String principal;
        private final String method;
        /** "WRITE topic" and "READ topic" decisions already granted, so a produce stream checks a topic once. */
        private final Set<String> writable = new HashSet<>();
        private final Set<String> readable = new HashSet<>();
        private boolean denied;

        AuthorizingListener(ServerCall.Listener<Q> delegate, GuardedCall<Q, R> call, String principal, String method) {
            super(delegate);
            this.call = call;
            this.principal = principal;
            this.method = method;
        }

        @Override
        public boolean allowed(Operation operation, ResourceType type, String name) {
            Set<String> cache = type != ResourceType.TOPIC ? null
                    : operation == Operation.WRITE ? writable : operation == Operation.READ ? readable : null;
            if (cache != null && cache.contains(name)) {
                return true;
            }
            boolean allowed = authorizer.allowed(principal, operation, type, name);
            if (allowed && cache != null) {
                cache.add(name);
            }
            return allowed;
        }

        @Override
        public void onMessage(Q message) {
            if (denied) {
                return;
            }
            GrpcPermissions.Denial denial = GrpcPermissions.check(message, this);
            if (denial == null) {
                super.onMessage(message);
                return;
            }
            denied = true;
            denials.denied(TRANSPORT, principal, denial.operation().name(), denial.type().name(), denial.name());
            Metadata trailers = new Metadata();
            trailers.put(DENIED_RESOURCE, denial.type() + ":" + denial.name());
            call.close(Status.PERMISSION_DENIED.withDescription("principal '" + principal + "' may not "
                    + denial.operation() + " " + denial.type() + " '" + denial.name() + "' (" + method + ")"), trailers);
        }

        @Override
        public void onHalfClose() {
            if (!denied) {
                super.onHalfClose();
            }
        }

        @Override
        public void onReady() {
            if (!denied) {
                super.onReady();
            }
        }

        /** After a denial the service saw no error yet: a cancel lets it release what the call held. */
        @Override
        public void onComplete() {
            if (denied) {
                super.onCancel();
            } else {
                super.onComplete();
            }
        }
    }

    /** Serializes the service's sends with a denial's close; after close, further sends and closes are dropped. */
    private static final class GuardedCall<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {

        private boolean closed;

        GuardedCall(ServerCall<Q, R> delegate) {
            super(delegate);
        }

        @Override
        public synchronized void sendHeaders(Metadata headers) {
            if (!closed) {
                super.sendHeaders(headers);
            }
        }

        @Override
        public synchronized void sendMessage(R message) {
            if (!closed) {
                super.sendMessage(message);
            }
        }

        @Override
        public synchronized void close(Status status, Metadata trailers) {
            if (!closed) {
                closed = true;
                super.close(status, trailers);
            }
        }
    }
}
