package io.zunvx.scheduler.placement;

import io.zunvx.model.ComputeNode;
import io.zunvx.model.ZunService;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Builders of hosts and requests for placement tests. */
final class TestHosts {

    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    private TestHosts() {
    }

    static Builder host(String name) {
        return new Builder(name);
    }

    static RequestBuilder request() {
        return new RequestBuilder();
    }

    /** A healthy idle host: 8 CPUs, 16 GiB, 100 GB, runc, heartbeat 10 s ago. */
    static final class Builder {
        private final String name;
        private long memTotal = 16384;
        private long memUsed;
        private int cpus = 8;
        private double cpuUsed;
        private long diskTotal = 100;
        private long diskUsed;
        private List<String> runtimes = List.of("runc");
        private Map<String, String> labels = Map.of();
        private String zone;
        private String serviceZone;
        private boolean pinning;
        private boolean service = true;
        private boolean disabled;
        private boolean forcedDown;
        private Instant lastSeenUp = NOW.minusSeconds(10);
        private CpuSet pinned = CpuSet.EMPTY;

        private Builder(String name) {
            this.name = name;
        }

        Builder memory(long total, long used) { memTotal = total; memUsed = used; return this; }
        Builder cpus(int total, double used) { cpus = total; cpuUsed = used; return this; }
        Builder disk(long total, long used) { diskTotal = total; diskUsed = used; return this; }
        Builder runtimes(String... r) { runtimes = List.of(r); return this; }
        Builder labels(Map<String, String> l) { labels = l; return this; }
        Builder zone(String z) { zone = z; return this; }
        Builder serviceZone(String z) { serviceZone = z; return this; }
        Builder pinning(boolean p) { pinning = p; return this; }
        Builder pinned(int... ids) { pinned = CpuSet.of(ids); return this; }
        Builder noService() { service = false; return this; }
        Builder disabled() { disabled = true; return this; }
        Builder forcedDown() { forcedDown = true; return this; }
        Builder lastSeenUp(Instant t) { lastSeenUp = t; return this; }

        ComputeNode node() {
            UUID uuid = UUID.nameUUIDFromBytes(name.getBytes());
            return new ComputeNode(uuid, name, memTotal, memUsed, cpus, cpuUsed, diskTotal, diskUsed, 0, 0, 0, 0,
                    "x86_64", "linux", "Debian", "6.1", labels, runtimes, pinning, zone, "http://" + name + ":9518",
                    NOW.minus(Duration.ofDays(1)), NOW, 1);
        }

        HostState build() {
            ComputeNode node = node();
            ZunService s = service
                    ? new ZunService(1, name, ZunService.COMPUTE, disabled, disabled ? "maintenance" : null,
                            forcedDown, lastSeenUp, 100, serviceZone, NOW.minus(Duration.ofDays(1)), lastSeenUp)
                    : null;
            return new HostState(node, s, pinned, HostState.defaultPinnable(node));
        }
    }

    /** A shared request for 1 vCPU, 512 MiB, 10 GB. */
    static final class RequestBuilder {
        private UUID uuid = UUID.fromString("00000000-0000-0000-0000-000000000001");
        private double cpu = 1.0;
        private long memory = 512;
        private long disk = 10;
        private String runtime;
        private String cpuPolicy = PlacementRequest.SHARED;
        private String zone;
        private String requestedHost;
        private final Map<String, String> hints = new HashMap<>();

        RequestBuilder uuid(UUID u) { uuid = u; return this; }
        RequestBuilder cpu(double c) { cpu = c; return this; }
        RequestBuilder memory(long m) { memory = m; return this; }
        RequestBuilder disk(long d) { disk = d; return this; }
        RequestBuilder runtime(String r) { runtime = r; return this; }
        RequestBuilder dedicated() { cpuPolicy = PlacementRequest.DEDICATED; return this; }
        RequestBuilder zone(String z) { zone = z; return this; }
        RequestBuilder requestedHost(String h) { requestedHost = h; return this; }
        RequestBuilder hint(String k, String v) { hints.put(k, v); return this; }

        PlacementRequest build() {
            return new PlacementRequest(uuid, cpu, memory, disk, runtime, cpuPolicy, zone, requestedHost, hints);
        }
    }
}
