package io.zunvx.platform.db;

import io.zunvx.embedded.EmbeddedPg;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What durable commits cost: small transactions (one insert, one commit) on the embedded PostgreSQL with
 * {@code synchronous_commit} off and on, from 1 and 8 connections. Run by {@code scripts/bench-commit.sh}; a
 * measurement, not a test.
 */
public final class CommitCostBench {
    private CommitCostBench() {
    }

    public static void main(String[] args) throws Exception {
        int perRun = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        Path dir = Files.createTempDirectory("commit-cost");
        try (EmbeddedPg pg = EmbeddedPg.start(dir, 0)) {
            String url = "jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres";
            try (Connection c = DriverManager.getConnection(url, "postgres", "postgres");
                 Statement s = c.createStatement()) {
                s.execute("CREATE TABLE commit_cost (id bigserial PRIMARY KEY, v text)");
            }
            // The first round warms up; the second is printed.
            for (boolean print : List.of(false, true)) {
                for (String mode : List.of("off", "on")) {
                    for (int connections : List.of(1, 8)) {
                        run(url, mode, connections, perRun, print);
                    }
                }
            }
        }
    }

    private static void run(String url, String mode, int connections, int total, boolean print) throws Exception {
        List<Long> latencies = new ArrayList<>();
        long t0 = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(connections)) {
            List<Future<List<Long>>> each = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                each.add(pool.submit(() -> commits(url, mode, total / connections)));
            }
            for (Future<List<Long>> f : each) {
                latencies.addAll(f.get());
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Collections.sort(latencies);
        if (print) {
            System.out.printf("synchronous_commit=%s, %d connection(s): %.0f commits/s, p50 %.2f ms, p99 %.2f ms%n",
                    mode, connections, latencies.size() / seconds, latencies.get(latencies.size() / 2) / 1e6,
                    latencies.get(latencies.size() * 99 / 100) / 1e6);
        }
    }

    private static List<Long> commits(String url, String mode, int n) throws Exception {
        List<Long> out = new ArrayList<>(n);
        try (Connection c = DriverManager.getConnection(url, "postgres", "postgres")) {
            try (Statement s = c.createStatement()) {
                s.execute("SET synchronous_commit = " + mode);
            }
            c.setAutoCommit(false);
            try (PreparedStatement p = c.prepareStatement("INSERT INTO commit_cost (v) VALUES (?)")) {
                for (int k = 0; k < n; k++) {
                    long start = System.nanoTime();
                    p.setString(1, "row-" + k);
                    p.executeUpdate();
                    c.commit();
                    out.add(System.nanoTime() - start);
                }
            }
        }
        return out;
    }
}
