package dev.minikafka.bench.jmeter;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Summarises the results of the JMeter HTTP plan ({@code benchmarks/jmeter/minikafka-http.jmx}) per sampler and
 * fails when a threshold is missed: the error rate over all counted samples, and the 95th percentile of each
 * counted sampler. The "jmeter" Maven profile runs it after JMeter (the plugin checks the error rate as well, but
 * cannot check a percentile); the smoke test in the default build calls {@link #check} directly.
 */
@Command(name = "jtl-check", mixinStandardHelpOptions = true,
        description = "Summarises a JMeter CSV results file and checks error rate and p95.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every threshold met", "1:a threshold missed", "2:bad options",
                "3:the results file is missing, unreadable, or has no sample of the counted labels"})
public final class JtlCheck implements Callable<Integer> {

    static final int OK = 0;
    static final int MISSED = 1;
    static final int NO_RESULTS = 3;

    @Parameters(index = "0", description = "JMeter results file (CSV with a header line)")
    Path results;

    @Option(names = "--labels", description = "regex of the sampler labels counted (default: ${DEFAULT-VALUE})")
    Pattern labels = Pattern.compile("produce records|browse records");

    @Option(names = "--max-error-percent", description = "fail above this error rate in %% over the counted samples; negative: not checked (default: ${DEFAULT-VALUE})")
    double maxErrorPercent = -1;

    @Option(names = "--max-p95-ms", description = "fail when a counted sampler's p95 exceeds this; negative: not checked (default: ${DEFAULT-VALUE})")
    long maxP95Ms = -1;

    @Option(names = "--records-per-request", description = "records in one produce request, to report records/s (default: ${DEFAULT-VALUE}: not reported)")
    int recordsPerRequest;

    @Option(names = "--produce-label", description = "the sampler whose requests carry the records (default: ${DEFAULT-VALUE})")
    String produceLabel = "produce records";

    public static void main(String[] args) {
        System.exit(new CommandLine(new JtlCheck()).execute(args));
    }

    @Override
    public Integer call() {
        List<JtlReader.Sample> samples;
        try {
            samples = JtlReader.read(results);
        } catch (IOException | RuntimeException e) {
            System.err.println("jtl-check: cannot read " + results + ": " + e.getMessage());
            return NO_RESULTS;
        }
        Result result = check(samples, labels, maxErrorPercent, maxP95Ms);
        result.print(System.out, produceLabel, recordsPerRequest);
        if (result.total().count() == 0) {
            return NO_RESULTS;
        }
        return result.failures().isEmpty() ? OK : MISSED;
    }

    /** Summarises the samples whose label matches and lists every threshold missed (negative bounds are off). */
    public static Result check(List<JtlReader.Sample> samples, Pattern labels, double maxErrorPercent, long maxP95Ms) {
        Map<String, List<JtlReader.Sample>> byLabel = new TreeMap<>();
        List<JtlReader.Sample> counted = new ArrayList<>();
        for (JtlReader.Sample sample : samples) {
            if (labels.matcher(sample.label()).matches()) {
                byLabel.computeIfAbsent(sample.label(), label -> new ArrayList<>()).add(sample);
                counted.add(sample);
            }
        }
        List<LabelSummary> perLabel = new ArrayList<>();
        byLabel.forEach((label, list) -> perLabel.add(LabelSummary.of(label, list)));
        LabelSummary total = LabelSummary.of("total", counted);

        List<String> failures = new ArrayList<>();
        if (total.count() == 0) {
            failures.add("no sample has a label matching " + labels);
        }
        if (maxErrorPercent >= 0 && total.errorPercent() > maxErrorPercent) {
            failures.add(String.format(Locale.ROOT, "error rate %.2f %% (%d of %d) is above %.2f %%",
                    total.errorPercent(), total.errors(), total.count(), maxErrorPercent));
        }
        for (LabelSummary summary : perLabel) {
            if (maxP95Ms >= 0 && summary.p95() > maxP95Ms) {
                failures.add(String.format(Locale.ROOT, "p95 of '%s' is %d ms, above %d ms", summary.label(), summary.p95(), maxP95Ms));
            }
        }
        return new Result(perLabel, total, failures);
    }

    /** The summaries and the thresholds missed (empty when all were met). */
    public record Result(List<LabelSummary> perLabel, LabelSummary total, List<String> failures) {

        void print(PrintStream out, String produceLabel, int recordsPerRequest) {
            out.printf(Locale.ROOT, "%-20s %9s %8s %9s %7s %7s %7s %7s%n", "sampler", "requests", "errors", "req/s",
                    "p50 ms", "p95 ms", "p99 ms", "max ms");
            List<LabelSummary> rows = new ArrayList<>(perLabel);
            rows.add(total);
            for (LabelSummary s : rows) {
                out.printf(Locale.ROOT, "%-20s %9d %8d %9.1f %7d %7d %7d %7d%n", s.label(), s.count(), s.errors(),
                        s.perSecond(), s.p50(), s.p95(), s.p99(), s.max());
            }
            if (recordsPerRequest > 0) {
                perLabel.stream().filter(s -> s.label().equals(produceLabel)).findFirst().ifPresent(s -> out.printf(Locale.ROOT,
                        "records/s: %.0f (%d successful requests of %d records)%n",
                        (s.count() - s.errors()) * recordsPerRequest / (s.count() / s.perSecond()), s.count() - s.errors(), recordsPerRequest));
            }
            failures.forEach(failure -> out.println("FAILED: " + failure));
        }
    }
}
