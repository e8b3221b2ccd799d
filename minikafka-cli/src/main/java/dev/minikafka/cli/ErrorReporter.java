package dev.minikafka.cli;

import java.io.PrintWriter;
import java.util.function.Supplier;

import dev.minikafka.client.MiniKafkaException;
import dev.minikafka.proto.v1.ErrorCode;
import io.grpc.Status;
import picocli.CommandLine;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Turns failures into one {@code minikafka: <message>} line on stderr and an exit status: 2 for a bad
 * command line, 1 for a request the broker refused or could not take. Expected failures never print a stack
 * trace; only a bug (an exception nobody anticipated) does, because then the trace is what a fix needs.
 */
final class ErrorReporter implements IExecutionExceptionHandler, IParameterExceptionHandler {

    private final Supplier<String> bootstrap;

    /** {@code bootstrap} names the broker in "cannot reach" messages; read when a failure happens. */
    ErrorReporter(Supplier<String> bootstrap) {
        this.bootstrap = bootstrap;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine command = ex.getCommandLine();
        PrintWriter err = command.getErr();
        err.println("minikafka: " + ex.getMessage());
        UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return ExitCode.USAGE;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine command, ParseResult parseResult) {
        PrintWriter err = command.getErr();
        int exitCode = ExitCode.SOFTWARE;
        if (ex instanceof MiniKafkaException e) {
            err.println("minikafka: " + describe(e));
        } else if (ex instanceof CliException e) {
            err.println("minikafka: " + e.getMessage());
        } else if (ex instanceof IllegalArgumentException e) {
            // The client's own argument checks (a negative partition, a bad address) are usage errors too.
            err.println("minikafka: " + e.getMessage());
            exitCode = ExitCode.USAGE;
        } else {
            err.println("minikafka: unexpected error: " + ex);
            ex.printStackTrace(err);
        }
        err.flush();
        return exitCode;
    }

    private String describe(MiniKafkaException e) {
        if (e.getCause() != null && Status.fromThrowable(e.getCause()).getCode() == Status.Code.UNIMPLEMENTED) {
            // Something answers at the address, but it does not speak MiniKafka's protocol (a web server, a proxy).
            return "the server at " + bootstrap.get() + " is not a MiniKafka broker (" + firstLine(e.getMessage()) + ")";
        }
        if (e.code() != ErrorCode.BROKER_UNAVAILABLE) {
            return e.getMessage();
        }
        return "cannot reach broker at " + bootstrap.get() + ": " + reason(e)
                + " (is it running? set --bootstrap or MINIKAFKA_BOOTSTRAP)";
    }

    private static String firstLine(String message) {
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }

    /**
     * The most specific cause: gRPC reports a refused connection as "UNAVAILABLE: io exception" and keeps the
     * useful "Connection refused" in the innermost cause.
     */
    private static String reason(Throwable failure) {
        Throwable innermost = failure;
        while (innermost.getCause() != null && innermost.getCause() != innermost) {
            innermost = innermost.getCause();
        }
        String message = innermost.getMessage() != null ? innermost.getMessage() : failure.getMessage();
        // Netty's "finishConnect(..) failed: Connection refused: /127.0.0.1:9092" says it twice over.
        String reason = message.replaceFirst("^\\w+\\(\\.\\.\\) failed: ", "");
        int address = reason.indexOf(": /");
        return address > 0 ? reason.substring(0, address) : reason;
    }
}
