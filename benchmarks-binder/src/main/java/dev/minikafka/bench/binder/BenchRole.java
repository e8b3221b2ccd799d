package dev.minikafka.bench.binder;

/** What one JVM of the benchmark does once the application has started: produce, or consume and measure. */
public interface BenchRole {

    /** Runs this role to the end, prints its summary, and returns whether it completed (all records seen). */
    boolean run() throws InterruptedException;
}
