package dev.minikafka.demo.orders;

import dev.minikafka.demo.common.PaymentEvent;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Creates the orders for a batch of payments, each once. Delivery is at least once under every binder, so a
 * payment may arrive again, in a later batch, in the same batch, or in a batch another consumer inserts at
 * the same moment: every row is inserted with {@code on conflict do nothing}, and the unique payment id
 * (V1__orders.sql) lets exactly one insert per payment through; a row that was not inserted is counted as a
 * duplicate. The batch is one transaction and one JDBC batch: either all its new orders are stored or none
 * (the binder then retries the whole batch, which is harmless for the same reason).
 *
 * <p>Why JDBC and not the JPA repository for the write: the entity's database-generated id makes Hibernate
 * insert row by row, and JPA has no "insert unless present"; one batched statement per batch is what lets
 * Orders keep up with the demo's top rate (docs/benchmarks.md). Reads still go through {@link OrderRepository}.
 * Thread-safe.
 */
@Service
public class OrderService {

    static final String INSERT = "insert into orders (order_id, payment_id, customer, amount, currency, method,"
            + " paid_at, created_at) values (?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final Clock clock;
    private final LongAdder created = new LongAdder();
    private final LongAdder duplicates = new LongAdder();

    public OrderService(JdbcTemplate jdbc, TransactionTemplate transaction, Clock clock) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.clock = clock;
    }

    /** Stores the orders of {@code payments} that are not stored yet; returns how many it created. */
    public int createOrders(List<PaymentEvent> payments) {
        if (payments.isEmpty()) {
            return 0;
        }
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        int[][] counts = transaction.execute(status -> jdbc.batchUpdate(INSERT, payments, payments.size(),
                (statement, payment) -> {
                    statement.setString(1, payment.orderId());
                    statement.setString(2, payment.id());
                    statement.setString(3, payment.customer());
                    statement.setBigDecimal(4, payment.amount());
                    statement.setString(5, payment.currency());
                    statement.setString(6, payment.method());
                    statement.setObject(7, OffsetDateTime.ofInstant(payment.timestamp(), ZoneOffset.UTC));
                    statement.setObject(8, now);
                }));
        int inserted = 0;
        for (int[] chunk : counts) {
            for (int count : chunk) {
                // 0 rows: the payment was stored before. A driver that rewrites batches may answer
                // SUCCESS_NO_INFO (-2) instead of a count; such rows are counted as created.
                if (count != 0) {
                    inserted++;
                }
            }
        }
        created.add(inserted);
        duplicates.add(payments.size() - inserted);
        return inserted;
    }

    public long created() {
        return created.sum();
    }

    public long duplicates() {
        return duplicates.sum();
    }
}
