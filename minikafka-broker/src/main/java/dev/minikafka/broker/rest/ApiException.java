package dev.minikafka.broker.rest;

import java.time.Duration;

import org.springframework.http.HttpStatus;

/**
 * A request the admin API refuses, with the HTTP status and a sentence the user can act on. Becomes an
 * RFC 9457 problem detail in {@link ProblemResponses}.
 */
final class ApiException extends RuntimeException {

    private final HttpStatus status;
    /** Sent as {@code Retry-After} when set. */
    private final Duration retryAfter;

    ApiException(HttpStatus status, String detail) {
        this(status, detail, null);
    }

    ApiException(HttpStatus status, String detail, Duration retryAfter) {
        super(detail, null, false, false);
        this.status = status;
        this.retryAfter = retryAfter;
    }

    static ApiException badRequest(String detail) {
        return new ApiException(HttpStatus.BAD_REQUEST, detail);
    }

    static ApiException notFound(String detail) {
        return new ApiException(HttpStatus.NOT_FOUND, detail);
    }

    HttpStatus status() {
        return status;
    }

    Duration retryAfter() {
        return retryAfter;
    }
}
