package dev.minikafka.broker.quota;

import java.util.Locale;

/** What a quota applies to. */
public enum QuotaKind {
    /** Everything one producing client (by its client id) sends, over all topics. */
    PRODUCER,
    /** Everything all producers send to one topic. */
    TOPIC,
    /** Everything one consuming client (by its client id) reads; only bytes per second apply. */
    CONSUMER;

    /** The name used in the database and the admin API: {@code producer}, {@code topic}, {@code consumer}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static QuotaKind of(String key) {
        for (QuotaKind kind : values()) {
            if (kind.key().equals(key)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown quota kind '" + key + "'; use producer, topic or consumer");
    }
}
