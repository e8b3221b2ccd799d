package dev.minikafka.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The load generator: {@code produce}, {@code consume} and {@code e2e} against one broker, reporting
 * records/s, MB/s and HdrHistogram latency percentiles as a table or JSON. Every run is bounded by
 * {@code --timeout} and talks only to {@code --bootstrap}.
 */
@Command(name = "minikafka-bench", mixinStandardHelpOptions = true, version = "minikafka-bench 0.1.0",
        description = "Load generator for MiniKafka.",
        subcommands = {ProduceCommand.class, ConsumeCommand.class, EndToEndCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:the run finished and every record was acknowledged / received",
                "1:some sends failed, records went missing, or --timeout stopped the run",
                "2:bad options",
                "3:the broker could not be reached",
                "4:the topic could not be created or described"})
public final class LoadGenerator {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one command line and returns its exit code; failures the user can act on are one line on stderr. */
    static int run(String... args) {
        CommandLine cli = new CommandLine(new LoadGenerator());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof BenchException bench) {
                commandLine.getErr().println("minikafka-bench: " + bench.getMessage());
                return bench.exitCode();
            }
            throw e;
        });
        return cli.execute(args);
    }

    /** The exit code of a finished run. */
    static int outcome(long failures, Throwable firstError, boolean timedOut) {
        if (firstError != null) {
            System.err.println("first error: " + firstError.getMessage());
        }
        return failures > 0 || timedOut ? ExitCodes.INCOMPLETE : ExitCodes.OK;
    }

    static void closeQuietly(Runnable close) {
        try {
            close.run();
        } catch (RuntimeException e) {
            System.err.println("note: closing a client failed: " + e.getMessage());
        }
    }
}
