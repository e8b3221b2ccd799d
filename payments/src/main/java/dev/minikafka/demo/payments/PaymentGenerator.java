package dev.minikafka.demo.payments;

import dev.minikafka.demo.common.PaymentEvent;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Makes up plausible payments: random customers from a fixed pool, amounts, currencies and methods. The
 * pool is split into {@code shards}; a generator for shard {@code s} only uses customers {@code c} with
 * {@code c % shards == s}, so each sender thread owns its customers.
 */
final class PaymentGenerator {

    static final List<String> CURRENCIES = List.of("EUR", "USD", "GBP", "JPY", "CHF");
    static final List<String> METHODS = List.of("CARD", "PAYPAL", "BANK_TRANSFER", "APPLE_PAY", "GOOGLE_PAY");

    private final int customersInShard;
    private final int shard;
    private final int shards;
    private final Clock clock;

    PaymentGenerator(int customers, int shard, int shards, Clock clock) {
        this.shard = shard;
        this.shards = shards;
        // customers shard, shard + shards, shard + 2 * shards, ... below customers
        this.customersInShard = Math.max(1, (customers - shard + shards - 1) / shards);
        this.clock = clock;
    }

    PaymentEvent next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String id = UUID.randomUUID().toString();
        BigDecimal amount = BigDecimal.valueOf(random.nextLong(100, 50_000)).movePointLeft(2).setScale(2, RoundingMode.UNNECESSARY);
        int customer = random.nextInt(customersInShard) * shards + shard;
        return new PaymentEvent(id, "ord-" + id, "customer-%04d".formatted(customer), amount,
                CURRENCIES.get(random.nextInt(CURRENCIES.size())), METHODS.get(random.nextInt(METHODS.size())),
                clock.instant());
    }
}
