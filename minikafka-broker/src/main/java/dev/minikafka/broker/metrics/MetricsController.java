package dev.minikafka.broker.metrics;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /api/v1/metrics}: the latest snapshot as JSON; {@code GET /api/v1/metrics/stream}: every
 * snapshot as a Server-Sent Event ({@code event: snapshot}, {@code id:} its sequence number). The schema is
 * in {@code docs/metrics.md}.
 */
@RestController
@RequestMapping("/api/v1/metrics")
final class MetricsController {

    private final MetricsSnapshotter snapshotter;
    private final SnapshotStreams streams;
    private final long retrySeconds;

    MetricsController(MetricsSnapshotter snapshotter, SnapshotStreams streams, MetricsProperties properties) {
        this.snapshotter = snapshotter;
        this.streams = streams;
        this.retrySeconds = Math.max(1, properties.retry().toSeconds());
    }

    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<?> latest() {
        MetricsSnapshot snapshot = snapshotter.latest();
        if (snapshot == null) {
            return unavailable("no metrics snapshot has been taken yet; the broker is still starting");
        }
        return ResponseEntity.ok(snapshot);
    }

    @GetMapping(path = "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter stream() {
        return streams.open();
    }

    @ExceptionHandler(TooManyStreamsException.class)
    ResponseEntity<ProblemDetail> tooManyStreams(TooManyStreamsException e) {
        return unavailable(e.getMessage());
    }

    private ResponseEntity<ProblemDetail> unavailable(String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, detail);
        problem.setTitle("Metrics unavailable");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(retrySeconds))
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }
}
