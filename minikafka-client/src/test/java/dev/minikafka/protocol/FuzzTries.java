package dev.minikafka.protocol;

import java.util.stream.IntStream;

import org.instancio.settings.Keys;
import org.instancio.settings.Settings;

/**
 * How many tries a fuzz test runs, and the seed to replay one. Each try is one invocation of a
 * {@code @ParameterizedTest} whose inputs Instancio generates from a fresh random seed; a failing try prints
 * {@code Test method '...' failed with seed: N}.
 *
 * <ul>
 *   <li>{@code -Dminikafka.fuzz.tries=20000}: more tries than the CI default (the suite stays well under a minute
 *       by default);</li>
 *   <li>{@code -Dminikafka.fuzz.seed=N -Dminikafka.fuzz.tries=1}: replays the try that failed with seed N.</li>
 * </ul>
 */
public final class FuzzTries {

    public static final String TRIES_PROPERTY = "minikafka.fuzz.tries";
    public static final String SEED_PROPERTY = "minikafka.fuzz.seed";

    private FuzzTries() {
    }

    /** Try numbers 1..n for a {@code @MethodSource}: n from the system property, else {@code defaultTries}. */
    public static IntStream tries(int defaultTries) {
        return IntStream.rangeClosed(1, Integer.getInteger(TRIES_PROPERTY, defaultTries));
    }

    /** For a {@code @WithSettings} field: the seed to replay when one is given, else Instancio picks one per try. */
    public static Settings settings() {
        Settings settings = Settings.create();
        Long seed = Long.getLong(SEED_PROPERTY);
        if (seed != null) {
            settings.set(Keys.SEED, seed);
        }
        return settings;
    }
}
