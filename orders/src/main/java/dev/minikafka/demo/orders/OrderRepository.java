package dev.minikafka.demo.orders;

import org.springframework.data.jpa.repository.JpaRepository;

import java.util.Optional;

public interface OrderRepository extends JpaRepository<Order, Long> {

    Optional<Order> findByPaymentId(String paymentId);

    long countByPaymentId(String paymentId);
}
