package dev.minikafka.bench.jmeter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class JtlCheckTest {

    private static final String HEADER = "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,"
            + "failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect\n";
    private static final Pattern LOAD = Pattern.compile("produce records|browse records");

    @Test
    void readsQuotedFieldsWithCommasQuotesAndLineBreaks() throws IOException {
        String csv = HEADER
                + "1000,12,produce records,200,,produce 1-1,text,true,,448,918,1,2,http://h/x,12,0,1\r\n"
                + "1010,30,browse records,400,,browse 2-1,text,false,\"Test failed: code expected to equal /\n"
                + "received  : [[[400]]]\"\", \"\"x\"\"\",248,259,1,2,\"http://h/y?offset=1,2\",30,0,0\n";
        List<JtlReader.Sample> samples = JtlReader.read(new StringReader(csv));
        assertThat(samples).containsExactly(
                new JtlReader.Sample(1000, 12, "produce records", "200", true),
                new JtlReader.Sample(1010, 30, "browse records", "400", false));
    }

    @Test
    void findsColumnsByHeaderName() throws IOException {
        String csv = "label,success,elapsed,responseCode,timeStamp\nbrowse records,true,7,200,5\n";
        assertThat(JtlReader.read(new StringReader(csv))).containsExactly(new JtlReader.Sample(5, 7, "browse records", "200", true));
    }

    @Test
    void passesWhenErrorRateAndP95AreWithinBounds() {
        JtlCheck.Result result = JtlCheck.check(samples("produce records", 100, 0), LOAD, 0, 95);
        assertThat(result.failures()).isEmpty();
        assertThat(result.total().p95()).isEqualTo(95);
        assertThat(result.total().p50()).isEqualTo(50);
    }

    @Test
    void failsWhenAnySamplerP95IsOverTheBound() {
        List<JtlReader.Sample> samples = samples("produce records", 100, 0);
        samples.addAll(samples("browse records", 200, 0));
        JtlCheck.Result result = JtlCheck.check(samples, LOAD, -1, 150);
        assertThat(result.failures()).containsExactly("p95 of 'browse records' is 190 ms, above 150 ms");
    }

    @Test
    void failsWhenTheErrorRateIsOverTheBound() {
        JtlCheck.Result result = JtlCheck.check(samples("produce records", 100, 2), LOAD, 1, -1);
        assertThat(result.failures()).containsExactly("error rate 2.00 % (2 of 100) is above 1.00 %");
    }

    @Test
    void countsOnlyTheLoadSamplers() {
        List<JtlReader.Sample> samples = samples("produce records", 10, 0);
        samples.add(new JtlReader.Sample(0, 5_000, "create topic", "201", false));
        JtlCheck.Result result = JtlCheck.check(samples, LOAD, 0, 100);
        assertThat(result.failures()).isEmpty();
        assertThat(result.total().count()).isEqualTo(10);
    }

    @Test
    void failsWhenNoSampleMatches() {
        JtlCheck.Result result = JtlCheck.check(samples("create topic", 1, 0), LOAD, -1, -1);
        assertThat(result.failures()).hasSize(1);
    }

    /** n samples of the label taking 1..n ms, one every 10 ms, the first {@code errors} failed. */
    private static List<JtlReader.Sample> samples(String label, int n, int errors) {
        List<JtlReader.Sample> samples = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            samples.add(new JtlReader.Sample(i * 10L, i, label, i <= errors ? "500" : "200", i > errors));
        }
        return samples;
    }
}
