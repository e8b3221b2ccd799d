package dev.minikafka.bench.binder;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The benchmark's own settings ({@code bench.*}); the same values must be given to both roles.
 *
 * @param records        records the producer sends and the consumer waits for, warm-up included
 * @param warmupRecords  the first records, left out of the consumer's latency histogram and throughput
 * @param rate           records per second the producer paces itself to; 0 sends as fast as the binder takes them
 * @param payloadSize    bytes of each record's payload
 * @param timeout        how long the consumer waits for the last record before it reports what it has
 * @param report         a file the role writes its JSON summary to (none when unset)
 */
@ConfigurationProperties("bench")
public record BenchProperties(int records, int warmupRecords, int rate, int payloadSize, Duration timeout,
        Path report) {

    public BenchProperties {
        if (records <= 0) {
            records = 100_000;
        }
        if (warmupRecords < 0 || warmupRecords >= records) {
            throw new IllegalArgumentException("bench.warmup-records must be at least 0 and less than bench.records ("
                    + records + "), was " + warmupRecords);
        }
        if (rate < 0) {
            throw new IllegalArgumentException("bench.rate must be 0 (as fast as possible) or positive, was " + rate);
        }
        if (payloadSize <= 0) {
            payloadSize = 100;
        }
        if (timeout == null) {
            timeout = Duration.ofMinutes(5);
        }
    }
}
