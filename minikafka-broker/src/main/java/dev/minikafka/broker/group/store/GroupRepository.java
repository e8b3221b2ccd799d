package dev.minikafka.broker.group.store;

import org.springframework.data.jpa.repository.JpaRepository;

/** Consumer group definitions. */
public interface GroupRepository extends JpaRepository<GroupEntity, String> {
}
