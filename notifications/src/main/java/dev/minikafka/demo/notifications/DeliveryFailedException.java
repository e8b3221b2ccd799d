package dev.minikafka.demo.notifications;

/** A simulated delivery attempt failed; the binding retries it, and dead-letters it after the last attempt. */
public class DeliveryFailedException extends RuntimeException {

    public DeliveryFailedException(String message) {
        super(message);
    }
}
