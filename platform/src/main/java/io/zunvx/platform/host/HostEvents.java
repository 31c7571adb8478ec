package io.zunvx.platform.host;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zunvx.model.ComputeNode;
import io.zunvx.model.Topics;
import io.zunvx.model.ZunService;
import io.zunvx.platform.outbox.OutboxMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code io.zunvx.host.reported.v1}: a compute agent's report of its node (inventory, claims, counts) and its
 * service heartbeat, keyed by host name on {@link Topics#HOST_EVENTS}. The scheduler's snapshot is fed by these.
 */
public final class HostEvents {
    public static final String REPORTED = "io.zunvx.host.reported.v1";
    /** An operator enabled, disabled or forced down a service (node omitted). */
    public static final String SERVICE_CHANGED = "io.zunvx.host.service-changed.v1";

    private HostEvents() {
    }

    /** A host's state as carried by the event. */
    public record Reported(ComputeNode node, ZunService service) {
    }

    public static OutboxMessage reported(ComputeNode n, ZunService s) {
        JsonObject node = new JsonObject()
                .put("uuid", n.uuid().toString()).put("hostname", n.hostname())
                .put("mem_total", n.memTotal()).put("mem_used", n.memUsed())
                .put("cpus", n.cpus()).put("cpu_used", n.cpuUsed())
                .put("disk_total", n.diskTotal()).put("disk_used", n.diskUsed())
                .put("total_containers", n.totalContainers()).put("running", n.running())
                .put("paused", n.paused()).put("stopped", n.stopped())
                .put("architecture", n.architecture()).put("os_type", n.osType()).put("os", n.os())
                .put("kernel_version", n.kernelVersion())
                .put("labels", new JsonObject(new LinkedHashMap<>(n.labels())))
                .put("runtimes", new JsonArray(new ArrayList<>(n.runtimes())))
                .put("enable_cpu_pinning", n.enableCpuPinning())
                .put("availability_zone", n.availabilityZone())
                .put("internal_endpoint", n.internalEndpoint())
                .put("created_at", str(n.createdAt())).put("updated_at", str(n.updatedAt()))
                .put("version", n.version())
                .put("numa_topology", NumaJson.encode(n.numaTopology()));
        JsonObject service = service(s);
        JsonObject data = new JsonObject().put("node", node).put("service", service);
        return new OutboxMessage(UUID.randomUUID(), Topics.HOST_EVENTS, n.hostname(), REPORTED, n.hostname(), null,
                data.encode());
    }

    /** {@code host.service-changed}: the service's new state, for schedulers to apply at once. */
    public static OutboxMessage serviceChanged(ZunService s) {
        JsonObject data = new JsonObject().put("service", service(s));
        return new OutboxMessage(UUID.randomUUID(), Topics.HOST_EVENTS, s.host(), SERVICE_CHANGED, s.host(), null,
                data.encode());
    }

    public static ZunService decodeService(JsonObject s) {
        return s == null ? null : new ZunService(s.getLong("id", 0L), s.getString("host"),
                s.getString("binary"), s.getBoolean("disabled", false), s.getString("disabled_reason"),
                s.getBoolean("forced_down", false), inst(s.getString("last_seen_up")), s.getLong("report_count", 0L),
                s.getString("availability_zone"), inst(s.getString("created_at")), inst(s.getString("updated_at")));
    }

    private static JsonObject service(ZunService s) {
        return s == null ? null : new JsonObject()
                .put("id", s.id()).put("host", s.host()).put("binary", s.binary())
                .put("disabled", s.disabled()).put("disabled_reason", s.disabledReason())
                .put("forced_down", s.forcedDown()).put("last_seen_up", str(s.lastSeenUp()))
                .put("report_count", s.reportCount()).put("availability_zone", s.availabilityZone())
                .put("created_at", str(s.createdAt())).put("updated_at", str(s.updatedAt()));
    }

    public static Reported decode(JsonObject data) {
        JsonObject n = data.getJsonObject("node");
        Map<String, String> labels = new LinkedHashMap<>();
        n.getJsonObject("labels", new JsonObject()).forEach(e -> labels.put(e.getKey(), String.valueOf(e.getValue())));
        List<String> runtimes = new ArrayList<>();
        n.getJsonArray("runtimes", new JsonArray()).forEach(x -> runtimes.add(String.valueOf(x)));
        ComputeNode node = new ComputeNode(UUID.fromString(n.getString("uuid")), n.getString("hostname"),
                n.getLong("mem_total"), n.getLong("mem_used"), n.getInteger("cpus"), n.getDouble("cpu_used"),
                n.getLong("disk_total"), n.getLong("disk_used"), n.getInteger("total_containers", 0),
                n.getInteger("running", 0), n.getInteger("paused", 0), n.getInteger("stopped", 0),
                n.getString("architecture"), n.getString("os_type"), n.getString("os"), n.getString("kernel_version"),
                labels, runtimes, n.getBoolean("enable_cpu_pinning", false), n.getString("availability_zone"),
                n.getString("internal_endpoint"), inst(n.getString("created_at")), inst(n.getString("updated_at")),
                n.getLong("version", 0L), NumaJson.decode(n.getJsonObject("numa_topology")));
        return new Reported(node, decodeService(data.getJsonObject("service")));
    }

    private static String str(Instant i) {
        return i == null ? null : i.toString();
    }

    private static Instant inst(String s) {
        return s == null ? null : Instant.parse(s);
    }
}
