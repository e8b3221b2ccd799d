package dev.minikafka.cli;

import java.util.Locale;

/** Writes durations and sizes in the notation {@link DurationConverter} and {@link ByteSizeConverter} read. */
final class Units {

    private static final long[] MILLIS = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
    private static final String[] TIME_UNITS = {"d", "h", "m", "s"};
    private static final String[] SIZE_UNITS = {"B", "KB", "MB", "GB", "TB"};

    private Units() {
    }

    /** {@code 7d}, {@code 90m}, {@code 1500ms}: the largest unit that divides exactly; negative is "forever". */
    static String duration(long millis) {
        if (millis < 0) {
            return "forever";
        }
        for (int i = 0; i < MILLIS.length; i++) {
            if (millis != 0 && millis % MILLIS[i] == 0) {
                return millis / MILLIS[i] + TIME_UNITS[i];
            }
        }
        return millis + "ms";
    }

    /** A configured size: exact ({@code 256MB}) when it is a whole number of a unit; negative is "unlimited". */
    static String exactSize(long bytes) {
        if (bytes < 0) {
            return "unlimited";
        }
        int unit = 0;
        long value = bytes;
        while (unit < SIZE_UNITS.length - 1 && value != 0 && value % 1024 == 0) {
            value /= 1024;
            unit++;
        }
        return value + SIZE_UNITS[unit];
    }

    /** A measured size, rounded for reading: {@code 214B}, {@code 1.2KB}, {@code 37.0MB}. */
    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + "B";
        }
        double value = bytes;
        int unit = 0;
        while (unit < SIZE_UNITS.length - 1 && value >= 1024) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f%s", value, SIZE_UNITS[unit]);
    }
}
