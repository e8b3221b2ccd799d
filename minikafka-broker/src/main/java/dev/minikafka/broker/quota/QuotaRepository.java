package dev.minikafka.broker.quota;

import org.springframework.data.jpa.repository.JpaRepository;

/** Quota overrides, on PostgreSQL or the embedded H2. */
public interface QuotaRepository extends JpaRepository<QuotaEntity, QuotaEntity.Key> {
}
