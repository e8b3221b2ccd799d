package dev.minikafka.bench;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Turns a failed option check into picocli's usage error, which prints the usage and exits with 2. */
final class Validation {

    private final CommandSpec spec;

    Validation(CommandSpec spec) {
        this.spec = spec;
    }

    void require(boolean condition, String message) {
        if (!condition) {
            CommandLine commandLine = spec.commandLine();
            throw new ParameterException(commandLine, message);
        }
    }
}
