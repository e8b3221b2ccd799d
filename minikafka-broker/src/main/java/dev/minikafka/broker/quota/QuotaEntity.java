package dev.minikafka.broker.quota;

import java.io.Serializable;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** A row of {@code quotas}: a rate limit set through the admin API for one client or topic. */
@Entity
@Table(name = "quotas")
@IdClass(QuotaEntity.Key.class)
public class QuotaEntity {

    @Id
    private String kind;
    @Id
    private String name;
    @Column(name = "events_per_second")
    private long eventsPerSecond;
    @Column(name = "bytes_per_second")
    private long bytesPerSecond;

    protected QuotaEntity() {
    }

    QuotaEntity(QuotaKind kind, String name, Quota quota) {
        this.kind = kind.key();
        this.name = name;
        this.eventsPerSecond = quota.eventsPerSecond();
        this.bytesPerSecond = quota.bytesPerSecond();
    }

    QuotaKind kind() {
        return QuotaKind.of(kind);
    }

    String name() {
        return name;
    }

    Quota quota() {
        return new Quota(eventsPerSecond, bytesPerSecond);
    }

    /** The composite primary key. */
    public record Key(String kind, String name) implements Serializable {
    }
}
