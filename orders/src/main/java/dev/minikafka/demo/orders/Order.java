package dev.minikafka.demo.orders;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.math.BigDecimal;
import java.time.Instant;

/** An order created from a payment; {@code paymentId} is unique (V1__orders.sql). */
@Entity
@Table(name = "orders")
public class Order {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    @Column(name = "order_id", nullable = false)
    private String orderId;
    @Column(name = "payment_id", nullable = false, unique = true)
    private String paymentId;
    @Column(nullable = false)
    private String customer;
    @Column(nullable = false)
    private BigDecimal amount;
    @Column(nullable = false)
    private String currency;
    @Column(nullable = false)
    private String method;
    @Column(name = "paid_at", nullable = false)
    private Instant paidAt;
    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected Order() {
    }

    Order(String orderId, String paymentId, String customer, BigDecimal amount, String currency, String method,
          Instant paidAt, Instant createdAt) {
        this.orderId = orderId;
        this.paymentId = paymentId;
        this.customer = customer;
        this.amount = amount;
        this.currency = currency;
        this.method = method;
        this.paidAt = paidAt;
        this.createdAt = createdAt;
    }

    public Long getId() {
        return id;
    }

    public String getOrderId() {
        return orderId;
    }

    public String getPaymentId() {
        return paymentId;
    }

    public String getCustomer() {
        return customer;
    }

    public BigDecimal getAmount() {
        return amount;
    }

    public String getCurrency() {
        return currency;
    }

    public String getMethod() {
        return method;
    }

    public Instant getPaidAt() {
        return paidAt;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }
}
