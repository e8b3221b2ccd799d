package dev.minikafka.demo.orders;

/** The idempotency contract on the embedded default, H2 in PostgreSQL mode. */
class H2OrderIdempotencyTest extends OrderIdempotencyContract {
}
