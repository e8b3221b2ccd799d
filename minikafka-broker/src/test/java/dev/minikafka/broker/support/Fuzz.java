package dev.minikafka.broker.support;

import java.util.stream.IntStream;

import org.instancio.Random;
import org.instancio.junit.GivenProvider;
import org.instancio.settings.Keys;
import org.instancio.settings.Settings;

/**
 * The broker's fuzz tests draw every choice from the {@link Random} this provider hands to a
 * {@code @Given Random} parameter: Instancio seeds it afresh for each try and prints
 * {@code Test method '...' failed with seed: N} when one fails. The number of tries and a seed to replay come
 * from system properties, as in the client's {@code FuzzTries}:
 * {@code -Dminikafka.fuzz.tries=5000} runs more, {@code -Dminikafka.fuzz.seed=N -Dminikafka.fuzz.tries=1}
 * replays one.
 */
public final class Fuzz implements GivenProvider {

    @Override
    public Object provide(ElementContext context) {
        return context.random();
    }

    /** Try numbers 1..n for a {@code @MethodSource}: n from {@code minikafka.fuzz.tries}, else {@code defaultTries}. */
    public static IntStream tries(int defaultTries) {
        return IntStream.rangeClosed(1, Integer.getInteger("minikafka.fuzz.tries", defaultTries));
    }

    /** For a {@code @WithSettings} field: the seed from {@code minikafka.fuzz.seed} when given. */
    public static Settings settings() {
        Settings settings = Settings.create();
        Long seed = Long.getLong("minikafka.fuzz.seed");
        if (seed != null) {
            settings.set(Keys.SEED, seed);
        }
        return settings;
    }

    /** {@code length} random bytes. */
    public static byte[] bytes(Random random, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) random.intRange(0, 255);
        }
        return bytes;
    }
}
