package dev.minikafka.demo.common;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A payment, as Payments emits it and every other service reads it. The JSON form is the contract
 * (docs/demo-services.md); this record is one reader and writer of it.
 *
 * @param id        unique per payment; a redelivery carries the same id
 * @param orderId   the order the payment pays for
 * @param customer  the partition key: one customer's payments stay in order
 * @param amount    in {@code currency}, two decimals
 * @param currency  ISO 4217 code
 * @param method    how it was paid, e.g. {@code CARD}
 * @param timestamp when Payments created the event; end-to-end latency is measured from it
 */
public record PaymentEvent(String id, String orderId, String customer, BigDecimal amount, String currency,
                           String method, Instant timestamp) {
}
