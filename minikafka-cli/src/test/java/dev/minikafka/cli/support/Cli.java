package dev.minikafka.cli.support;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

import dev.minikafka.cli.MiniKafkaCli;
import picocli.CommandLine;

/** Runs the {@code minikafka} command in-process, with given standard input, and captures what it prints. */
public final class Cli {

    private Cli() {
    }

    /** What one run printed, and its exit status. */
    public record Result(int exitCode, String out, String err) {
    }

    public static Result run(String stdin, String... args) {
        CommandLine command = MiniKafkaCli.commandLine(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        int exitCode = command.execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    /** Runs against the shared test broker: {@code --bootstrap} is added after the given arguments. */
    public static Result onBrokerWithInput(String stdin, String... args) {
        String[] withBootstrap = new String[args.length + 2];
        System.arraycopy(args, 0, withBootstrap, 0, args.length);
        withBootstrap[args.length] = "--bootstrap";
        withBootstrap[args.length + 1] = TestBroker.bootstrap();
        return run(stdin, withBootstrap);
    }

    public static Result onBroker(String... args) {
        return onBrokerWithInput("", args);
    }
}
