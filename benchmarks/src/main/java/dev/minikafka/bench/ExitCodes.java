package dev.minikafka.bench;

/** Process exit codes, listed in the usage text and the README. */
final class ExitCodes {

    /** The run finished with no failed sends. */
    static final int OK = 0;
    /** The run finished but some sends failed, records went missing, or --timeout stopped it. */
    static final int INCOMPLETE = 1;
    /** Bad options (picocli's own usage-error code). */
    static final int USAGE = 2;
    /** The broker could not be reached at the bootstrap address. */
    static final int BROKER_UNREACHABLE = 3;
    /** The topic could not be created or described. */
    static final int TOPIC_FAILED = 4;

    private ExitCodes() {
    }
}
