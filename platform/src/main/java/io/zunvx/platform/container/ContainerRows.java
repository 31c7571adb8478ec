package io.zunvx.platform.container;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.zunvx.model.Address;
import io.zunvx.model.Container;
import io.zunvx.model.Healthcheck;
import io.zunvx.model.RestartPolicy;
import io.zunvx.model.Status;
import io.zunvx.model.TaskState;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Mapping between {@link Container} and the {@code containers} table. */
final class ContainerRows {
    /** Every column but {@code id}, in the order of {@link #params}. */
    static final List<String> COLUMNS = List.of("uuid", "name", "project_id", "user_id", "image", "image_driver",
            "image_pull_policy", "command", "entrypoint", "status", "status_reason", "status_detail", "task_state",
            "cpu", "cpu_policy", "memory", "disk", "environment", "labels", "workdir", "hostname", "exposed_ports",
            "addresses", "security_groups", "restart_policy", "interactive", "tty", "auto_remove", "auto_heal",
            "privileged", "runtime", "host", "healthcheck", "registry_id", "hints", "availability_zone",
            "requested_host", "run", "container_id", "claimed", "cpuset", "created_at", "updated_at", "version",
            "event_seq", "capsule_id", "capsule_role");

    static final String SELECT = "SELECT id, " + String.join(", ", COLUMNS) + " FROM containers";
    /** The same columns from {@code containers c}, for queries that join the table to itself. */
    static final String SELECT_ALIASED = "SELECT c.id, " + String.join(", ",
            COLUMNS.stream().map(x -> "c." + x).toList()) + " FROM containers c";

    static final String INSERT;
    static final String UPDATE;

    static {
        StringBuilder values = new StringBuilder();
        StringBuilder sets = new StringBuilder();
        for (int i = 0; i < COLUMNS.size(); i++) {
            values.append(i == 0 ? "" : ", ").append('$').append(i + 1);
            if (i > 0) {
                sets.append(i == 1 ? "" : ", ").append(COLUMNS.get(i)).append(" = $").append(i + 1);
            }
        }
        INSERT = "INSERT INTO containers (" + String.join(", ", COLUMNS) + ") VALUES (" + values + ") RETURNING id";
        // $1 = uuid; the version check uses a parameter after the columns.
        UPDATE = "UPDATE containers SET " + sets + " WHERE uuid = $1 AND version = $" + (COLUMNS.size() + 1);
    }

    private ContainerRows() {
    }

    static Tuple params(Container c) {
        Tuple t = Tuple.tuple();
        t.addUUID(c.uuid());
        t.addString(c.name());
        t.addString(c.projectId());
        t.addString(c.userId());
        t.addString(c.image());
        t.addString(c.imageDriver());
        t.addString(c.imagePullPolicy());
        t.addValue(c.command() == null ? null : new JsonArray(new ArrayList<>(c.command())));
        t.addValue(c.entrypoint() == null ? null : new JsonArray(new ArrayList<>(c.entrypoint())));
        t.addString(c.status().wire());
        t.addString(c.statusReason());
        t.addString(c.statusDetail());
        t.addString(c.taskState() == null ? null : c.taskState().wire());
        t.addDouble(c.cpu());
        t.addString(c.cpuPolicy());
        t.addInteger(c.memory());
        t.addInteger(c.disk());
        t.addValue(new JsonObject(new LinkedHashMap<>(c.environment())));
        t.addValue(new JsonObject(new LinkedHashMap<>(c.labels())));
        t.addString(c.workdir());
        t.addString(c.hostname());
        t.addValue(new JsonArray(new ArrayList<>(c.exposedPorts())));
        t.addValue(addresses(c.addresses()));
        t.addValue(new JsonArray(new ArrayList<>(c.securityGroups())));
        t.addValue(c.restartPolicy() == null ? null
                : new JsonObject().put("Name", c.restartPolicy().name())
                        .put("MaximumRetryCount", c.restartPolicy().maximumRetryCount()));
        t.addBoolean(c.interactive());
        t.addBoolean(c.tty());
        t.addBoolean(c.autoRemove());
        t.addBoolean(c.autoHeal());
        t.addBoolean(c.privileged());
        t.addString(c.runtime());
        t.addString(c.host());
        t.addValue(c.healthcheck() == null ? null : new JsonObject()
                .put("test", c.healthcheck().test()).put("interval", c.healthcheck().interval())
                .put("retries", c.healthcheck().retries()).put("timeout", c.healthcheck().timeout()));
        t.addUUID(c.registryId());
        t.addValue(new JsonObject(new LinkedHashMap<>(c.hints())));
        t.addString(c.availabilityZone());
        t.addString(c.requestedHost());
        t.addBoolean(c.run());
        t.addString(c.containerId());
        t.addBoolean(c.claimed());
        t.addString(c.cpuset());
        t.addOffsetDateTime(odt(c.createdAt()));
        t.addOffsetDateTime(odt(c.updatedAt()));
        t.addLong(c.version());
        t.addLong(c.eventSequence());
        t.addUUID(c.capsuleId());
        t.addString(c.capsuleRole());
        return t;
    }

    static Container from(Row r) {
        JsonObject rp = (JsonObject) r.getValue("restart_policy");
        JsonObject hc = (JsonObject) r.getValue("healthcheck");
        String task = r.getString("task_state");
        return Container.builder()
                .uuid(r.getUUID("uuid"))
                .name(r.getString("name"))
                .projectId(r.getString("project_id"))
                .userId(r.getString("user_id"))
                .image(r.getString("image"))
                .imageDriver(r.getString("image_driver"))
                .imagePullPolicy(r.getString("image_pull_policy"))
                .command(strings((JsonArray) r.getValue("command")))
                .entrypoint(strings((JsonArray) r.getValue("entrypoint")))
                .status(Status.fromWire(r.getString("status")))
                .statusReason(r.getString("status_reason"))
                .statusDetail(r.getString("status_detail"))
                .taskState(task == null ? null : TaskState.fromWire(task))
                .cpu(r.getDouble("cpu"))
                .cpuPolicy(r.getString("cpu_policy"))
                .memory(r.getInteger("memory"))
                .disk(r.getInteger("disk"))
                .environment(stringMap((JsonObject) r.getValue("environment")))
                .labels(stringMap((JsonObject) r.getValue("labels")))
                .workdir(r.getString("workdir"))
                .hostname(r.getString("hostname"))
                .exposedPorts(strings((JsonArray) r.getValue("exposed_ports")))
                .addresses(addresses((JsonObject) r.getValue("addresses")))
                .securityGroups(strings((JsonArray) r.getValue("security_groups")))
                .restartPolicy(rp == null ? null
                        : new RestartPolicy(rp.getString("Name"), rp.getInteger("MaximumRetryCount", 0)))
                .interactive(r.getBoolean("interactive"))
                .tty(r.getBoolean("tty"))
                .autoRemove(r.getBoolean("auto_remove"))
                .autoHeal(r.getBoolean("auto_heal"))
                .privileged(r.getBoolean("privileged"))
                .runtime(r.getString("runtime"))
                .host(r.getString("host"))
                .healthcheck(hc == null ? null : new Healthcheck(hc.getString("test"), hc.getInteger("interval", 0),
                        hc.getInteger("retries", 0), hc.getInteger("timeout", 0)))
                .registryId(r.getUUID("registry_id"))
                .hints(stringMap((JsonObject) r.getValue("hints")))
                .availabilityZone(r.getString("availability_zone"))
                .requestedHost(r.getString("requested_host"))
                .run(r.getBoolean("run"))
                .containerId(r.getString("container_id"))
                .claimed(r.getBoolean("claimed"))
                .cpuset(r.getString("cpuset"))
                .createdAt(instant(r.getOffsetDateTime("created_at")))
                .updatedAt(instant(r.getOffsetDateTime("updated_at")))
                .version(r.getLong("version"))
                .eventSequence(r.getLong("event_seq"))
                .capsule(r.getUUID("capsule_id"), r.getString("capsule_role"))
                .build();
    }

    static OffsetDateTime odt(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }

    static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    private static List<String> strings(JsonArray a) {
        if (a == null) {
            return null;
        }
        List<String> out = new ArrayList<>(a.size());
        for (Object o : a) {
            out.add(String.valueOf(o));
        }
        return out;
    }

    private static Map<String, String> stringMap(JsonObject o) {
        Map<String, String> out = new LinkedHashMap<>();
        if (o != null) {
            o.forEach(e -> out.put(e.getKey(), e.getValue() == null ? null : String.valueOf(e.getValue())));
        }
        return out;
    }

    private static JsonObject addresses(Map<String, List<Address>> byNet) {
        JsonObject o = new JsonObject();
        byNet.forEach((net, list) -> {
            JsonArray a = new JsonArray();
            list.forEach(ad -> a.add(new JsonObject().put("addr", ad.addr()).put("version", ad.version())
                    .put("port", ad.port()).put("subnet_id", ad.subnetId())
                    .put("preserve_on_delete", ad.preserveOnDelete())));
            o.put(net, a);
        });
        return o;
    }

    private static Map<String, List<Address>> addresses(JsonObject o) {
        Map<String, List<Address>> out = new LinkedHashMap<>();
        if (o != null) {
            for (String net : o.fieldNames()) {
                List<Address> list = new ArrayList<>();
                for (Object x : o.getJsonArray(net)) {
                    JsonObject a = (JsonObject) x;
                    list.add(new Address(a.getString("addr"), a.getInteger("version", 4), a.getString("port"),
                            a.getString("subnet_id"), a.getBoolean("preserve_on_delete", false)));
                }
                out.put(net, list);
            }
        }
        return out;
    }

    static UUID uuidOrNull(String s) {
        try {
            return s == null ? null : UUID.fromString(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
