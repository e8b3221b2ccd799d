package dev.minikafka.broker.quota;

/**
 * A rate limit: events (records) and bytes per second; 0 means no limit on that measure.
 *
 * @param eventsPerSecond records per second, 0 = unlimited
 * @param bytesPerSecond  bytes of record batches per second, 0 = unlimited
 */
public record Quota(long eventsPerSecond, long bytesPerSecond) {

    public static final Quota UNLIMITED = new Quota(0, 0);

    public Quota {
        if (eventsPerSecond < 0 || bytesPerSecond < 0) {
            throw new IllegalArgumentException("quota rates must not be negative (0 = unlimited), got "
                    + eventsPerSecond + " events/s and " + bytesPerSecond + " bytes/s");
        }
    }

    public boolean isUnlimited() {
        return eventsPerSecond == 0 && bytesPerSecond == 0;
    }
}
