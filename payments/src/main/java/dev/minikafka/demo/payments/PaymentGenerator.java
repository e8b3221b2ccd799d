package dev.minikafka.demo.payments;

import dev.minikafka.demo.common.PaymentEvent;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Makes up plausible payments: random customers from a fixed pool, amounts, currencies and methods. */
final class PaymentGenerator {

    static final List<String> CURRENCIES = List.of("EUR", "USD", "GBP", "JPY", "CHF");
    static final List<String> METHODS = List.of("CARD", "PAYPAL", "BANK_TRANSFER", "APPLE_PAY", "GOOGLE_PAY");

    private final int customers;
    private final Clock clock;

    PaymentGenerator(int customers, Clock clock) {
        this.customers = Math.max(1, customers);
        this.clock = clock;
    }

    PaymentEvent next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String id = UUID.randomUUID().toString();
        BigDecimal amount = BigDecimal.valueOf(random.nextLong(100, 50_000)).movePointLeft(2).setScale(2, RoundingMode.UNNECESSARY);
        return new PaymentEvent(id, "ord-" + id, "customer-%04d".formatted(random.nextInt(customers)), amount,
                CURRENCIES.get(random.nextInt(CURRENCIES.size())), METHODS.get(random.nextInt(METHODS.size())),
                clock.instant());
    }
}
