package dev.minikafka.demo.orders;

import dev.minikafka.demo.common.PaymentEvent;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.util.concurrent.atomic.LongAdder;

/**
 * Creates the order for a payment, once. Delivery is at least once under every binder, so the same payment
 * may arrive again: it is looked up first, and two deliveries racing past the look-up are settled by the
 * unique payment id (the loser's insert fails and is counted as a duplicate). Thread-safe.
 */
@Service
public class OrderService {

    public enum Outcome { CREATED, DUPLICATE }

    private final OrderRepository orders;
    private final TransactionTemplate transaction;
    private final Clock clock;
    private final LongAdder created = new LongAdder();
    private final LongAdder duplicates = new LongAdder();

    public OrderService(OrderRepository orders, TransactionTemplate transaction, Clock clock) {
        this.orders = orders;
        this.transaction = transaction;
        this.clock = clock;
    }

    public Outcome createOrder(PaymentEvent payment) {
        Outcome outcome;
        try {
            outcome = transaction.execute(status -> insertUnlessPresent(payment));
        } catch (DataIntegrityViolationException alreadyInserted) {
            if (!orders.existsByPaymentId(payment.id())) {
                throw alreadyInserted; // another constraint: a real error, for the binder to retry
            }
            outcome = Outcome.DUPLICATE;
        }
        (outcome == Outcome.CREATED ? created : duplicates).increment();
        return outcome;
    }

    private Outcome insertUnlessPresent(PaymentEvent payment) {
        if (orders.existsByPaymentId(payment.id())) {
            return Outcome.DUPLICATE;
        }
        orders.saveAndFlush(new Order(payment.orderId(), payment.id(), payment.customer(), payment.amount(),
                payment.currency(), payment.method(), payment.timestamp(), clock.instant()));
        return Outcome.CREATED;
    }

    public long created() {
        return created.sum();
    }

    public long duplicates() {
        return duplicates.sum();
    }
}
