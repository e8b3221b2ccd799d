package dev.minikafka.broker.rest;

import java.io.UncheckedIOException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import dev.minikafka.broker.group.GroupException;
import dev.minikafka.broker.log.OffsetOutOfRangeException;
import dev.minikafka.broker.topic.TopicException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Every error of the admin API as an RFC 9457 problem detail ({@code application/problem+json}) whose
 * {@code detail} says what to change. Spring's own request errors (unreadable JSON, a path variable of the
 * wrong type, an unsupported method or media type) come through {@link ResponseEntityExceptionHandler},
 * with the JSON and type-mismatch cases reworded to name the field.
 */
@RestControllerAdvice
class ProblemResponses extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemResponses.class);
    private static final int MAX_PARSER_MESSAGE = 300;

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ProblemDetail> apiException(ApiException e) {
        ResponseEntity.BodyBuilder response = ResponseEntity.status(e.status());
        if (e.retryAfter() != null) {
            response.header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, e.retryAfter().toSeconds())));
        }
        return response.body(ProblemDetail.forStatusAndDetail(e.status(), e.getMessage()));
    }

    @ExceptionHandler(TopicException.class)
    ResponseEntity<ProblemDetail> topicException(TopicException e) {
        HttpStatus status = switch (e.kind()) {
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case ALREADY_EXISTS -> HttpStatus.CONFLICT;
            case INVALID -> HttpStatus.BAD_REQUEST;
            case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
        };
        return ResponseEntity.status(status).body(ProblemDetail.forStatusAndDetail(status, e.getMessage()));
    }

    @ExceptionHandler(GroupException.class)
    ResponseEntity<ProblemDetail> groupException(GroupException e) {
        HttpStatus status = switch (e.kind()) {
            case INVALID -> HttpStatus.BAD_REQUEST;
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case FENCED, CONFLICT -> HttpStatus.CONFLICT;
            case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
        };
        return ResponseEntity.status(status).body(ProblemDetail.forStatusAndDetail(status, e.getMessage()));
    }

    @ExceptionHandler(OffsetOutOfRangeException.class)
    ResponseEntity<ProblemDetail> offsetOutOfRange(OffsetOutOfRangeException e) {
        return ResponseEntity.badRequest().body(ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage()));
    }

    /** The broker's own failure (a disk error), not the user's: a 500 that says so, logged with its cause. */
    @ExceptionHandler(UncheckedIOException.class)
    ResponseEntity<ProblemDetail> storageError(UncheckedIOException e) {
        log.error("Admin API request failed on storage", e);
        HttpStatus status = HttpStatus.INTERNAL_SERVER_ERROR;
        return ResponseEntity.status(status).body(ProblemDetail.forStatusAndDetail(status, "storage error: " + e.getMessage()));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
            if (cause instanceof BodySizeLimit.TooLargeException tooLarge) {
                HttpStatus tooLargeStatus = HttpStatus.CONTENT_TOO_LARGE;
                return handleExceptionInternal(ex, ProblemDetail.forStatusAndDetail(tooLargeStatus, tooLarge.getMessage()),
                        headers, tooLargeStatus, request);
            }
        }
        String reason = ex.getMostSpecificCause() == ex ? "the body is missing" : describe(ex.getMostSpecificCause());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status,
                "the request body is not valid JSON for this operation: " + reason);
        return handleExceptionInternal(ex, problem, headers, status, request);
    }

    @Override
    protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException ex, HttpHeaders headers, HttpStatusCode status,
            WebRequest request) {
        String name = ex instanceof MethodArgumentTypeMismatchException mismatch ? mismatch.getName() : ex.getPropertyName();
        String type = ex.getRequiredType() == null ? "a different type" : ex.getRequiredType().getSimpleName();
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status,
                "'" + name + "' must be " + article(type) + type + ", got '" + ex.getValue() + "'");
        return handleExceptionInternal(ex, problem, headers, status, request);
    }

    /** The parser's own sentence plus where it stopped: the field path when known, else line and column. */
    private static String describe(Throwable cause) {
        if (!(cause instanceof JacksonException json)) {
            return shorten(cause.getMessage());
        }
        StringBuilder where = new StringBuilder();
        for (JacksonException.Reference reference : json.getPath()) {
            if (reference.getPropertyName() != null) {
                where.append(where.isEmpty() ? "" : ".").append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                where.append('[').append(reference.getIndex()).append(']');
            }
        }
        String message = json instanceof UnrecognizedPropertyException unknown
                ? "unknown field '" + unknown.getPropertyName() + "'; known fields: " + unknown.getKnownPropertyIds()
                : shorten(json.getOriginalMessage());
        if (!where.isEmpty()) {
            return message + " (at " + where + ")";
        }
        TokenStreamLocation location = json.getLocation();
        if (location != null && location.getLineNr() > 0) {
            return message + " (at line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
        }
        return message;
    }

    private static String article(String type) {
        return "aeiouAEIOU".indexOf(type.charAt(0)) >= 0 ? "an " : "a ";
    }

    private static String shorten(String message) {
        if (message == null) {
            return "unreadable";
        }
        return message.length() > MAX_PARSER_MESSAGE ? message.substring(0, MAX_PARSER_MESSAGE) + "..." : message;
    }
}
