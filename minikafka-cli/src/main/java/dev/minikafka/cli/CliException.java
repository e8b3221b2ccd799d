package dev.minikafka.cli;

/** An expected failure of a command, reported to the user as its message alone (exit status 1). */
final class CliException extends RuntimeException {

    CliException(String message) {
        super(message);
    }
}
