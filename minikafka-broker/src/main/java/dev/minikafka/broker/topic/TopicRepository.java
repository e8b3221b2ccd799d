package dev.minikafka.broker.topic;

import org.springframework.data.jpa.repository.JpaRepository;

/** Topic metadata, on PostgreSQL or on the embedded H2. */
public interface TopicRepository extends JpaRepository<TopicEntity, String> {
}
