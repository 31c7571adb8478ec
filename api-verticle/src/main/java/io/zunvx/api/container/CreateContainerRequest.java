package io.zunvx.api.container;

import io.zunvx.api.http.Schema;
import io.zunvx.api.http.Py;
import io.zunvx.api.http.Shlex;
import io.zunvx.api.http.QueryParams;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zunvx.model.ApiVersion;
import io.zunvx.model.Container;
import io.zunvx.model.Healthcheck;
import io.zunvx.model.Names;
import io.zunvx.model.RestartPolicy;
import io.zunvx.model.Status;
import io.zunvx.platform.error.ZunException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * A validated {@code POST /v1/containers} body (reference §3.1.1), checked the way Zun checks it: first the JSON
 * schema of the requested microversion (the first failing field wins, in Zun's property order; then {@code image}
 * required, unknown fields, {@code security_groups} with {@code exposed_ports}), then the per-field version gates and
 * value rules in the order Zun's controller applies them.
 *
 * <p>Policy is left to the caller, which is told what needs it: {@code privileged} (denied to everybody by default;
 * Zun checks it whenever the field is given, even as false), {@code runtime}, {@code host} and
 * {@code image_pull_policy} (admin only). The {@code run} query parameter is {@link RunQuery}'s.
 *
 * @param container                the container to store: status {@code Creating}, owner set, defaults applied
 * @param registry                 the private registry asked for (uuid or name, not yet resolved), or {@code null}
 * @param nets                     networks asked for (empty for the default network)
 * @param mounts                   volumes asked for
 * @param privilegedRequested      the body carries {@code privileged}
 * @param runtimeRequested         the body carries {@code runtime}
 * @param hostRequested            the body names a {@code host}
 * @param imagePullPolicyRequested the body carries {@code image_pull_policy}
 */
public record CreateContainerRequest(Container.Builder container, String registry, List<Net> nets, List<Mount> mounts,
                                     boolean privilegedRequested, boolean runtimeRequested, boolean hostRequested,
                                     boolean imagePullPolicyRequested) {

    /**
     * One entry of {@code nets}: exactly one of {@code network} and {@code port}.
     *
     * @param network   network name or id, or {@code null}
     * @param port      port name or id, or {@code null}
     * @param v4FixedIp requested IPv4 address, or {@code null}
     * @param v6FixedIp requested IPv6 address, or {@code null}
     */
    public record Net(String network, String port, String v4FixedIp, String v6FixedIp) {
        public Net {
            if ((network == null) == (port == null)) {
                throw new IllegalArgumentException("exactly one of network and port");
            }
        }
    }

    /**
     * One entry of {@code mounts}.
     *
     * @param type        {@code volume} (a volume by name or id in {@code source}, or a new one of {@code size}) or
     *                    {@code bind} ({@code source} is Base64 file content written at {@code destination})
     * @param source      volume name or id, or file content, or {@code null}
     * @param destination path in the container
     * @param size        size of a new volume as sent, or {@code null}
     */
    public record Mount(String type, String source, String destination, String size) {
        public Mount {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(destination, "destination");
        }
    }

    /** The body fields, in the order Zun's schema lists (and so checks) them. */
    static final List<String> PROPERTIES = List.of("name", "image", "command", "cpu", "memory", "workdir",
            "auto_remove", "image_pull_policy", "labels", "environment", "restart_policy", "interactive",
            "image_driver", "security_groups", "hints", "mounts", "nets", "runtime", "hostname", "disk",
            "availability_zone", "auto_heal", "privileged", "healthcheck", "exposed_ports", "cpu_policy", "registry",
            "host", "entrypoint", "tty");

    static final List<Object> PULL_POLICIES = Arrays.asList("never", "always", "ifnotpresent", "Never", "Always",
            "IfNotPresent", null);
    static final List<Object> IMAGE_DRIVERS = Arrays.asList("glance", "docker", null, "None");
    static final List<Object> CPU_POLICIES = List.of("dedicated", "shared");
    static final List<Object> RESTART_NAMES = List.of("no", "always", "on-failure", "unless-stopped");
    static final List<Object> MOUNT_TYPES = List.of("volume", "bind");

    private static final Pattern ANY_KEY = Pattern.compile(".+");
    private static final List<String> RESTART_KEYS = List.of("Name", "MaximumRetryCount");
    private static final List<String> HEALTHCHECK_KEYS = List.of("cmd", "interval", "retries", "timeout");
    private static final List<String> MOUNT_KEYS = List.of("source", "destination", "size", "type");
    private static final List<String> NET_KEYS = List.of("network", "v4-fixed-ip", "v6-fixed-ip", "port");
    private static final String NOT_BOTH = "{'required': ['security_groups', 'exposed_ports']}";

    public CreateContainerRequest {
        Objects.requireNonNull(container, "container");
        nets = List.copyOf(nets);
        mounts = List.copyOf(mounts);
    }

    /** Parses with random uuids and names. */
    public static CreateContainerRequest parse(JsonObject body, ApiVersion v, String projectId, String userId,
                                               Defaults d) {
        return parse(body, v, projectId, userId, d, UUID::randomUUID, RandomGenerator.getDefault());
    }

    /**
     * Validates a create body and builds the container it asks for.
     *
     * @param body      the decoded body; {@code null} stands for a JSON {@code null}
     * @param v         the request's microversion
     * @param projectId the caller's project
     * @param userId    the caller
     * @param d         resource defaults and bounds
     * @param ids       source of the new container's uuid
     * @param random    source of the generated name when none is given
     * @throws ZunException 400 {@code schema-validation-error}, {@code invalid-param-in-version} or
     *                      {@code invalid-value}, with Zun's texts
     */
    public static CreateContainerRequest parse(JsonObject body, ApiVersion v, String projectId, String userId,
                                               Defaults d, Supplier<UUID> ids, RandomGenerator random) {
        Objects.requireNonNull(v, "version");
        Objects.requireNonNull(d, "defaults");
        if (body == null) {
            throw Schema.root(Schema.typeMessage(null, "object"));
        }
        boolean legacy = !v.atLeast(20);
        validate(body, legacy, d);

        Container.Builder c = Container.builder()
                .uuid(ids.get())
                .projectId(projectId)
                .userId(userId)
                .status(Status.CREATING)
                .image(body.getString("image"));

        // Before 1.20 the command is one string that Zun splits the way a shell would.
        if (body.getValue("command") != null) {
            c.command(legacy ? split(body.getString("command")) : strings(body.getJsonArray("command")));
        }

        Object interactiveValue = body.getValue("interactive");
        boolean interactive = interactiveValue != null && ContainerFields.toBool(interactiveValue);
        c.interactive(interactive);

        Object autoRemove = body.getValue("auto_remove");
        if (autoRemove != null) {
            gate("auto_remove", v, 3);
            c.autoRemove((Boolean) autoRemove);
        }

        String runtime = body.getString("runtime");
        if (runtime != null) {
            gate("runtime", v, 5);
            c.runtime(runtime.isEmpty() ? null : runtime);
        }

        String hostname = body.getString("hostname");
        if (hostname != null) {
            gate("hostname", v, 9);
            c.hostname(hostname);
        }

        List<Net> nets = List.of();
        JsonArray netsJson = body.getJsonArray("nets");
        if (netsJson != null && !netsJson.isEmpty()) {
            gate("nets", v, 2);
            nets = nets(netsJson);
        }

        JsonObject healthcheck = body.getJsonObject("healthcheck");
        if (healthcheck != null && !healthcheck.isEmpty()) {
            gate("healthcheck", v, 22);
            c.healthcheck(healthcheck(healthcheck));
        }

        List<Mount> mounts = List.of();
        JsonArray mountsJson = body.getJsonArray("mounts");
        if (mountsJson != null && !mountsJson.isEmpty()) {
            gate("mounts", v, 11);
            mounts = mounts(mountsJson, v);
        }

        if (body.getValue("cpu_policy") != null) {
            c.cpuPolicy(body.getString("cpu_policy"));
        }

        Object privileged = body.getValue("privileged");
        if (privileged != null) {
            gate("privileged", v, 21);
            c.privileged(ContainerFields.toBool(privileged));
        }

        String driver = QueryParams.noneAsNull(body.getString("image_driver"));
        c.imageDriver(driver == null ? "docker" : driver);

        String name = body.getString("name");
        c.name(name == null ? Names.container(random) : name);

        Object cpu = body.getValue("cpu");
        c.cpu(cpu == null ? d.defaultCpu() : ContainerFields.toCpu(cpu));
        Object memory = body.getValue("memory");
        c.memory(memory == null ? d.defaultMemory() : ContainerFields.toInt(memory));
        Object disk = body.getValue("disk");
        c.disk(disk == null ? 0 : ContainerFields.toInt(disk));

        JsonObject restartPolicy = body.getJsonObject("restart_policy");
        if (restartPolicy != null && !restartPolicy.isEmpty()) {
            c.restartPolicy(restartPolicy(restartPolicy));
        }

        JsonObject exposedPorts = body.getJsonObject("exposed_ports");
        if (exposedPorts != null) {
            gate("exposed_ports", v, 24);
            c.exposedPorts(exposedPorts(exposedPorts));
        }

        String registry = body.getString("registry");
        if (registry != null) {
            gate("registry", v, 31);
        }

        String host = body.getString("host");
        boolean hostRequested = host != null;
        if (hostRequested) {
            gate("host", v, 39);
            c.requestedHost(host);
        }

        if (body.getValue("entrypoint") != null) {
            gate("entrypoint", v, 40);
            c.entrypoint(strings(body.getJsonArray("entrypoint")));
        }

        // From 1.20 to 1.35 a terminal comes with stdin; 1.36 made tty a field of its own.
        Object tty = body.getValue("tty");
        if (v.atLeast(20) && v.atMost(35)) {
            c.tty(interactive);
        } else {
            c.tty(tty != null && ContainerFields.toBool(tty));
        }

        String pullPolicy = body.getString("image_pull_policy");
        if (pullPolicy != null) {
            c.imagePullPolicy(pullPolicy.toLowerCase(Locale.ROOT));
        }

        Object autoHeal = body.getValue("auto_heal");
        c.autoHeal(autoHeal != null && ContainerFields.toBool(autoHeal));

        c.workdir(body.getString("workdir"));
        c.environment(strings(body.getJsonObject("environment")));
        c.labels(strings(body.getJsonObject("labels")));
        c.hints(strings(body.getJsonObject("hints")));
        c.availabilityZone(body.getString("availability_zone"));
        JsonArray securityGroups = body.getJsonArray("security_groups");
        if (securityGroups != null) {
            c.securityGroups(List.copyOf(new LinkedHashSet<>(strings(securityGroups))));
        }

        return new CreateContainerRequest(c, registry, nets, mounts, privileged != null, runtime != null,
                hostRequested, pullPolicy != null);
    }

    private static void validate(JsonObject body, boolean legacy, Defaults d) {
        Schema.Site b = Schema.BODY;
        for (String f : PROPERTIES) {
            if (!body.containsKey(f)) {
                continue;
            }
            Object v = body.getValue(f);
            switch (f) {
                case "name" -> ContainerFields.name(b, f, v);
                case "registry" -> {
                    Schema.type(b, f, v, "string");
                    ContainerFields.name(b, f, v);
                }
                case "image" -> {
                    Schema.type(b, f, v, "string");
                    Schema.minLength(b, f, v, 2);
                    Schema.maxLength(b, f, v, 255);
                    Schema.pattern(b, f, v, ContainerFields.IMAGE);
                }
                case "command" -> {
                    if (legacy) {
                        Schema.type(b, f, v, "string", "null");
                    } else {
                        stringArray(f, v);
                    }
                }
                case "entrypoint" -> stringArray(f, v);
                case "cpu" -> ContainerFields.cpu(b, v, d);
                case "memory" -> ContainerFields.memory(b, v, d);
                case "disk" -> ContainerFields.disk(b, v, d);
                case "workdir", "runtime" -> Schema.type(b, f, v, "string", "null");
                case "auto_remove" -> Schema.type(b, f, v, "boolean", "null");
                case "image_pull_policy" -> {
                    Schema.type(b, f, v, "string", "null");
                    Schema.enumOf(b, f, v, PULL_POLICIES);
                }
                case "labels", "hints", "exposed_ports" -> Schema.type(b, f, v, "object", "null");
                case "environment" -> environment(v);
                case "restart_policy" -> restartPolicySchema(v);
                case "interactive", "auto_heal", "privileged", "tty" -> ContainerFields.narrowBool(b, f, v);
                case "image_driver" -> {
                    Schema.type(b, f, v, "string", "null");
                    Schema.enumOf(b, f, v, IMAGE_DRIVERS);
                }
                case "security_groups" -> securityGroupsSchema(v);
                case "mounts" -> mountsSchema(v);
                case "nets" -> netsSchema(v);
                case "hostname", "host" -> {
                    Schema.type(b, f, v, "string");
                    Schema.minLength(b, f, v, 1);
                    Schema.maxLength(b, f, v, 255);
                    Schema.pattern(b, f, v, ContainerFields.HOSTNAME);
                }
                case "availability_zone" -> {
                    Schema.type(b, f, v, "string", "null");
                    Schema.minLength(b, f, v, 1);
                    Schema.maxLength(b, f, v, 255);
                }
                case "healthcheck" -> healthcheckSchema(v);
                case "cpu_policy" -> {
                    Schema.type(b, f, v, "string");
                    Schema.enumOf(b, f, v, CPU_POLICIES);
                }
                default -> throw new IllegalStateException("no schema for " + f);
            }
        }
        if (!body.containsKey("image")) {
            throw Schema.root(Schema.requiredMessage("image"));
        }
        ContainerFields.noAdditional(body, PROPERTIES);
        if (body.containsKey("security_groups") && body.containsKey("exposed_ports")) {
            throw Schema.root(Py.repr(body) + " should not be valid under " + NOT_BOTH);
        }
    }

    /** An array (or null) of strings; Zun only checks for an array, but the runtime needs strings. */
    private static void stringArray(String field, Object v) {
        Schema.type(Schema.BODY, field, v, "array", "null");
        if (v != null) {
            JsonArray a = Schema.array(v);
            for (int i = 0; i < a.size(); i++) {
                Schema.type(Schema.BODY, i, a.getValue(i), "string");
            }
        }
    }

    private static void environment(Object v) {
        Schema.type(Schema.BODY, "environment", v, "object", "null");
        if (v != null) {
            JsonObject env = Schema.object(v);
            for (String k : env.fieldNames()) {
                if (ANY_KEY.matcher(k).find()) {
                    Schema.type(Schema.BODY, k, env.getValue(k), "string");
                }
            }
        }
    }

    private static void restartPolicySchema(Object v) {
        Schema.Site b = Schema.BODY;
        Schema.type(b, "restart_policy", v, "object", "null");
        if (v == null) {
            return;
        }
        JsonObject rp = Schema.object(v);
        if (rp.containsKey("Name")) {
            Object name = rp.getValue("Name");
            Schema.type(b, "Name", name, "string");
            Schema.enumOf(b, "Name", name, RESTART_NAMES);
        }
        if (rp.containsKey("MaximumRetryCount")) {
            Object count = rp.getValue("MaximumRetryCount");
            Schema.type(b, "MaximumRetryCount", count, "integer", "string", "null");
            Schema.minimum(b, "MaximumRetryCount", count, 0);
            Schema.pattern(b, "MaximumRetryCount", count, ContainerFields.DIGITS);
        }
        List<String> extras = Schema.extras(rp, RESTART_KEYS);
        if (!extras.isEmpty()) {
            throw b.fail("restart_policy", rp, Schema.additionalMessage(extras));
        }
        if (!rp.containsKey("Name")) {
            throw b.fail("restart_policy", rp, Schema.requiredMessage("Name"));
        }
    }

    private static void securityGroupsSchema(Object v) {
        Schema.type(Schema.BODY, "security_groups", v, "array", "null");
        if (v != null) {
            JsonArray a = Schema.array(v);
            for (int i = 0; i < a.size(); i++) {
                Object item = a.getValue(i);
                Schema.type(Schema.BODY, i, item, "string");
                Schema.minLength(Schema.BODY, i, item, 1);
                Schema.maxLength(Schema.BODY, i, item, 255);
            }
        }
    }

    private static void mountsSchema(Object v) {
        Schema.Site b = Schema.BODY;
        Schema.type(b, "mounts", v, "array", "null");
        if (v == null) {
            return;
        }
        JsonArray a = Schema.array(v);
        for (int i = 0; i < a.size(); i++) {
            Object item = a.getValue(i);
            Schema.type(b, i, item, "object");
            JsonObject m = Schema.object(item);
            for (String k : List.of("source", "destination")) {
                if (m.containsKey(k)) {
                    Schema.type(b, k, m.getValue(k), "string");
                }
            }
            if (m.containsKey("size")) {
                Schema.type(b, "size", m.getValue("size"), "string", "integer");
            }
            if (m.containsKey("type")) {
                Schema.type(b, "type", m.getValue("type"), "string");
                Schema.enumOf(b, "type", m.getValue("type"), MOUNT_TYPES);
            }
            List<String> extras = Schema.extras(m, MOUNT_KEYS);
            if (!extras.isEmpty()) {
                throw b.fail(i, m, Schema.additionalMessage(extras));
            }
            boolean sourced = m.containsKey("source") && m.containsKey("destination");
            boolean sized = m.containsKey("size") && m.containsKey("destination");
            if (!sourced && !sized) {
                throw b.fail(i, m, Py.repr(m) + " is not valid under any of the given schemas");
            }
        }
    }

    private static void netsSchema(Object v) {
        Schema.Site b = Schema.BODY;
        Schema.type(b, "nets", v, "array", "null");
        if (v == null) {
            return;
        }
        JsonArray a = Schema.array(v);
        for (int i = 0; i < a.size(); i++) {
            Object item = a.getValue(i);
            Schema.type(b, i, item, "object");
            JsonObject n = Schema.object(item);
            if (n.containsKey("network")) {
                Object network = n.getValue("network");
                Schema.type(b, "network", network, "string");
                Schema.minLength(b, "network", network, 1);
                Schema.maxLength(b, "network", network, 255);
            }
            if (n.containsKey("v4-fixed-ip")) {
                Object ip = n.getValue("v4-fixed-ip");
                Schema.type(b, "v4-fixed-ip", ip, "string");
                if (!IpAddresses.isIpv4((String) ip)) {
                    throw b.fail("v4-fixed-ip", ip, Py.repr(ip) + " is not a 'ipv4'");
                }
            }
            if (n.containsKey("v6-fixed-ip")) {
                Object ip = n.getValue("v6-fixed-ip");
                Schema.type(b, "v6-fixed-ip", ip, "string");
                if (!IpAddresses.isIpv6((String) ip)) {
                    throw b.fail("v6-fixed-ip", ip, Py.repr(ip) + " is not a 'ipv6'");
                }
            }
            if (n.containsKey("port")) {
                Object port = n.getValue("port");
                Schema.type(b, "port", port, "string");
                Schema.maxLength(b, "port", port, 255);
                Schema.minLength(b, "port", port, 1);
            }
            List<String> extras = Schema.extras(n, NET_KEYS);
            if (!extras.isEmpty()) {
                throw b.fail(i, n, Schema.additionalMessage(extras));
            }
            boolean network = n.containsKey("network");
            boolean port = n.containsKey("port");
            if (network && port) {
                throw b.fail(i, n, Py.repr(n)
                        + " is valid under each of {'required': ['network']}, {'required': ['port']}");
            }
            if (!network && !port) {
                throw b.fail(i, n, Py.repr(n) + " is not valid under any of the given schemas");
            }
        }
    }

    private static void healthcheckSchema(Object v) {
        Schema.Site b = Schema.BODY;
        Schema.type(b, "healthcheck", v, "object", "null");
        if (v == null) {
            return;
        }
        JsonObject hc = Schema.object(v);
        if (hc.containsKey("cmd")) {
            Schema.type(b, "cmd", hc.getValue("cmd"), "string");
        }
        for (String k : List.of("interval", "retries", "timeout")) {
            if (hc.containsKey(k)) {
                Object n = hc.getValue(k);
                Schema.type(b, k, n, "integer", "string");
                Schema.pattern(b, k, n, ContainerFields.NON_NEGATIVE);
                Schema.minimum(b, k, n, 0);
            }
        }
        List<String> extras = Schema.extras(hc, HEALTHCHECK_KEYS);
        if (!extras.isEmpty()) {
            throw b.fail("healthcheck", hc, Schema.additionalMessage(extras));
        }
    }

    private static void gate(String param, ApiVersion v, int sinceMinor) {
        if (!v.atLeast(sinceMinor)) {
            throw ZunException.invalidParamInVersion(param, v.toString(), ApiVersion.v1(sinceMinor).toString());
        }
    }

    private static List<String> split(String command) {
        try {
            return Shlex.split(command);
        } catch (IllegalArgumentException e) {
            throw ZunException.invalid(e.getMessage());
        }
    }

    private static List<String> strings(JsonArray a) {
        List<String> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            out.add(a.getString(i));
        }
        return out;
    }

    /** Label, hint and environment maps; non-string values (labels and hints allow any) become their JSON text. */
    private static Map<String, String> strings(JsonObject o) {
        if (o == null) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : o.fieldNames()) {
            Object v = o.getValue(k);
            out.put(k, v instanceof String s ? s : Json.encode(v));
        }
        return out;
    }

    private static RestartPolicy restartPolicy(JsonObject rp) {
        String name = rp.getString("Name");
        Object count = rp.getValue("MaximumRetryCount");
        BigInteger retries = count == null ? BigInteger.ZERO
                : count instanceof Number n ? BigInteger.valueOf(n.longValue()) : new BigInteger((String) count);
        if ((name.equals("always") || name.equals("unless-stopped")) && retries.signum() != 0) {
            throw ZunException.invalid("maximum retry count not valid with restart policy of " + name);
        }
        if (name.equals("no")) {
            return RestartPolicy.NO;
        }
        return new RestartPolicy(name, retries.min(BigInteger.valueOf(Integer.MAX_VALUE)).intValue());
    }

    private static Healthcheck healthcheck(JsonObject hc) {
        String cmd = hc.getString("cmd");
        if (cmd == null || cmd.isBlank()) {
            throw Schema.BODY.fail("healthcheck", hc, Schema.requiredMessage("cmd"));
        }
        return new Healthcheck(cmd, seconds(hc.getValue("interval")), seconds(hc.getValue("retries")),
                seconds(hc.getValue("timeout")));
    }

    private static int seconds(Object v) {
        if (v == null || (v instanceof String s && s.isEmpty())) {
            return 0;
        }
        BigInteger n = v instanceof Number num ? BigInteger.valueOf(num.longValue()) : new BigInteger((String) v);
        return n.min(BigInteger.valueOf(Integer.MAX_VALUE)).intValue();
    }

    /** Zun's {@code build_exposed_ports}: {@code <port>[/tcp|udp]}, the protocol defaulting to tcp. */
    private static List<String> exposedPorts(JsonObject ports) {
        Set<String> out = new LinkedHashSet<>();
        for (String key : ports.fieldNames()) {
            String port = key;
            String protocol = "tcp";
            String[] parts = key.split("/", -1);
            if (parts.length == 2) {
                port = parts[0];
                protocol = parts[1];
            }
            if (!protocol.equals("tcp") && !protocol.equals("udp")) {
                throw ZunException.invalid("value " + protocol + " is an invalid protocol");
            }
            BigInteger number = Py.parseInt(port);
            if (number == null || number.signum() <= 0 || number.compareTo(BigInteger.valueOf(65535)) > 0) {
                throw ZunException.invalid("value " + port + " is invalid as publish port.");
            }
            out.add(number + "/" + protocol);
        }
        return List.copyOf(out);
    }

    private static List<Net> nets(JsonArray a) {
        List<Net> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            JsonObject n = a.getJsonObject(i);
            out.add(new Net(n.getString("network"), n.getString("port"), n.getString("v4-fixed-ip"),
                    n.getString("v6-fixed-ip")));
        }
        return out;
    }

    private static List<Mount> mounts(JsonArray a, ApiVersion v) {
        List<Mount> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            JsonObject m = a.getJsonObject(i);
            String type = m.getString("type");
            if (type != null) {
                gate("type", v, 23);
            }
            Object size = m.getValue("size");
            out.add(new Mount(type == null ? "volume" : type, m.getString("source"), m.getString("destination"),
                    size == null ? null : size.toString()));
        }
        return out;
    }
}
