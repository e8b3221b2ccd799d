package dev.minikafka.broker.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on loopback for fault tests: it forwards {@code 127.0.0.1:port()} to a target port, and can
 * fail the way networks fail.
 * <ul>
 * <li>{@link #cut()}: closes every connection and refuses new ones (accepts and closes them at once), like
 * a database that went down; both sides see the connection end.</li>
 * <li>{@link #freeze()}: stops moving bytes but keeps every connection open, like a network partition or
 * a host that died without its TCP stack saying goodbye; neither side notices anything but silence.</li>
 * <li>{@link #freezeResponses()}: as a freeze, but only towards the client: requests still reach the
 * server, its answers are held (and lost if the proxy is then cut), like acks lost on the way back.</li>
 * <li>{@link #restore()}: forwards again (new connections after a cut; the held bytes after a freeze).</li>
 * <li>{@link #abandon()}: the network heals for new connections only; every connection open now stays silent
 * forever, like one whose packets a partition swallowed: only a timeout of the side that waits ends it.</li>
 * </ul>
 * Two threads per connection plus one acceptor, all daemons, all ended by {@link #close()}.
 */
public final class LoopbackProxy implements AutoCloseable {

    private enum Mode { FORWARD, CUT, FROZEN, RESPONSES_FROZEN }

    private final int targetPort;
    private final ServerSocket server;
    private final Thread acceptor;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final List<Thread> pumps = new ArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile Mode mode = Mode.FORWARD;
    private volatile boolean closed;
    /** Connections accepted before this generation are silent for good (see {@link #abandon()}). */
    private volatile int abandonedBelow;
    private int generation;

    public LoopbackProxy(int targetPort) {
        this.targetPort = targetPort;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        acceptor = new Thread(this::acceptLoop, "proxy-accept-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Connections accepted so far (including those refused while cut). */
    public int accepted() {
        return accepted.get();
    }

    /** Closes every open connection; new ones are accepted and closed at once until {@link #restore()}. */
    public void cut() {
        mode = Mode.CUT;
        closeAll();
    }

    /** Stops forwarding, keeping every connection open. */
    public void freeze() {
        mode = Mode.FROZEN;
    }

    /** Holds the bytes from the server to the client; the other direction keeps flowing. */
    public void freezeResponses() {
        mode = Mode.RESPONSES_FROZEN;
    }

    public void restore() {
        mode = Mode.FORWARD;
    }

    /** Forwards new connections again while every connection open now stays silent until it is closed. */
    public synchronized void abandon() {
        abandonedBelow = ++generation;
        mode = Mode.FORWARD;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            accepted.incrementAndGet();
            if (mode == Mode.CUT) {
                closeQuietly(client);
                continue;
            }
            Socket upstream;
            try {
                upstream = new Socket();
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2_000);
            } catch (IOException e) {
                closeQuietly(client);
                continue;
            }
            sockets.add(client);
            sockets.add(upstream);
            int connectionGeneration;
            synchronized (this) {
                connectionGeneration = generation;
            }
            startPump(client, upstream, connectionGeneration, false);
            startPump(upstream, client, connectionGeneration, true);
        }
    }

    private synchronized void startPump(Socket from, Socket to, int connectionGeneration, boolean towardsClient) {
        if (closed) {
            closeQuietly(from);
            closeQuietly(to);
            return;
        }
        Thread pump = new Thread(() -> pump(from, to, connectionGeneration, towardsClient),
                "proxy-pump-" + from.getPort());
        pump.setDaemon(true);
        pumps.removeIf(t -> !t.isAlive());
        pumps.add(pump);
        pump.start();
    }

    private boolean holding(int connectionGeneration, boolean towardsClient) {
        Mode current = mode;
        return current == Mode.FROZEN || current == Mode.RESPONSES_FROZEN && towardsClient
                || connectionGeneration < abandonedBelow;
    }

    private void pump(Socket from, Socket to, int connectionGeneration, boolean towardsClient) {
        byte[] buffer = new byte[16 * 1024];
        try {
            from.setSoTimeout(50); // wakes to notice freeze, cut and close
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            while (!closed && mode != Mode.CUT) {
                if (holding(connectionGeneration, towardsClient)) {
                    Thread.sleep(10); // holding the bytes: nothing is read, so nothing is forwarded
                    continue;
                }
                int n;
                try {
                    n = in.read(buffer);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                if (n < 0) {
                    break;
                }
                // A read already under way when the proxy froze: hold its bytes until it is restored (or cut).
                while (holding(connectionGeneration, towardsClient) && !closed && mode != Mode.CUT) {
                    Thread.sleep(10);
                }
                if (mode == Mode.CUT || closed) {
                    break;
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // the connection ended; close both sides below
        } finally {
            if (!holding(connectionGeneration, towardsClient) || closed) {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        }
    }

    private void closeAll() {
        for (Socket socket : List.copyOf(sockets)) {
            closeQuietly(socket);
            sockets.remove(socket);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        List<Thread> toJoin;
        synchronized (this) {
            closed = true;
            toJoin = List.copyOf(pumps);
        }
        try {
            server.close();
        } catch (IOException ignored) {
            // already closed
        }
        closeAll();
        try {
            acceptor.join(2_000);
            for (Thread pump : toJoin) {
                pump.join(2_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
