package io.zunvx.scheduler.claim;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import io.zunvx.model.Container;
import io.zunvx.platform.app.TestVertx;
import io.zunvx.platform.container.ContainerStore;
import io.zunvx.platform.db.TestDatabase;
import io.zunvx.platform.db.Transactions;
import io.zunvx.scheduler.placement.FilterScheduler;
import io.zunvx.scheduler.placement.SchedulerPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The whole scheduling path of one scheduler instance against a real PostgreSQL, with 1,000 and 10,000 simulated
 * hosts: requests are handed to {@link PlacementService#schedule} with a fixed number in flight; the service groups
 * them into batches, places each batch on its snapshot and commits it in one transaction (the conditional claims per
 * host, the containers' host, their state events, action events and {@code CreateContainer} commands). Kafka is left
 * out (it adds the same constant per request whatever the host count; the create benchmark includes it).
 * Run with {@code scripts/bench-scheduling.sh}; results are recorded in {@code docs/benchmarks.md}.
 */
public final class SchedulingPathBench {
    private SchedulingPathBench() {
    }

    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int window = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        Path dir = Files.createTempDirectory("zunvx-sched-bench");
        Vertx vertx = TestVertx.create();
        try (TestDatabase db = TestDatabase.start(dir)) {
            for (int hosts : new int[] {1_000, 10_000}) {
                var fresh = db.freshDatabase();
                Pool pool = fresh.pool(vertx, 24, "bench");
                seedHosts(pool, hosts);
                ContainerStore store = new ContainerStore(new Transactions(pool), Clock.systemUTC());
                List<UUID> ids = seedContainers(store, requests + 500);
                SchedulerPolicy policy = SchedulerPolicy.defaults().withAllocationRatios(16, 1.5, 1);
                PlacementService svc = new PlacementService(new Transactions(pool), store, new FilterScheduler(policy, 42), policy,
                        Clock.systemUTC());
                var ctx = vertx.getOrCreateContext();
                Future.<Void>future(p -> ctx.runOnContext(v -> svc.reload().onComplete(p))).await();
                run(vertx, ctx, svc, ids.subList(0, 500), window);
                long[] latencies = new long[requests];
                long batches0 = svc.batches();
                long placed0 = svc.placements();
                long t0 = System.nanoTime();
                run(vertx, ctx, svc, ids.subList(500, 500 + requests), window, latencies);
                double seconds = (System.nanoTime() - t0) / 1e9;
                long batches = svc.batches() - batches0;
                if (svc.placements() - placed0 != requests) {
                    throw new IllegalStateException("placed " + (svc.placements() - placed0) + " of " + requests);
                }
                List<Long> sorted = new ArrayList<>();
                for (long l : latencies) {
                    sorted.add(l);
                }
                Collections.sort(sorted);
                System.out.printf("hosts=%d requests=%d in-flight=%d  %.0f placements/s  p50=%.2f ms  p99=%.2f ms"
                                + "  (%d transactions, %.1f placements each)%n",
                        hosts, requests, window, requests / seconds, sorted.get(requests / 2) / 1e6,
                        sorted.get((int) (requests * 0.99)) / 1e6, batches, (double) requests / batches);
                pool.close().await();
            }
        } finally {
            vertx.close().await();
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static void run(Vertx vertx, io.vertx.core.Context ctx, PlacementService svc, List<UUID> ids,
                            int window) {
        run(vertx, ctx, svc, ids, window, new long[ids.size()]);
    }

    private static void run(Vertx vertx, io.vertx.core.Context ctx, PlacementService svc, List<UUID> ids,
                            int window, long[] latencies) {
        AtomicInteger next = new AtomicInteger();
        Future.<Void>future(done -> ctx.runOnContext(v -> {
            AtomicInteger finished = new AtomicInteger();
            Runnable[] launch = new Runnable[1];
            launch[0] = () -> {
                int i = next.getAndIncrement();
                if (i >= ids.size()) {
                    return;
                }
                long start = System.nanoTime();
                svc.schedule(ids.get(i), "req-bench").onComplete(ar -> {
                    latencies[i] = System.nanoTime() - start;
                    if (ar.failed()) {
                        done.tryFail(ar.cause());
                    } else if (finished.incrementAndGet() == ids.size()) {
                        done.tryComplete();
                    } else {
                        launch[0].run();
                    }
                });
            };
            for (int w = 0; w < window; w++) {
                launch[0].run();
            }
        })).await();
    }

    private static void seedHosts(Pool pool, int n) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        List<Tuple> nodes = new ArrayList<>();
        List<Tuple> services = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String h = "sim-" + i;
            nodes.add(Tuple.tuple(List.of(UUID.randomUUID(), h, 65536L + (i % 7) * 1024, 32 + (i % 5), 1000L,
                    new JsonObject(), new JsonArray().add("runc"), "nova", now)));
            services.add(Tuple.of(h, "zun-compute", "nova", now));
        }
        pool.preparedQuery("""
                        INSERT INTO compute_nodes (uuid, hostname, mem_total, cpus, disk_total, labels, runtimes,
                            availability_zone, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)""")
                .executeBatch(nodes).await();
        pool.preparedQuery("""
                        INSERT INTO zun_services (host, "binary", availability_zone, last_seen_up, created_at)
                        VALUES ($1, $2, $3, $4, $4)""")
                .executeBatch(services).await();
    }

    private static List<UUID> seedContainers(ContainerStore store, int n) {
        List<UUID> ids = new ArrayList<>();
        List<Tuple> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(UUID.randomUUID());
        }
        for (int i = 0; i < n; i += 500) {
            List<UUID> chunk = ids.subList(i, Math.min(n, i + 500));
            store.inTransaction(tx -> {
                Future<Void> f = Future.succeededFuture();
                for (UUID id : chunk) {
                    Container c = Container.builder().uuid(id).name("bench").projectId("bench").image("busybox")
                            .cpu(0.1).memory(64).build();
                    f = f.compose(v -> tx.insert(c, null).mapEmpty());
                }
                return f;
            }).await();
        }
        rows.clear();
        return ids;
    }
}
