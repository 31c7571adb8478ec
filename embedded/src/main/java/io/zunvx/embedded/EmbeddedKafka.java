package io.zunvx.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A single-node Kafka (KRaft, one process acting as broker and controller) running inside this JVM: the all-in-one's
 * event bus and the integration tests' real broker. Data lives under one directory and survives restarts: the
 * directory is formatted only the first time, and later starts keep its cluster id, topics and records.
 *
 * <p>{@link #start()} and {@link #close()} block for a few seconds; call them from a main or test thread, never from an
 * event loop.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;
    private static final String META_PROPERTIES = "meta.properties";

    private final Path dataDir;
    private final int requestedPort;
    private KafkaRaftServer server;
    private int port;

    /**
     * @param dataDir directory holding the broker's logs and metadata; created if missing
     * @param port    client port on 127.0.0.1, 0 to pick a free one at each start
     */
    public EmbeddedKafka(Path dataDir, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        this.dataDir = dataDir.toAbsolutePath();
        this.requestedPort = port;
    }

    /** Formats the data directory if it is new, then starts the broker and controller; returns once they serve. */
    public synchronized EmbeddedKafka start() {
        if (server != null) {
            throw new IllegalStateException("embedded Kafka already started");
        }
        quietLogging();
        try {
            Path logDir = logDir();
            Files.createDirectories(logDir);
            int clientPort = requestedPort == 0 ? freePort() : requestedPort;
            int controllerPort = freePort();
            Properties props = serverProperties(logDir, clientPort, controllerPort);
            Path configFile = dataDir.resolve("server.properties");
            try (OutputStream out = Files.newOutputStream(configFile)) {
                props.store(out, "Written at every start of the embedded Kafka; edits are overwritten");
            }
            if (!Files.exists(logDir.resolve(META_PROPERTIES))) {
                format(configFile);
            }
            KafkaRaftServer s = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
            try {
                s.startup();
            } catch (RuntimeException e) {
                shutdownQuietly(s);
                throw e;
            }
            server = s;
            port = clientPort;
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("embedded Kafka could not start in " + dataDir, e);
        }
    }

    /** {@code 127.0.0.1:<port>} for clients' {@code bootstrap.servers}. */
    public synchronized String bootstrapServers() {
        requireStarted();
        return HOST + ":" + port;
    }

    /** The client port this start bound. */
    public synchronized int port() {
        requireStarted();
        return port;
    }

    /** The directory given at construction. */
    public Path dataDir() {
        return dataDir;
    }

    /** The cluster id written when the directory was formatted (stable across restarts). */
    public String clusterId() {
        Properties meta = new Properties();
        try (InputStream in = Files.newInputStream(logDir().resolve(META_PROPERTIES))) {
            meta.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("no Kafka metadata in " + logDir(), e);
        }
        return meta.getProperty("cluster.id");
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    /** Shuts the broker and controller down cleanly and waits for them; the data directory is kept. */
    @Override
    public synchronized void close() {
        KafkaRaftServer s = server;
        server = null;
        if (s != null) {
            s.shutdown();
            s.awaitShutdown();
        }
    }

    private Path logDir() {
        return dataDir.resolve("kraft-logs");
    }

    private Properties serverProperties(Path logDir, int clientPort, int controllerPort) {
        Properties p = new Properties();
        p.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", String.valueOf(NODE_ID)),
                // A static voter set: the controller port may change between starts without touching stored state.
                Map.entry("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort),
                Map.entry("listeners", "PLAINTEXT://" + HOST + ":" + clientPort + ",CONTROLLER://" + HOST + ":"
                        + controllerPort),
                Map.entry("advertised.listeners", "PLAINTEXT://" + HOST + ":" + clientPort),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                Map.entry("log.dirs", logDir.toString()),
                // One node: internal topics must not ask for more replicas than exist, or consumers see nothing.
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("offsets.topic.num.partitions", "4"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("transaction.state.log.num.partitions", "4"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                Map.entry("default.replication.factor", "1"),
                Map.entry("min.insync.replicas", "1"),
                Map.entry("auto.create.topics.enable", "false"),
                Map.entry("num.partitions", "4"),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                Map.entry("log.segment.bytes", String.valueOf(16 * 1024 * 1024)),
                Map.entry("log.index.size.max.bytes", String.valueOf(1024 * 1024)),
                Map.entry("metadata.log.segment.bytes", String.valueOf(8 * 1024 * 1024)),
                // The cleaner's default 128 MiB buffer is sized for production brokers.
                Map.entry("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024)),
                Map.entry("num.network.threads", "2"),
                Map.entry("num.io.threads", "4"),
                Map.entry("background.threads", "4"),
                Map.entry("num.recovery.threads.per.data.dir", "2")));
        return p;
    }

    private static void format(Path configFile) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exit;
        try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            exit = StorageTool.execute(new String[] {
                "format", "--config", configFile.toString(),
                "--cluster-id", Uuid.randomUuid().toString(),
                "--ignore-formatted"}, print);
        } catch (RuntimeException e) {
            throw new IllegalStateException("formatting Kafka storage failed: " + output.toString(StandardCharsets.UTF_8), e);
        }
        if (exit != 0) {
            throw new IllegalStateException("formatting Kafka storage failed (" + exit + "): "
                    + output.toString(StandardCharsets.UTF_8));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    /**
     * Kafka logs every config value and state change at INFO; keep it to warnings unless the operator chose. The
     * controller reports its routine activation at WARN, so it gets errors only.
     */
    private static void quietLogging() {
        Map<String, String> levels = Map.of("kafka", "warn", "org.apache.kafka", "warn", "state.change.logger", "warn",
                "org.apache.kafka.controller", "error");
        levels.forEach((logger, level) -> {
            String key = "org.slf4j.simpleLogger.log." + logger;
            if (System.getProperty(key) == null) {
                System.setProperty(key, level);
            }
        });
    }

    private static void shutdownQuietly(KafkaRaftServer s) {
        try {
            s.shutdown();
            s.awaitShutdown();
        } catch (RuntimeException ignored) {
            // The start failure is what the caller needs to see.
        }
    }

    private void requireStarted() {
        if (server == null) {
            throw new IllegalStateException("embedded Kafka not started");
        }
    }
}
