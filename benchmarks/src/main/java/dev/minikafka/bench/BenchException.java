package dev.minikafka.bench;

/** A failure the user can act on: printed as one line on stderr, never as a stack trace. */
final class BenchException extends RuntimeException {

    private final int exitCode;

    BenchException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
