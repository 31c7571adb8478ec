package io.zunvx.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A container as Zun-VX stores it: the desired spec the user asked for, the placement, and the observed state.
 *
 * <p>Immutable; change it with {@link #toBuilder()}. Collections are copied and never {@code null} except where Zun's
 * wire format distinguishes {@code null} from empty ({@link #command}, {@link #entrypoint}).
 *
 * @param uuid             public id
 * @param name             user-visible name, not necessarily unique
 * @param projectId        owning project
 * @param userId           creating user
 * @param image            image reference as given
 * @param imageDriver      {@code docker} or {@code glance}
 * @param imagePullPolicy  {@code always}, {@code ifnotpresent}, {@code never} or {@code null} (driver default)
 * @param command          command override, {@code null} for the image's
 * @param entrypoint       entrypoint override, {@code null} for the image's
 * @param status           observed status
 * @param statusReason     why the container is in {@link Status#ERROR}, or other detail from the runtime
 * @param statusDetail     Docker-like text such as {@code Up 5 minutes}
 * @param taskState        operation in progress, {@code null} when idle
 * @param cpu              vCPUs requested
 * @param cpuPolicy        {@code shared} or {@code dedicated}
 * @param memory           MiB requested, {@code null} for no limit
 * @param disk             GB requested (0 when not set)
 * @param environment      environment variables
 * @param labels           user labels
 * @param workdir          working directory, {@code null} for the image's
 * @param hostname         container hostname, {@code null} for Docker's default
 * @param exposedPorts     exposed ports as {@code "<port>/<proto>"}
 * @param addresses        addresses by network id
 * @param securityGroups   security group ids
 * @param restartPolicy    restart policy, {@code null} for none given
 * @param interactive      stdin kept open
 * @param tty              terminal allocated
 * @param autoRemove       removed when it exits
 * @param autoHeal         restarted by the sync loop when it dies unexpectedly
 * @param privileged       privileged mode
 * @param runtime          OCI runtime name, {@code null} for the host's default
 * @param host             compute host it is placed on, {@code null} before placement
 * @param healthcheck      healthcheck, {@code null} for none
 * @param registryId       private registry to pull from
 * @param hints            scheduler hints
 * @param availabilityZone requested availability zone
 * @param requestedHost    host requested by an admin at create time
 * @param run              whether create should also start it
 * @param containerId      Docker's id once created
 * @param claimed          whether the host's resources are currently claimed for it
 * @param cpuset           the host CPUs it is pinned to ({@code cpu_policy} dedicated), e.g. {@code 0,1}
 * @param createdAt        creation time
 * @param updatedAt        last change
 * @param version          optimistic-lock version
 * @param eventSequence    sequence number of the last state event published for it
 * @param capsuleId        the capsule it belongs to, {@code null} for a container of its own
 * @param capsuleRole      its part in that capsule ({@link #ROLE_SANDBOX}, {@link #ROLE_INIT} or
 *                         {@link #ROLE_CONTAINER}), {@code null} for a container of its own
 */
public record Container(
        UUID uuid,
        String name,
        String projectId,
        String userId,
        String image,
        String imageDriver,
        String imagePullPolicy,
        List<String> command,
        List<String> entrypoint,
        Status status,
        String statusReason,
        String statusDetail,
        TaskState taskState,
        double cpu,
        String cpuPolicy,
        Integer memory,
        int disk,
        Map<String, String> environment,
        Map<String, String> labels,
        String workdir,
        String hostname,
        List<String> exposedPorts,
        Map<String, List<Address>> addresses,
        List<String> securityGroups,
        RestartPolicy restartPolicy,
        boolean interactive,
        boolean tty,
        boolean autoRemove,
        boolean autoHeal,
        boolean privileged,
        String runtime,
        String host,
        Healthcheck healthcheck,
        UUID registryId,
        Map<String, String> hints,
        String availabilityZone,
        String requestedHost,
        boolean run,
        String containerId,
        boolean claimed,
        String cpuset,
        Instant createdAt,
        Instant updatedAt,
        long version,
        long eventSequence,
        UUID capsuleId,
        String capsuleRole) {

    /** Docker label holding the Zun-VX uuid on every container this platform creates. */
    public static final String LABEL_UUID = "zunvx.uuid";
    /** Docker label holding the compute host name that created the container. */
    public static final String LABEL_HOST = "zunvx.host";
    /** Capsule role of the sandbox (infra) container, which holds the capsule's network and IPC namespaces. */
    public static final String ROLE_SANDBOX = "sandbox";
    /** Capsule role of an init container: runs to completion, in order, before the containers start. */
    public static final String ROLE_INIT = "init";
    /** Capsule role of one of the capsule's main containers. */
    public static final String ROLE_CONTAINER = "container";

    public Container {
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(status, "status");
        if (cpu < 0) {
            throw new IllegalArgumentException("cpu must not be negative");
        }
        if (memory != null && memory < 0) {
            throw new IllegalArgumentException("memory must not be negative");
        }
        command = command == null ? null : List.copyOf(command);
        entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
        environment = environment == null ? Map.of() : Map.copyOf(environment);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        exposedPorts = exposedPorts == null ? List.of() : List.copyOf(exposedPorts);
        addresses = addresses == null ? Map.of() : Map.copyOf(addresses);
        securityGroups = securityGroups == null ? List.of() : List.copyOf(securityGroups);
        hints = hints == null ? Map.of() : Map.copyOf(hints);
        if ((capsuleId == null) != (capsuleRole == null)) {
            throw new IllegalArgumentException("capsuleId and capsuleRole go together");
        }
    }

    /** Whether it belongs to a capsule (the sandbox included). */
    public boolean inCapsule() {
        return capsuleId != null;
    }

    /** Whether it is a capsule's sandbox container. */
    public boolean isSandbox() {
        return ROLE_SANDBOX.equals(capsuleRole);
    }

    /** Docker's name for this container: {@code zun-<uuid>}, unique per engine, so a create is never done twice. */
    public String dockerName() {
        return "zun-" + uuid;
    }

    /** The memory limit in bytes for Docker, or 0 for none. */
    public long memoryBytes() {
        return memory == null ? 0L : memory * 1024L * 1024L;
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Mutable builder; {@link #build()} checks the record's invariants. */
    public static final class Builder {
        private UUID uuid;
        private String name;
        private String projectId;
        private String userId;
        private String image;
        private String imageDriver = "docker";
        private String imagePullPolicy;
        private List<String> command;
        private List<String> entrypoint;
        private Status status = Status.CREATING;
        private String statusReason;
        private String statusDetail;
        private TaskState taskState;
        private double cpu = 1.0;
        private String cpuPolicy = "shared";
        private Integer memory;
        private int disk;
        private Map<String, String> environment;
        private Map<String, String> labels;
        private String workdir;
        private String hostname;
        private List<String> exposedPorts;
        private Map<String, List<Address>> addresses;
        private List<String> securityGroups;
        private RestartPolicy restartPolicy;
        private boolean interactive;
        private boolean tty;
        private boolean autoRemove;
        private boolean autoHeal;
        private boolean privileged;
        private String runtime;
        private String host;
        private Healthcheck healthcheck;
        private UUID registryId;
        private Map<String, String> hints;
        private String availabilityZone;
        private String requestedHost;
        private boolean run;
        private String containerId;
        private boolean claimed;
        private String cpuset;
        private Instant createdAt;
        private Instant updatedAt;
        private long version;
        private long eventSequence;
        private UUID capsuleId;
        private String capsuleRole;

        private Builder() {
        }

        private Builder(Container c) {
            uuid = c.uuid; name = c.name; projectId = c.projectId; userId = c.userId; image = c.image;
            imageDriver = c.imageDriver; imagePullPolicy = c.imagePullPolicy; command = c.command;
            entrypoint = c.entrypoint; status = c.status; statusReason = c.statusReason;
            statusDetail = c.statusDetail; taskState = c.taskState; cpu = c.cpu; cpuPolicy = c.cpuPolicy;
            memory = c.memory; disk = c.disk; environment = c.environment; labels = c.labels; workdir = c.workdir;
            hostname = c.hostname; exposedPorts = c.exposedPorts; addresses = c.addresses;
            securityGroups = c.securityGroups; restartPolicy = c.restartPolicy; interactive = c.interactive;
            tty = c.tty; autoRemove = c.autoRemove; autoHeal = c.autoHeal; privileged = c.privileged;
            runtime = c.runtime; host = c.host; healthcheck = c.healthcheck; registryId = c.registryId;
            hints = c.hints; availabilityZone = c.availabilityZone; requestedHost = c.requestedHost; run = c.run;
            containerId = c.containerId; claimed = c.claimed; cpuset = c.cpuset; createdAt = c.createdAt; updatedAt = c.updatedAt;
            version = c.version; eventSequence = c.eventSequence; capsuleId = c.capsuleId;
            capsuleRole = c.capsuleRole;
        }

        public Builder uuid(UUID v) { uuid = v; return this; }
        public Builder name(String v) { name = v; return this; }
        public Builder projectId(String v) { projectId = v; return this; }
        public Builder userId(String v) { userId = v; return this; }
        public Builder image(String v) { image = v; return this; }
        public Builder imageDriver(String v) { imageDriver = v; return this; }
        public Builder imagePullPolicy(String v) { imagePullPolicy = v; return this; }
        public Builder command(List<String> v) { command = v; return this; }
        public Builder entrypoint(List<String> v) { entrypoint = v; return this; }
        public Builder status(Status v) { status = v; return this; }
        public Builder statusReason(String v) { statusReason = v; return this; }
        public Builder statusDetail(String v) { statusDetail = v; return this; }
        public Builder taskState(TaskState v) { taskState = v; return this; }
        public Builder cpu(double v) { cpu = v; return this; }
        public Builder cpuPolicy(String v) { cpuPolicy = v; return this; }
        public Builder memory(Integer v) { memory = v; return this; }
        public Builder disk(int v) { disk = v; return this; }
        public Builder environment(Map<String, String> v) { environment = v; return this; }
        public Builder labels(Map<String, String> v) { labels = v; return this; }
        public Builder workdir(String v) { workdir = v; return this; }
        public Builder hostname(String v) { hostname = v; return this; }
        public Builder exposedPorts(List<String> v) { exposedPorts = v; return this; }
        public Builder addresses(Map<String, List<Address>> v) { addresses = v; return this; }
        public Builder securityGroups(List<String> v) { securityGroups = v; return this; }
        public Builder restartPolicy(RestartPolicy v) { restartPolicy = v; return this; }
        public Builder interactive(boolean v) { interactive = v; return this; }
        public Builder tty(boolean v) { tty = v; return this; }
        public Builder autoRemove(boolean v) { autoRemove = v; return this; }
        public Builder autoHeal(boolean v) { autoHeal = v; return this; }
        public Builder privileged(boolean v) { privileged = v; return this; }
        public Builder runtime(String v) { runtime = v; return this; }
        public Builder host(String v) { host = v; return this; }
        public Builder healthcheck(Healthcheck v) { healthcheck = v; return this; }
        public Builder registryId(UUID v) { registryId = v; return this; }
        public Builder hints(Map<String, String> v) { hints = v; return this; }
        public Builder availabilityZone(String v) { availabilityZone = v; return this; }
        public Builder requestedHost(String v) { requestedHost = v; return this; }
        public Builder run(boolean v) { run = v; return this; }
        public Builder containerId(String v) { containerId = v; return this; }
        public Builder claimed(boolean v) { claimed = v; return this; }
        public Builder cpuset(String v) { cpuset = v; return this; }
        public Builder createdAt(Instant v) { createdAt = v; return this; }
        public Builder updatedAt(Instant v) { updatedAt = v; return this; }
        public Builder version(long v) { version = v; return this; }
        public Builder eventSequence(long v) { eventSequence = v; return this; }
        public Builder capsule(UUID id, String role) { capsuleId = id; capsuleRole = role; return this; }

        public Container build() {
            return new Container(uuid, name, projectId, userId, image, imageDriver, imagePullPolicy, command,
                    entrypoint, status, statusReason, statusDetail, taskState, cpu, cpuPolicy, memory, disk,
                    environment, labels, workdir, hostname, exposedPorts, addresses, securityGroups, restartPolicy,
                    interactive, tty, autoRemove, autoHeal, privileged, runtime, host, healthcheck, registryId, hints,
                    availabilityZone, requestedHost, run, containerId, claimed, cpuset, createdAt, updatedAt, version,
                    eventSequence, capsuleId, capsuleRole);
        }
    }
}
