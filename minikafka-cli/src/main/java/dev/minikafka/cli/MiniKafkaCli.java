package dev.minikafka.cli;

import java.io.InputStream;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code minikafka} command: manage topics, produce lines, consume records, all through the Java client.
 * Holds what every subcommand shares (the broker address and standard input) so that tests can run it
 * in-process with their own streams; see {@link #commandLine(InputStream)}.
 */
@Command(name = "minikafka", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Manage topics on a MiniKafka broker, produce lines to them and consume records from them.",
        subcommands = {TopicsCommand.class, ProduceCommand.class, ConsumeCommand.class},
        footerHeading = "%nExit status:%n",
        footer = {"  0  success", "  1  the broker refused the request or could not be reached",
                "  2  bad command line"})
public final class MiniKafkaCli {

    static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";

    private final InputStream stdin;

    @Spec
    private CommandSpec spec;

    // Inherited: accepted before or after the subcommand (`minikafka --bootstrap h:p topics list` or
    // `minikafka topics list --bootstrap h:p`); either way the value lands in this field.
    @Option(names = "--bootstrap", scope = ScopeType.INHERIT, paramLabel = "HOST:PORT",
            defaultValue = "${env:MINIKAFKA_BOOTSTRAP:-" + DEFAULT_BOOTSTRAP + "}",
            description = "The broker's gRPC address (default: ${DEFAULT-VALUE}; env MINIKAFKA_BOOTSTRAP).")
    private String bootstrap;

    @Mixin
    private SecurityOptions security;

    public MiniKafkaCli() {
        this(System.in);
    }

    /** A CLI whose {@code produce} reads records from {@code stdin}. */
    public MiniKafkaCli(InputStream stdin) {
        this.stdin = stdin;
    }

    public static void main(String[] args) {
        QuietTransport.apply();
        System.exit(commandLine(System.in).execute(args));
    }

    /** The command line with MiniKafka's error reporting: one {@code minikafka: ...} line, no stack trace. */
    public static CommandLine commandLine(InputStream stdin) {
        MiniKafkaCli cli = new MiniKafkaCli(stdin);
        CommandLine commandLine = new CommandLine(cli);
        ErrorReporter errors = new ErrorReporter(cli::bootstrapForMessages);
        commandLine.setExecutionExceptionHandler(errors);
        commandLine.setParameterExceptionHandler(errors);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        return commandLine;
    }

    /** The root command of the command a subcommand's {@code spec} belongs to. */
    static MiniKafkaCli of(CommandSpec spec) {
        return (MiniKafkaCli) spec.root().userObject();
    }

    /** The clients of one command, over TLS and with credentials when the security options say so. */
    BrokerConnection connect() {
        return new BrokerConnection(bootstrap(), security.toClientSecurity());
    }

    /** The validated broker address. */
    String bootstrap() {
        int colon = bootstrap.lastIndexOf(':');
        boolean valid = colon > 0 && colon < bootstrap.length() - 1
                && bootstrap.substring(colon + 1).chars().allMatch(Character::isDigit);
        if (!valid) {
            throw new ParameterException(spec.commandLine(), "--bootstrap must be HOST:PORT, got '" + bootstrap + "'");
        }
        return bootstrap;
    }

    private String bootstrapForMessages() {
        return bootstrap == null ? DEFAULT_BOOTSTRAP : bootstrap;
    }

    InputStream stdin() {
        return stdin;
    }
}
