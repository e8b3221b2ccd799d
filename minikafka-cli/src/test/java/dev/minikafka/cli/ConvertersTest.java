package dev.minikafka.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import picocli.CommandLine.TypeConversionException;

class ConvertersTest {

    private final DurationConverter durations = new DurationConverter();
    private final ByteSizeConverter sizes = new ByteSizeConverter();
    private final TimestampConverter times = new TimestampConverter();

    @Test
    void shouldReadDurationsInTheBrokersNotation() {
        assertThat(durations.convert("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(durations.convert("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(durations.convert("30m")).isEqualTo(Duration.ofMinutes(30));
        assertThat(durations.convert("5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(durations.convert("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(durations.convert("1500")).isEqualTo(Duration.ofMillis(1500));
        assertThat(durations.convert("PT2M")).isEqualTo(Duration.ofMinutes(2));
        assertThat(durations.convert("-1")).isNegative();
    }

    @Test
    void shouldRejectTextThatIsNoDuration() {
        assertThatThrownBy(() -> durations.convert("soon"))
                .isInstanceOf(TypeConversionException.class).hasMessageContaining("'soon' is not a duration");
    }

    @Test
    void shouldReadSizesWithBinaryUnits() {
        assertThat(sizes.convert("512")).isEqualTo(512L);
        assertThat(sizes.convert("64KB")).isEqualTo(64L * 1024);
        assertThat(sizes.convert("256mb")).isEqualTo(256L << 20);
        assertThat(sizes.convert("1GB")).isEqualTo(1L << 30);
        assertThat(sizes.convert("-1")).isEqualTo(-1L);
        assertThatThrownBy(() -> sizes.convert("big")).isInstanceOf(TypeConversionException.class);
    }

    @Test
    void shouldReadInstantsAndEpochMillis() {
        assertThat(times.convert("2026-11-24T08:00:00Z")).isEqualTo(Instant.parse("2026-11-24T08:00:00Z"));
        assertThat(times.convert("1700000000000")).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
        assertThatThrownBy(() -> times.convert("yesterday")).isInstanceOf(TypeConversionException.class);
    }

    @Test
    void shouldWriteDurationsAndSizesInTheSameNotation() {
        assertThat(Units.duration(7 * 86_400_000L)).isEqualTo("7d");
        assertThat(Units.duration(90 * 60_000L)).isEqualTo("90m");
        assertThat(Units.duration(1500)).isEqualTo("1500ms");
        assertThat(Units.duration(-1)).isEqualTo("forever");
        assertThat(Units.exactSize(256L << 20)).isEqualTo("256MB");
        assertThat(Units.exactSize(1000)).isEqualTo("1000B");
        assertThat(Units.exactSize(-1)).isEqualTo("unlimited");
        assertThat(Units.size(214)).isEqualTo("214B");
        assertThat(Units.size(1536)).isEqualTo("1.5KB");
    }
}
