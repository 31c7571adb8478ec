package io.zunvx.launcher;

import io.zunvx.embedded.EmbeddedKafka;
import io.zunvx.embedded.EmbeddedPg;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code FaultServers kafka|pg <data dir> <port>}: the embedded Kafka or PostgreSQL as a process of its own, so that a
 * fault test can kill it with a real signal and start it again on the same data. Prints {@code READY} once it serves;
 * a SIGTERM closes it cleanly.
 */
public final class FaultServers {
    private FaultServers() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path dir = Path.of(args[1]);
        int port = Integer.parseInt(args[2]);
        AutoCloseable server = switch (args[0]) {
            case "kafka" -> new EmbeddedKafka(dir, port).start();
            case "pg" -> EmbeddedPg.start(dir, port);
            default -> throw new IllegalArgumentException("kafka or pg, not " + args[0]);
        };
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception e) {
                e.printStackTrace();
            }
        }, "fault-server-shutdown"));
        System.out.println("READY");
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
