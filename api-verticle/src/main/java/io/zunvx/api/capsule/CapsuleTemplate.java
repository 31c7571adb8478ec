package io.zunvx.api.capsule;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zunvx.api.container.ContainerFields;
import io.zunvx.api.container.Defaults;
import io.zunvx.api.http.Py;
import io.zunvx.api.http.Schema;
import io.zunvx.platform.error.ZunException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A capsule template (reference §6), validated: the schema rules answer 400 with Zun's schema messages, and the
 * semantic rules that real Zun lets through to a 500 (no spec, no containers, no image, bad volumes, a volume no
 * container mounts) answer 400 with a message that says what is wrong. A pure function: no database.
 *
 * @param name             {@code metadata.name}, or {@code null}
 * @param labels           {@code metadata.labels}
 * @param annotations      {@code metadata.annotations}
 * @param availabilityZone requested availability zone, or {@code null}
 * @param restartPolicy    {@code always}, {@code on-failure} or {@code no}
 * @param initContainers   the init containers, in order
 * @param containers       the main containers, in order (at least one)
 * @param volumes          the volumes, each mounted by some container
 */
public record CapsuleTemplate(String name, Map<String, String> labels, Map<String, String> annotations,
                              String availabilityZone, String restartPolicy, List<Spec> initContainers,
                              List<Spec> containers, List<VolumeSpec> volumes) {

    static final List<String> TOP = List.of("kind", "capsuleVersion", "metadata", "availabilityZone",
            "restartPolicy", "spec");
    static final List<String> METADATA = List.of("name", "labels", "annotations");
    static final List<String> CONTAINER = List.of("image", "name", "command", "args", "env", "workDir",
            "imagePullPolicy", "resources", "ports", "volumeMounts", "stdin", "tty");
    static final List<String> PORT = List.of("containerPort", "hostPort", "name", "protocol");
    static final List<String> MOUNT = List.of("name", "mountPath", "readOnly");
    static final List<String> VOLUME = List.of("name", "cinder");
    static final List<String> CINDER = List.of("volumeID", "size", "autoRemove");
    static final List<Object> KINDS = List.of("capsule", "Capsule");
    static final List<Object> VERSIONS = List.of("beta", "Beta");
    static final List<Object> RESTART = List.of("Always", "OnFailure", "Never");
    static final List<Object> PULL = List.of("never", "always", "ifnotpresent", "Never", "Always", "IfNotPresent");
    static final List<Object> PROTOCOLS = List.of("TCP", "UDP");
    private static final Pattern UUID36 = Pattern.compile(
            "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
    /** Largest size of a capsule volume, in GiB (as for a container's sized mount). */
    static final int MAX_VOLUME_SIZE = 16 * 1024;

    /**
     * One container of the template, mapped to Zun's container fields.
     *
     * @param image           image reference
     * @param command         {@code command} then {@code args}, or {@code null} for the image's
     * @param environment     {@code env}
     * @param workdir         {@code workDir}, or {@code null}
     * @param imagePullPolicy lower-cased, {@code null} when not given
     * @param cpu             {@code resources.requests.cpu}, or the default
     * @param memory          {@code resources.requests.memory} (MiB), or the default
     * @param exposedPorts    {@code ports} as {@code "<port>/<tcp|udp>"}
     * @param mounts          {@code volumeMounts}
     * @param interactive     {@code stdin}, true unless given as false (Zun opens every capsule container's stdin)
     * @param tty             {@code tty}
     */
    public record Spec(String image, List<String> command, Map<String, String> environment, String workdir,
                       String imagePullPolicy, double cpu, int memory, List<String> exposedPorts,
                       List<MountSpec> mounts, boolean interactive, boolean tty) {
    }

    /** A {@code volumeMounts} entry. */
    public record MountSpec(String name, String mountPath, boolean readOnly) {
    }

    /**
     * A {@code volumes} entry: an existing volume ({@code volumeId}) or a new one of {@code size} GiB.
     *
     * @param autoRemove whether the capsule's delete removes the volume
     */
    public record VolumeSpec(String name, String volumeId, Integer size, boolean autoRemove) {
    }

    /** The capsule's cpu: the containers' sum, or the largest init container's when larger (reference §6). */
    public double cpu() {
        double sum = containers.stream().mapToDouble(Spec::cpu).sum();
        double init = initContainers.stream().mapToDouble(Spec::cpu).max().orElse(0);
        return Math.max(sum, init);
    }

    /** The capsule's memory in MiB, reckoned as {@link #cpu()}. */
    public int memory() {
        int sum = containers.stream().mapToInt(Spec::memory).sum();
        int init = initContainers.stream().mapToInt(Spec::memory).max().orElse(0);
        return Math.max(sum, init);
    }

    /** Every port the capsule's containers expose, once each, in template order. */
    public List<String> exposedPorts() {
        Set<String> all = new LinkedHashSet<>();
        initContainers.forEach(s -> all.addAll(s.exposedPorts()));
        containers.forEach(s -> all.addAll(s.exposedPorts()));
        return List.copyOf(all);
    }

    /**
     * Parses the {@code template} of a create body: an object, or a string holding one as JSON.
     *
     * @throws ZunException 400 for anything the rules refuse
     */
    public static CapsuleTemplate parse(Object template, Defaults d) {
        JsonObject t;
        if (template instanceof String s) {
            try {
                Object v = Json.decodeValue(s);
                if (!(v instanceof JsonObject o)) {
                    throw ZunException.invalid("The capsule template must be a JSON object.");
                }
                t = o;
            } catch (DecodeException e) {
                throw ZunException.invalid("The capsule template is not valid JSON: " + e.getMessage());
            }
        } else if (Schema.isType(template, "object")) {
            t = Schema.object(template);
        } else if (template == null) {
            throw Schema.root(Schema.requiredMessage("template"));
        } else {
            throw Schema.BODY.fail("template", template, Schema.typeMessage(template, "object", "string"));
        }
        return parseObject(t, d);
    }

    private static CapsuleTemplate parseObject(JsonObject t, Defaults d) {
        Schema.Site b = Schema.BODY;
        ContainerFields.noAdditional(t, TOP);
        for (String required : List.of("kind", "metadata", "spec")) {
            if (!t.containsKey(required)) {
                throw Schema.root(Schema.requiredMessage(required));
            }
        }
        Schema.enumOf(b, "kind", t.getValue("kind"), KINDS);
        if (t.containsKey("capsuleVersion")) {
            Schema.enumOf(b, "capsuleVersion", t.getValue("capsuleVersion"), VERSIONS);
        }
        Object az = t.getValue("availabilityZone");
        if (t.containsKey("availabilityZone")) {
            Schema.type(b, "availabilityZone", az, "string");
            Schema.minLength(b, "availabilityZone", az, 1);
            Schema.maxLength(b, "availabilityZone", az, 255);
        }
        Object meta = t.getValue("metadata");
        Schema.type(b, "metadata", meta, "object");
        JsonObject m = Schema.object(meta);
        ContainerFields.noAdditional(m, METADATA);
        String name = null;
        if (m.containsKey("name")) {
            ContainerFields.name(b, "name", m.getValue("name"));
            name = m.getValue("name") == null ? null : (String) m.getValue("name");
        }
        Map<String, String> labels = stringMap("labels", m.getValue("labels"));
        Map<String, String> annotations = stringMap("annotations", m.getValue("annotations"));

        Object specValue = t.getValue("spec");
        if (specValue == null) {
            throw ZunException.invalid("No Spec found: the capsule template needs a spec.");
        }
        Schema.type(b, "spec", specValue, "object");
        JsonObject spec = Schema.object(specValue);
        Object policyValue = spec.containsKey("restartPolicy") ? spec.getValue("restartPolicy")
                : t.getValue("restartPolicy");
        String restart = "always";
        if (policyValue != null) {
            Schema.enumOf(b, "restartPolicy", policyValue, RESTART);
            restart = switch ((String) policyValue) {
                case "OnFailure" -> "on-failure";
                case "Never" -> "no";
                default -> "always";
            };
        }
        Object cs = spec.getValue("containers");
        if (cs == null || Schema.isType(cs, "array") && Schema.array(cs).isEmpty()) {
            throw ZunException.invalid("Capsule need to have one container at least.");
        }
        Schema.type(b, "containers", cs, "array");
        List<Spec> containers = specs(Schema.array(cs), d);
        List<Spec> init = List.of();
        if (spec.getValue("initContainers") != null) {
            Schema.type(b, "initContainers", spec.getValue("initContainers"), "array");
            init = specs(Schema.array(spec.getValue("initContainers")), d);
        }
        List<VolumeSpec> volumes = volumes(spec.getValue("volumes"));
        Set<String> mounted = new HashSet<>();
        Set<String> declared = new HashSet<>();
        volumes.forEach(v -> declared.add(v.name()));
        for (Spec s : concat(init, containers)) {
            Set<String> paths = new HashSet<>();
            for (MountSpec ms : s.mounts()) {
                if (!declared.contains(ms.name())) {
                    throw ZunException.invalid("volume mount parameters is invalid: no volume named " + ms.name()
                            + " in spec.volumes.");
                }
                if (!paths.add(ms.mountPath())) {
                    throw ZunException.invalid("volume mount parameters is invalid: " + ms.mountPath()
                            + " is mounted twice in one container.");
                }
                mounted.add(ms.name());
            }
        }
        for (VolumeSpec v : volumes) {
            if (!mounted.contains(v.name())) {
                throw ZunException.invalid("volume mount parameters is invalid: volume " + v.name()
                        + " is not mounted by any container.");
            }
        }
        return new CapsuleTemplate(name, labels, annotations, (String) az, restart, init, containers, volumes);
    }

    private static List<Spec> concat(List<Spec> a, List<Spec> b) {
        List<Spec> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static List<Spec> specs(JsonArray a, Defaults d) {
        List<Spec> out = new ArrayList<>();
        for (Object o : a) {
            out.add(spec(o, d));
        }
        return out;
    }

    private static Spec spec(Object o, Defaults d) {
        Schema.Site b = Schema.BODY;
        Schema.type(b, "containers", o, "object");
        JsonObject c = Schema.object(o);
        ContainerFields.noAdditional(c, CONTAINER);
        Object image = c.getValue("image");
        if (image == null) {
            throw ZunException.invalid("Container image is needed.");
        }
        Schema.type(b, "image", image, "string");
        Schema.minLength(b, "image", image, 2);
        Schema.maxLength(b, "image", image, 255);
        Schema.pattern(b, "image", image, ContainerFields.IMAGE);
        if (c.containsKey("name")) {
            ContainerFields.name(b, "name", c.getValue("name"));
        }
        List<String> command = strings("command", c.getValue("command"));
        List<String> args = strings("args", c.getValue("args"));
        if (args != null) {
            List<String> all = new ArrayList<>(command == null ? List.of() : command);
            all.addAll(args);
            command = all;
        }
        Map<String, String> env = stringMap("env", c.getValue("env"));
        Object workDir = c.getValue("workDir");
        Schema.type(b, "workDir", workDir, "string", "null");
        Object pull = c.getValue("imagePullPolicy");
        if (pull != null) {
            Schema.enumOf(b, "imagePullPolicy", pull, PULL);
        }
        double cpu = d.defaultCpu();
        int memory = d.defaultMemory();
        Object res = c.getValue("resources");
        if (res != null) {
            Schema.type(b, "resources", res, "object");
            JsonObject r = Schema.object(res);
            ContainerFields.noAdditional(r, List.of("requests", "limits"));
            if (r.containsKey("limits")) {
                throw ZunException.invalid("resources.limits is not supported; give resources.requests.");
            }
            Object req = r.getValue("requests");
            if (req != null) {
                Schema.type(b, "requests", req, "object");
                JsonObject q = Schema.object(req);
                ContainerFields.noAdditional(q, List.of("cpu", "memory"));
                if (q.getValue("cpu") != null) {
                    ContainerFields.cpu(b, q.getValue("cpu"), d);
                    cpu = ContainerFields.toCpu(q.getValue("cpu"));
                }
                if (q.getValue("memory") != null) {
                    ContainerFields.memory(b, q.getValue("memory"), d);
                    memory = ContainerFields.toInt(q.getValue("memory"));
                }
            }
        }
        List<String> ports = new ArrayList<>();
        Object ps = c.getValue("ports");
        if (ps != null) {
            Schema.type(b, "ports", ps, "array");
            for (Object p : Schema.array(ps)) {
                Schema.type(b, "ports", p, "object");
                JsonObject port = Schema.object(p);
                ContainerFields.noAdditional(port, PORT);
                if (!port.containsKey("containerPort")) {
                    throw Schema.root(Schema.requiredMessage("containerPort"));
                }
                Object cp = port.getValue("containerPort");
                Schema.type(b, "containerPort", cp, "integer", "string");
                Schema.pattern(b, "containerPort", String.valueOf(cp), ContainerFields.DIGITS);
                int number = Integer.parseInt(String.valueOf(cp).length() > 6 ? "0" : String.valueOf(cp));
                if (number < 1 || number > 65535) {
                    throw Schema.BODY.fail("containerPort", cp, Py.repr(cp) + " is not a port number (1-65535)");
                }
                if (port.getValue("hostPort") != null) {
                    Object hp = port.getValue("hostPort");
                    Schema.type(b, "hostPort", hp, "integer", "string");
                    if (!String.valueOf(hp).equals(String.valueOf(number))) {
                        throw ZunException.invalid("hostPort " + hp + " differs from containerPort " + number
                                + ": ports are published on the host at the container's number.");
                    }
                }
                if (port.containsKey("name")) {
                    Schema.type(b, "name", port.getValue("name"), "string");
                }
                String proto = "tcp";
                if (port.getValue("protocol") != null) {
                    Schema.enumOf(b, "protocol", port.getValue("protocol"), PROTOCOLS);
                    proto = ((String) port.getValue("protocol")).toLowerCase(Locale.ROOT);
                }
                ports.add(number + "/" + proto);
            }
        }
        List<MountSpec> mounts = new ArrayList<>();
        Object vms = c.getValue("volumeMounts");
        if (vms != null) {
            Schema.type(b, "volumeMounts", vms, "array");
            for (Object x : Schema.array(vms)) {
                Schema.type(b, "volumeMounts", x, "object");
                JsonObject vm = Schema.object(x);
                ContainerFields.noAdditional(vm, MOUNT);
                for (String required : List.of("name", "mountPath")) {
                    if (!vm.containsKey(required)) {
                        throw Schema.root(Schema.requiredMessage(required));
                    }
                }
                Schema.type(b, "name", vm.getValue("name"), "string");
                Object path = vm.getValue("mountPath");
                Schema.type(b, "mountPath", path, "string");
                String p = (String) path;
                if (!p.startsWith("/") || p.replaceAll("/+", "/").equals("/") || p.contains(",")
                        || List.of(p.split("/")).contains("..")) {
                    throw ZunException.invalid("volume mount parameters is invalid: mountPath " + p
                            + " must be an absolute path other than /.");
                }
                boolean ro = false;
                if (vm.containsKey("readOnly")) {
                    ContainerFields.narrowBool(b, "readOnly", vm.getValue("readOnly"));
                    ro = ContainerFields.toBool(vm.getValue("readOnly"));
                }
                mounts.add(new MountSpec((String) vm.getValue("name"), p, ro));
            }
        }
        // Zun runs every capsule container with stdin open (interactive), so a shell as the command keeps running;
        // an explicit stdin: false is honoured.
        boolean stdin = true;
        boolean tty = false;
        if (c.containsKey("stdin")) {
            ContainerFields.narrowBool(b, "stdin", c.getValue("stdin"));
            stdin = ContainerFields.toBool(c.getValue("stdin"));
        }
        if (c.containsKey("tty")) {
            ContainerFields.narrowBool(b, "tty", c.getValue("tty"));
            tty = ContainerFields.toBool(c.getValue("tty"));
        }
        return new Spec((String) image, command, env, (String) workDir,
                pull == null ? null : ((String) pull).toLowerCase(Locale.ROOT), cpu, memory, ports, mounts, stdin,
                tty);
    }

    private static List<VolumeSpec> volumes(Object v) {
        Schema.Site b = Schema.BODY;
        if (v == null) {
            return List.of();
        }
        Schema.type(b, "volumes", v, "array");
        List<VolumeSpec> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Object x : Schema.array(v)) {
            Schema.type(b, "volumes", x, "object");
            JsonObject vol = Schema.object(x);
            ContainerFields.noAdditional(vol, VOLUME);
            for (String required : List.of("name", "cinder")) {
                if (!vol.containsKey(required)) {
                    throw Schema.root(Schema.requiredMessage(required));
                }
            }
            Object name = vol.getValue("name");
            Schema.type(b, "name", name, "string");
            Schema.minLength(b, "name", name, 2);
            Schema.maxLength(b, "name", name, 255);
            Schema.pattern(b, "name", name, ContainerFields.NAME);
            if (!names.add((String) name)) {
                throw ZunException.invalid("volume mount parameters is invalid: volume " + name
                        + " is declared twice.");
            }
            Object cinderValue = vol.getValue("cinder");
            Schema.type(b, "cinder", cinderValue, "object");
            JsonObject cinder = Schema.object(cinderValue);
            ContainerFields.noAdditional(cinder, CINDER);
            Object id = cinder.getValue("volumeID");
            Object size = cinder.getValue("size");
            if ((id == null) == (size == null)) {
                throw ZunException.invalid("Volume " + name + ": give exactly one of cinder.volumeID and "
                        + "cinder.size.");
            }
            Integer gib = null;
            if (id != null) {
                Schema.type(b, "volumeID", id, "string");
                if (!UUID36.matcher((String) id).matches()) {
                    throw ZunException.invalid("Volume " + name + ": volumeID " + id + " is not a volume uuid.");
                }
            } else {
                Schema.type(b, "size", size, "integer", "number", "string");
                Number n = Schema.numberFrom(size);
                if (n == null || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < 1
                        || n.doubleValue() > MAX_VOLUME_SIZE) {
                    throw ZunException.invalid("Volume " + name + ": size " + Py.str(size)
                            + " must be a whole number of GiB from 1 to " + MAX_VOLUME_SIZE + ".");
                }
                gib = n.intValue();
            }
            boolean autoRemove = false;
            if (cinder.containsKey("autoRemove")) {
                ContainerFields.narrowBool(b, "autoRemove", cinder.getValue("autoRemove"));
                autoRemove = ContainerFields.toBool(cinder.getValue("autoRemove"));
            }
            out.add(new VolumeSpec((String) name, (String) id, gib, autoRemove));
        }
        return out;
    }

    private static List<String> strings(String field, Object v) {
        if (v == null) {
            return null;
        }
        Schema.type(Schema.BODY, field, v, "array");
        List<String> out = new ArrayList<>();
        for (Object x : Schema.array(v)) {
            Schema.type(Schema.BODY, field, x, "string");
            out.add((String) x);
        }
        return out;
    }

    private static Map<String, String> stringMap(String field, Object v) {
        if (v == null) {
            return Map.of();
        }
        Schema.type(Schema.BODY, field, v, "object");
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : Schema.object(v)) {
            Object x = e.getValue();
            Schema.type(Schema.BODY, field, x, "string", "number", "boolean");
            out.put(e.getKey(), String.valueOf(x));
        }
        return out;
    }
}
