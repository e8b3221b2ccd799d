package dev.minikafka.bench;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * The result of one run, printed as one JSON object ({@code --json}) or as a small table. MB means 2^20 bytes,
 * as in Kafka's perf-test tools, so the numbers compare directly.
 *
 * @param parameters the options the run used, in the order they should print
 * @param records    records that completed: acknowledged (produce), received (consume, e2e)
 * @param bytes      payload bytes (keys and values) of those records
 * @param latency    null when the command measures no latency
 * @param details    command-specific counters (sent, acked, missing, ...)
 * @param timedOut   the run was stopped by {@code --timeout} before it finished
 */
@JsonPropertyOrder({"command", "parameters", "records", "bytes", "seconds", "recordsPerSec", "mbPerSec",
        "latency", "errors", "timedOut", "details"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Report(String command, Map<String, Object> parameters, long records, long bytes, double seconds,
                     double recordsPerSec, double mbPerSec, LatencySummary latency, long errors, boolean timedOut,
                     @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Object> details) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double MB = 1024.0 * 1024.0;

    /** Builds a report, deriving the rates from the counts and the elapsed nanoseconds. */
    static Report of(String command, Map<String, Object> parameters, long records, long bytes, long elapsedNanos,
                     LatencySummary latency, long errors, boolean timedOut, Map<String, Object> details) {
        double seconds = elapsedNanos / 1e9;
        double recordsPerSec = seconds > 0 ? records / seconds : 0;
        double mbPerSec = seconds > 0 ? bytes / MB / seconds : 0;
        return new Report(command, parameters, records, bytes, round(seconds, 3), round(recordsPerSec, 1),
                round(mbPerSec, 3), latency, errors, timedOut, details);
    }

    String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report as JSON", e);
        }
    }

    void print(PrintStream out, boolean json) {
        out.println(json ? toJson() : toText());
    }

    String toText() {
        StringBuilder text = new StringBuilder();
        text.append(command);
        parameters.forEach((name, value) -> text.append(' ').append(name).append('=').append(value));
        text.append('\n');
        row(text, "records", String.format(Locale.ROOT, "%,d", records));
        row(text, "seconds", String.format(Locale.ROOT, "%.3f", seconds));
        row(text, "records/s", String.format(Locale.ROOT, "%,.1f", recordsPerSec));
        row(text, "MB/s", String.format(Locale.ROOT, "%.3f", mbPerSec));
        row(text, "errors", String.format(Locale.ROOT, "%,d", errors));
        if (details != null) {
            details.forEach((name, value) -> row(text, name, String.valueOf(value)));
        }
        if (latency != null) {
            row(text, "latency ms", String.format(Locale.ROOT,
                    "p50 %.3f  p95 %.3f  p99 %.3f  p99.9 %.3f  max %.3f  (%,d samples)",
                    latency.p50(), latency.p95(), latency.p99(), latency.p999(), latency.max(), latency.count()));
        }
        if (timedOut) {
            row(text, "note", "stopped by --timeout before the run finished");
        }
        return text.toString().stripTrailing();
    }

    private static void row(StringBuilder text, String name, String value) {
        text.append(String.format(Locale.ROOT, "  %-12s %s%n", name, value));
    }

    private static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}
