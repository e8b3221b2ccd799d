package dev.minikafka.broker.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import dev.minikafka.broker.support.BrokerRunner;
import dev.minikafka.client.MiniKafkaAdmin;
import dev.minikafka.proto.v1.AdminGrpc;
import dev.minikafka.proto.v1.ConsumerGrpc;
import dev.minikafka.proto.v1.FetchPartition;
import dev.minikafka.proto.v1.FetchRequest;
import dev.minikafka.proto.v1.FetchResponse;
import dev.minikafka.proto.v1.ListTopicsRequest;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;

/**
 * The connection limits (minikafka.broker.limits.*, spring.grpc.server.keep-alive.*) hold: thousands of idle
 * sockets and a slow-loris client that trickles its HTTP/2 preface are closed after the handshake timeout and
 * never starve a real client meanwhile; idle HTTP/2 connections are closed after max-idle; one connection
 * cannot open more than its share of concurrent calls.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConnectionLimitsTest {

    private static final int IDLE_SOCKETS = 2_000;
    private static final String PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

    @TempDir
    static Path dataDir;

    private static ConfigurableApplicationContext broker;
    private static int port;

    @BeforeAll
    static void start() {
        broker = BrokerRunner.start(dataDir,
                "--minikafka.broker.limits.handshake-timeout=2s",
                "--minikafka.broker.limits.max-concurrent-calls-per-connection=4",
                "--spring.grpc.server.keep-alive.max-idle=3s");
        port = BrokerRunner.grpcPort(broker);
        try (MiniKafkaAdmin admin = new MiniKafkaAdmin("127.0.0.1:" + port)) {
            admin.createTopic("quiet", 1);
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void thousandsOfIdleSocketsAndASlowLorisAreClosedAfterTheHandshakeTimeoutWithoutStarvingOthers() throws Exception {
        List<Socket> idle = new ArrayList<>(IDLE_SOCKETS);
        AtomicBoolean lorisClosedByServer = new AtomicBoolean();
        Thread loris = new Thread(() -> lorisClosedByServer.set(trickleThePreface()), "slow-loris");
        try {
            for (int i = 0; i < IDLE_SOCKETS; i++) {
                idle.add(new Socket(InetAddress.getLoopbackAddress(), port)); // connects, never says a word
            }
            loris.start();
            long worstMs = 0;
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
            try {
                for (int i = 0; i < 20; i++) {
                    long start = System.nanoTime();
                    AdminGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                            .listTopics(ListTopicsRequest.getDefaultInstance());
                    worstMs = Math.max(worstMs, (System.nanoTime() - start) / 1_000_000);
                }
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            System.out.printf("%n== %d idle sockets + a slow loris: slowest of 20 ListTopics took %d ms ==%n",
                    IDLE_SOCKETS, worstMs);

            int closedByServer = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            for (Socket socket : idle) {
                if (closedWithin(socket, deadline)) {
                    closedByServer++;
                }
            }
            loris.join(30_000);
            assertThat(closedByServer).as("idle sockets the broker closed after the handshake timeout").isEqualTo(IDLE_SOCKETS);
            assertThat(lorisClosedByServer).as("the slow loris was cut off too").isTrue();
        } finally {
            loris.interrupt();
            for (Socket socket : idle) {
                socket.close();
            }
        }
    }

    @Test
    void idleHttp2ConnectionsAreClosedAfterMaxIdleAndReconnectOnTheirNextCall() throws Exception {
        List<ManagedChannel> channels = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
                channels.add(channel);
                AdminGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                        .listTopics(ListTopicsRequest.getDefaultInstance());
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (channels.stream().anyMatch(c -> c.getState(false) == ConnectivityState.READY) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(channels).as("the broker sent every idle connection away (GOAWAY after max-idle)")
                    .allMatch(c -> c.getState(false) != ConnectivityState.READY);
            AdminGrpc.newBlockingStub(channels.get(0)).withDeadlineAfter(20, TimeUnit.SECONDS)
                    .listTopics(ListTopicsRequest.getDefaultInstance());
        } finally {
            for (ManagedChannel channel : channels) {
                channel.shutdownNow();
            }
        }
    }

    @Test
    void oneConnectionGetsNoMoreThanItsConcurrentCalls() throws Exception {
        ManagedChannel greedy = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        ManagedChannel other = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            for (int i = 0; i < 4; i++) {
                ConsumerGrpc.newStub(greedy).withDeadlineAfter(60, TimeUnit.SECONDS).fetch(FetchRequest.newBuilder()
                        .setMaxWaitMs(30_000).setMinBytes(1).setMaxBytes(1 << 20).addPartitions(FetchPartition.newBuilder()
                                .setTopic("quiet").setPartition(0).setFetchOffset(0).setPartitionMaxBytes(1 << 20)).build(),
                        new Ignore());
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (broker.getBean(io.micrometer.core.instrument.MeterRegistry.class).get("minikafka.fetches.active")
                    .gauge().value() < 4 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            // The fifth call on the same connection waits for a stream (HTTP/2 MAX_CONCURRENT_STREAMS = 4) ...
            assertThatThrownBy(() -> AdminGrpc.newBlockingStub(greedy).withDeadlineAfter(2, TimeUnit.SECONDS)
                    .listTopics(ListTopicsRequest.getDefaultInstance()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
            // ... while other connections are served at once.
            AdminGrpc.newBlockingStub(other).withDeadlineAfter(20, TimeUnit.SECONDS).listTopics(ListTopicsRequest.getDefaultInstance());
        } finally {
            greedy.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            other.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** Sends the HTTP/2 preface one byte every 300 ms; true when the broker closed the socket first. */
    private boolean trickleThePreface() {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = socket.getOutputStream();
            byte[] preface = PREFACE.getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 100; i++) { // 30 s of trickling, far past the handshake timeout
                out.write(preface[i % preface.length]);
                out.flush();
                Thread.sleep(300);
            }
            return false;
        } catch (IOException e) {
            return true; // the write failed: the broker closed the connection
        } catch (InterruptedException e) {
            return false;
        }
    }

    private static boolean closedWithin(Socket socket, long deadlineNanos) {
        try {
            long leftMs = Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
            socket.setSoTimeout((int) leftMs);
            InputStream in = socket.getInputStream();
            while (in.read() >= 0) {
                // whatever the server says before it closes (a GOAWAY frame)
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset by the server
        }
    }

    private static final class Ignore implements StreamObserver<FetchResponse> {
        @Override
        public void onNext(FetchResponse value) {
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onCompleted() {
        }
    }
}
