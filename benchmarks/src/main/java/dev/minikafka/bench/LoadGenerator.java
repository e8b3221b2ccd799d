package dev.minikafka.bench;

/** Placeholder entry point until the load generator lands. */
public final class LoadGenerator {
    private LoadGenerator() {
    }

    public static void main(String[] args) {
        System.err.println("the load generator is not built yet");
        System.exit(2);
    }
}
