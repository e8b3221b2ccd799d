package dev.minikafka.cli;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps the gRPC transport from writing to the terminal, for the {@code minikafka} process only (tests and
 * embedders keep their own settings). Failures still reach the user, once, through {@link ErrorReporter}.
 */
final class QuietTransport {

    /** Held so the configured level is not lost: JUL keeps loggers only weakly. */
    private static final Logger GRPC = Logger.getLogger("io.grpc");

    private QuietTransport() {
    }

    static void apply() {
        // gRPC logs a failed name look-up or connection as a JUL warning with a stack trace, on top of the
        // error the call itself returns.
        GRPC.setLevel(Level.OFF);
        // The shaded Netty would use sun.misc.Unsafe and load its native epoll transport, for which JDK 24+
        // print warnings on every run; a command line sending a few records needs neither.
        System.setProperty("io.grpc.netty.shaded.io.netty.noUnsafe", "true");
        System.setProperty("io.grpc.netty.shaded.io.netty.transport.noNative", "true");
    }
}
