package io.zunvx.platform.config;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * All of Zun-VX's settings, read from {@code ZUNVX_*} environment variables (see the README's table). One record per
 * area; defaults stand beside the reads in {@link #from(Env)}. Secrets are redacted by {@link #toString()}.
 */
public record ZunvxConfig(
        Path dataDir,
        Database database,
        Kafka kafka,
        Api api,
        Compute compute,
        Scheduler scheduler,
        Proxy proxy,
        Identity identity,
        Quota quota,
        int opsPort,
        Images images) {

    /** The same settings with the image defaults under {@code dataDir}. */
    public ZunvxConfig(Path dataDir, Database database, Kafka kafka, Api api, Compute compute, Scheduler scheduler,
                       Proxy proxy, Identity identity, Quota quota, int opsPort) {
        this(dataDir, database, kafka, api, compute, scheduler, proxy, identity, quota, opsPort,
                Images.defaults(dataDir));
    }

    /** The same settings with another compute section (one more agent in this process, for another engine). */
    public ZunvxConfig withCompute(Compute other) {
        return new ZunvxConfig(dataDir, database, kafka, api, other, scheduler, proxy, identity, quota, opsPort, images);
    }

    /**
     * Images, registries and the image store.
     *
     * @param storeBackend   where store images' data lives: {@code file} (under {@code storeDir}) or {@code postgres}
     *                       (large objects in the platform database, for clusters)
     * @param storeDir       directory of the {@code file} backend
     * @param maxUploadBytes largest image data accepted by the store, in bytes
     * @param registryKey    base64 of the 32-byte key that encrypts registry passwords; {@code null} = a key file
     *                       {@code <dataDir>/registry.key} made on first use (all-in-one)
     * @param searchRegistry registry ({@code host[:port]}) searched by the docker image driver; {@code ""} = none
     */
    public record Images(String storeBackend, Path storeDir, long maxUploadBytes, String registryKey,
                         String searchRegistry, Duration uploadIdleTimeout, long projectQuotaBytes) {
        public static final String FILE = "file";
        public static final String POSTGRES = "postgres";
        public static final long DEFAULT_MAX_UPLOAD_BYTES = 8L << 30;
        /** How long an upload may send nothing before it is refused (408). */
        public static final Duration DEFAULT_UPLOAD_IDLE_TIMEOUT = Duration.ofSeconds(60);
        /** The image store data one project may hold, in bytes. */
        public static final long DEFAULT_PROJECT_QUOTA_BYTES = 32L << 30;

        /** With the default upload idle timeout and project quota. */
        public Images(String storeBackend, Path storeDir, long maxUploadBytes, String registryKey,
                      String searchRegistry) {
            this(storeBackend, storeDir, maxUploadBytes, registryKey, searchRegistry, DEFAULT_UPLOAD_IDLE_TIMEOUT,
                    DEFAULT_PROJECT_QUOTA_BYTES);
        }

        public Images {
            if (!FILE.equals(storeBackend) && !POSTGRES.equals(storeBackend)) {
                throw new ConfigException("ZUNVX_IMAGE_STORE_BACKEND must be file or postgres, not '" + storeBackend
                        + "'");
            }
            Objects.requireNonNull(storeDir, "storeDir");
            if (maxUploadBytes <= 0) {
                throw new ConfigException("ZUNVX_IMAGE_STORE_MAX_BYTES must be positive, not " + maxUploadBytes);
            }
            aesKey("ZUNVX_REGISTRY_KEY", registryKey);
            searchRegistry = searchRegistry == null ? "" : searchRegistry.strip();
            Objects.requireNonNull(uploadIdleTimeout, "uploadIdleTimeout");
            if (projectQuotaBytes <= 0) {
                throw new ConfigException("ZUNVX_IMAGE_STORE_PROJECT_QUOTA_BYTES must be positive, not "
                        + projectQuotaBytes);
            }
        }

        /** The defaults: file store under {@code <dataDir>/images}, 8 GiB uploads, key file, no search registry. */
        public static Images defaults(Path dataDir) {
            return new Images(FILE, dataDir.resolve("images"), DEFAULT_MAX_UPLOAD_BYTES, null, "");
        }

        static Images from(Env env, Path dataDir) {
            long maxBytes = bytes(env, "ZUNVX_IMAGE_STORE_MAX_BYTES", DEFAULT_MAX_UPLOAD_BYTES);
            long quotaBytes = bytes(env, "ZUNVX_IMAGE_STORE_PROJECT_QUOTA_BYTES", DEFAULT_PROJECT_QUOTA_BYTES);
            return new Images(env.string("ZUNVX_IMAGE_STORE_BACKEND", FILE),
                    Path.of(env.string("ZUNVX_IMAGE_STORE_DIR", dataDir.resolve("images").toString()))
                            .toAbsolutePath(),
                    maxBytes, env.string("ZUNVX_REGISTRY_KEY", null),
                    env.string("ZUNVX_IMAGE_SEARCH_REGISTRY", ""),
                    env.duration("ZUNVX_IMAGE_STORE_UPLOAD_IDLE_TIMEOUT", DEFAULT_UPLOAD_IDLE_TIMEOUT), quotaBytes);
        }

        @Override
        public String toString() {
            return "Images[storeBackend=" + storeBackend + ", storeDir=" + storeDir + ", maxUploadBytes="
                    + maxUploadBytes + ", registryKey=" + (registryKey == null ? "(key file)" : "***")
                    + ", searchRegistry=" + searchRegistry + ", uploadIdleTimeout=" + uploadIdleTimeout
                    + ", projectQuotaBytes=" + projectQuotaBytes + "]";
        }
    }

    /**
     * Default quotas per project (−1 = unlimited), overridden by the {@code default} quota class and per project.
     *
     * @param containers containers
     * @param cpu        vCPUs
     * @param memory     MiB
     * @param disk       GB
     */
    public record Quota(long containers, long cpu, long memory, long disk) {
    }

    /**
     * @param url      {@code postgresql://user:password@host:port/db}; {@code null} means embedded (all-in-one only)
     * @param poolSize connections per pool
     */
    public record Database(String url, int poolSize) {
        @Override
        public String toString() {
            return "Database[url=" + (url == null ? "embedded" : url.replaceAll(":[^:@/]*@", ":***@")
                    .replaceAll("(?i)([?&]password=)[^&]*", "$1***"))
                    + ", poolSize=" + poolSize + "]";
        }
    }

    /**
     * @param bootstrapServers {@code null} means embedded (all-in-one only)
     * @param partitions       partitions for topics this platform creates
     */
    public record Kafka(String bootstrapServers, int partitions) {
    }

    /**
     * @param host              bind address
     * @param port              Zun API port
     * @param publicUrl         base URL clients reach the API at (links, catalog)
     * @param uniqueNameScope   {@code ""}, {@code project} or {@code global}
     * @param maxLimit          page size cap
     * @param policyFile        policy overrides (JSON or oslo.policy YAML), {@code null} for Zun's defaults
     * @param sandboxImage      image of a capsule's sandbox container, which only holds the namespaces
     */
    public record Api(String host, int port, String publicUrl, String uniqueNameScope, int maxLimit,
                      Path policyFile, String sandboxImage) {
        /** The default sandbox image, built locally by scripts/bootstrap.sh (busybox sleeping). */
        public static final String DEFAULT_SANDBOX_IMAGE = "zunvx-sandbox:latest";

        public Api(String host, int port, String publicUrl, String uniqueNameScope, int maxLimit, Path policyFile) {
            this(host, port, publicUrl, uniqueNameScope, maxLimit, policyFile, DEFAULT_SANDBOX_IMAGE);
        }
    }

    /**
     * @param hostName          this agent's host name (topic suffix, node name)
     * @param dockerHost        Docker engine URI
     * @param network           network new containers join ({@code none} allowed)
     * @param internalPort      port of the agent's internal endpoint
     * @param internalUrl       URL others reach that endpoint at
     * @param availabilityZone  zone reported for this host
     * @param heartbeat         heartbeat and report interval
     * @param syncInterval      full reconcile interval
     * @param orphanGrace       age after which a labelled container unknown to the database is removed
     * @param staleTask         silence after which an operation whose command was given up is repaired from Docker
     * @param cpuPinning        whether this host gives out dedicated CPUs ({@code cpu_policy: dedicated})
     * @param labels            operator labels of this host, matched by {@code label:} scheduler hints
     * @param executeTimeout    how long a command run without a terminal ({@code execute} with {@code run}) may take
     *                          before the call answers 409 (Zun's {@code [docker] execute_timeout})
     * @param maxInFlight       commands the agent's consumer holds polled and not yet settled before it pauses
     *                          reading (it resumes at half); 0 for the default, {@value #DEFAULT_MAX_IN_FLIGHT}
     * @param logsMaxBytes      the most bytes of a container's log one {@code logs} call returns, on the agent and
     *                          on the API ({@code ZUNVX_LOGS_MAX_BYTES}); the latest bytes are kept after a marker
     */
    public record Compute(String hostName, String dockerHost, String network, int internalPort, String internalUrl,
                          String availabilityZone, Duration heartbeat, Duration syncInterval, Duration orphanGrace,
                          Duration staleTask, boolean cpuPinning, Map<String, String> labels,
                          Duration executeTimeout, ContainerDefaults containerDefaults, int maxInFlight,
                          long logsMaxBytes) {
        /** Zun's default {@code execute_timeout}. */
        public static final Duration DEFAULT_EXECUTE_TIMEOUT = Duration.ofSeconds(5);
        /** The API waits this long for the agent's answer, so a command must end (or time out) well before. */
        public static final Duration MAX_EXECUTE_TIMEOUT = Duration.ofSeconds(90);
        /** The commands in flight an agent's consumer holds at most, unless configured. */
        public static final int DEFAULT_MAX_IN_FLIGHT = 1000;
        /** The default cap of one {@code logs} answer: 4 MiB. */
        public static final long DEFAULT_LOGS_MAX_BYTES = 4L << 20;

        public Compute {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
            executeTimeout = executeTimeout == null ? DEFAULT_EXECUTE_TIMEOUT : executeTimeout;
            containerDefaults = containerDefaults == null ? ContainerDefaults.DEFAULT : containerDefaults;
            maxInFlight = maxInFlight == 0 ? DEFAULT_MAX_IN_FLIGHT : maxInFlight;
            if (maxInFlight < 1) {
                throw new ConfigException("ZUNVX_COMPUTE_MAX_IN_FLIGHT must be at least 1, not " + maxInFlight);
            }
        }

        /** The same settings with the default bound on commands in flight and the default cap of a {@code logs} answer. */
        public Compute(String hostName, String dockerHost, String network, int internalPort, String internalUrl,
                       String availabilityZone, Duration heartbeat, Duration syncInterval, Duration orphanGrace,
                       Duration staleTask, boolean cpuPinning, Map<String, String> labels, Duration executeTimeout,
                       ContainerDefaults containerDefaults) {
            this(hostName, dockerHost, network, internalPort, internalUrl, availabilityZone, heartbeat, syncInterval,
                    orphanGrace, staleTask, cpuPinning, labels, executeTimeout, containerDefaults, 0,
                    DEFAULT_LOGS_MAX_BYTES);
        }

        /** The same settings with the default container limits. */
        public Compute(String hostName, String dockerHost, String network, int internalPort, String internalUrl,
                       String availabilityZone, Duration heartbeat, Duration syncInterval, Duration orphanGrace,
                       Duration staleTask, boolean cpuPinning, Map<String, String> labels, Duration executeTimeout) {
            this(hostName, dockerHost, network, internalPort, internalUrl, availabilityZone, heartbeat, syncInterval,
                    orphanGrace, staleTask, cpuPinning, labels, executeTimeout, ContainerDefaults.DEFAULT);
        }

        /** The same settings with the default execute timeout. */
        public Compute(String hostName, String dockerHost, String network, int internalPort, String internalUrl,
                       String availabilityZone, Duration heartbeat, Duration syncInterval, Duration orphanGrace,
                       Duration staleTask, boolean cpuPinning, Map<String, String> labels) {
            this(hostName, dockerHost, network, internalPort, internalUrl, availabilityZone, heartbeat, syncInterval,
                    orphanGrace, staleTask, cpuPinning, labels, DEFAULT_EXECUTE_TIMEOUT);
        }

        /** The same settings without pinning or labels. */
        public Compute(String hostName, String dockerHost, String network, int internalPort, String internalUrl,
                       String availabilityZone, Duration heartbeat, Duration syncInterval, Duration orphanGrace,
                       Duration staleTask) {
            this(hostName, dockerHost, network, internalPort, internalUrl, availabilityZone, heartbeat, syncInterval,
                    orphanGrace, staleTask, false, Map.of());
        }

        /**
         * These settings for an agent of another Docker engine named {@code hostName}, whose internal endpoint listens
         * on {@code internalPort} of the loopback interface.
         */
        public Compute forEngine(String hostName, String dockerHost, int internalPort) {
            return new Compute(hostName, dockerHost, network, internalPort, "http://127.0.0.1:" + internalPort,
                    availabilityZone, heartbeat, syncInterval, orphanGrace, staleTask, cpuPinning, labels,
                    executeTimeout, containerDefaults, maxInFlight, logsMaxBytes);
        }
    }

    /**
     * What every container of a compute host gets from Docker besides its own request: a process limit and the
     * rotation of its log ({@code json-file} driver).
     *
     * @param pidsLimit  the most processes (and threads) a container may run; 0 for Docker's default (none)
     * @param logMaxSize size of a log file before it is rotated, Docker's form ({@code 10m}, {@code 512k}, {@code 1g})
     * @param logMaxFile log files kept per container, the current one included
     */
    public record ContainerDefaults(long pidsLimit, String logMaxSize, int logMaxFile) {
        public static final ContainerDefaults DEFAULT = new ContainerDefaults(1024, "10m", 3);
    }

    /**
     * @param serviceDownTime     silence after which a service counts as down
     * @param weigher             {@code spread} or {@code pack}
     * @param cpuAllocationRatio  vCPUs that may be claimed per host CPU
     * @param ramAllocationRatio  MiB that may be claimed per MiB of host memory
     * @param diskAllocationRatio GB that may be claimed per GB of host disk
     */
    public record Scheduler(Duration serviceDownTime, String weigher, double cpuAllocationRatio,
                            double ramAllocationRatio, double diskAllocationRatio) {
    }

    /**
     * @param port    WebSocket proxy port
     * @param baseUrl URL clients connect to, e.g. {@code ws://127.0.0.1:6784/}
     * @param allowedOrigins host names a browser-sent {@code Origin} may carry besides the {@code Host} header's
     *                       (lowercase; {@code ZUNVX_WSPROXY_ALLOWED_ORIGINS}, a comma list, empty by default)
     */
    public record Proxy(int port, String baseUrl, List<String> allowedOrigins, Duration tokenTtl,
                        int maxSessionsPerUser, Duration idleTimeout) {
        /** How long an attach or interactive-exec URL stays usable unless configured otherwise. */
        public static final Duration DEFAULT_TOKEN_TTL = Duration.ofMinutes(10);
        /** Open sessions one user may hold on one proxy instance unless configured otherwise. */
        public static final int DEFAULT_MAX_SESSIONS_PER_USER = 10;
        /** How long a session may carry no data either way before the proxy closes it. */
        public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(30);

        public Proxy {
            allowedOrigins = allowedOrigins.stream().map(String::trim).filter(o -> !o.isEmpty())
                    .map(o -> o.toLowerCase(Locale.ROOT)).toList();
            if (maxSessionsPerUser < 1) {
                throw new ConfigException("ZUNVX_WSPROXY_MAX_SESSIONS_PER_USER must be at least 1, not "
                        + maxSessionsPerUser);
            }
            if (idleTimeout == null || idleTimeout.toMillis() < 1) {
                throw new ConfigException("ZUNVX_WSPROXY_IDLE_TIMEOUT must be positive");
            }
        }

        public Proxy(int port, String baseUrl, List<String> allowedOrigins, Duration tokenTtl) {
            this(port, baseUrl, allowedOrigins, tokenTtl, DEFAULT_MAX_SESSIONS_PER_USER, DEFAULT_IDLE_TIMEOUT);
        }

        public Proxy(int port, String baseUrl) {
            this(port, baseUrl, List.of(), DEFAULT_TOKEN_TTL);
        }
    }

    /**
     * @param adminUser         bootstrap admin user name
     * @param adminProject      bootstrap admin project name
     * @param adminPassword     bootstrap admin password; {@code null} = generate and print once
     * @param tokenTtl          token lifetime
     * @param loginMaxFailures  password attempts allowed per user name and source address within one window
     * @param loginWindow       the window; once the attempts are used up, logins answer 429 until it ends
     * @param oidc              an external OpenID Connect issuer whose tokens are accepted too; {@code null} = none
     * @param loginMaxFailuresPerClient failed password attempts allowed per client address (all user names together,
     *                          unknown ones included) within one window; beyond it logins answer 429 without hashing
     * @param trustedProxies    addresses or CIDR blocks of reverse proxies whose {@code X-Forwarded-For} names the
     *                          client ({@code ZUNVX_TRUSTED_PROXIES}, a comma list, empty by default: the header is
     *                          ignored)
     * @param signing           the token signing keys: their encryption at rest, refresh and rotation
     */
    public record Identity(String adminUser, String adminProject, String adminPassword, Duration tokenTtl,
                           int loginMaxFailures, Duration loginWindow, Oidc oidc, int loginMaxFailuresPerClient,
                           List<String> trustedProxies, Signing signing) {
        public static final int DEFAULT_LOGIN_MAX_FAILURES = 5;
        public static final Duration DEFAULT_LOGIN_WINDOW = Duration.ofMinutes(5);
        public static final int DEFAULT_LOGIN_MAX_FAILURES_PER_CLIENT = 30;

        public Identity {
            if (loginMaxFailures < 1) {
                throw new ConfigException("ZUNVX_LOGIN_MAX_FAILURES must be at least 1, not " + loginMaxFailures);
            }
            if (loginMaxFailuresPerClient < 1) {
                throw new ConfigException("ZUNVX_LOGIN_MAX_FAILURES_PER_CLIENT must be at least 1, not "
                        + loginMaxFailuresPerClient);
            }
            trustedProxies = trustedProxies == null ? List.of() : trustedProxies.stream().map(String::strip)
                    .filter(p -> !p.isEmpty()).toList();
            signing = signing == null ? Signing.DEFAULT : signing;
        }

        /** Without an external issuer and with the default login limits. */
        public Identity(String adminUser, String adminProject, String adminPassword, Duration tokenTtl) {
            this(adminUser, adminProject, adminPassword, tokenTtl, DEFAULT_LOGIN_MAX_FAILURES, DEFAULT_LOGIN_WINDOW,
                    null);
        }

        /** With the default per-client limit, no trusted proxies and the default signing keys. */
        public Identity(String adminUser, String adminProject, String adminPassword, Duration tokenTtl,
                        int loginMaxFailures, Duration loginWindow, Oidc oidc) {
            this(adminUser, adminProject, adminPassword, tokenTtl, loginMaxFailures, loginWindow, oidc,
                    DEFAULT_LOGIN_MAX_FAILURES_PER_CLIENT, List.of(), Signing.DEFAULT);
        }

        static Identity from(Env env) {
            return new Identity(env.string("ZUNVX_ADMIN_USER", "admin"), env.string("ZUNVX_ADMIN_PROJECT", "admin"),
                    env.string("ZUNVX_ADMIN_PASSWORD", null),
                    env.duration("ZUNVX_TOKEN_TTL", Duration.ofHours(12)),
                    env.integer("ZUNVX_LOGIN_MAX_FAILURES", DEFAULT_LOGIN_MAX_FAILURES),
                    env.duration("ZUNVX_LOGIN_WINDOW", DEFAULT_LOGIN_WINDOW),
                    Oidc.from(env),
                    env.integer("ZUNVX_LOGIN_MAX_FAILURES_PER_CLIENT", DEFAULT_LOGIN_MAX_FAILURES_PER_CLIENT),
                    List.of(env.string("ZUNVX_TRUSTED_PROXIES", "").split(",")),
                    new Signing(env.string("ZUNVX_SIGNING_KEY_SECRET", null),
                            env.duration("ZUNVX_SIGNING_KEY_REFRESH", Signing.DEFAULT.refresh()),
                            env.duration("ZUNVX_SIGNING_KEY_ROTATION", Signing.DEFAULT.rotation())));
        }

        @Override
        public String toString() {
            return "Identity[adminUser=" + adminUser + ", adminProject=" + adminProject + ", adminPassword="
                    + (adminPassword == null ? "(generated)" : "***") + ", tokenTtl=" + tokenTtl
                    + ", loginMaxFailures=" + loginMaxFailures + ", loginWindow=" + loginWindow + ", oidc=" + oidc
                    + ", loginMaxFailuresPerClient=" + loginMaxFailuresPerClient + ", trustedProxies="
                    + trustedProxies + ", signing=" + signing + "]";
        }

        /**
         * The token signing keys.
         *
         * @param secret   base64 of the 32-byte AES-256-GCM key that seals the private signing keys at rest
         *                 ({@code ZUNVX_SIGNING_KEY_SECRET}); {@code null} = a key file
         *                 {@code <dataDir>/signing.key} made on first use (all-in-one). Only signing roles (api,
         *                 wsproxy) use it
         * @param refresh  how often every role re-reads the public keys (and signers the newest private key), so a
         *                 rotation reaches running processes without a restart
         * @param rotation age of the newest key after which a signer adds a new one ({@code zunvx rotate-signing-key}
         *                 adds one at once)
         */
        public record Signing(String secret, Duration refresh, Duration rotation) {
            public static final Signing DEFAULT = new Signing(null, Duration.ofSeconds(60), Duration.ofDays(30));

            public Signing {
                aesKey("ZUNVX_SIGNING_KEY_SECRET", secret);
                if (refresh == null || refresh.toMillis() < 100) {
                    throw new ConfigException("ZUNVX_SIGNING_KEY_REFRESH must be at least 100ms");
                }
                if (rotation == null || rotation.compareTo(refresh) <= 0) {
                    throw new ConfigException("ZUNVX_SIGNING_KEY_ROTATION must be longer than "
                            + "ZUNVX_SIGNING_KEY_REFRESH");
                }
            }

            @Override
            public String toString() {
                return "Signing[secret=" + (secret == null ? "(key file)" : "***") + ", refresh=" + refresh
                        + ", rotation=" + rotation + "]";
            }
        }

        /**
         * An external OpenID Connect issuer. Its tokens must carry {@code iss} = {@code issuer}, an {@code aud}
         * containing {@code audience}, and be signed (RS256 or ES256) by a key of the JWK set at {@code jwksUrl}.
         *
         * @param issuer       expected {@code iss}
         * @param jwksUrl      where the issuer publishes its signing keys
         * @param audience     expected audience (required: a token minted for another client must not get in)
         * @param projectClaim claim holding the project id the token acts in
         * @param rolesClaim   claim holding the role names (array, or a space- or comma-separated string)
         */
        public record Oidc(String issuer, String jwksUrl, String audience, String projectClaim, String rolesClaim) {
            public Oidc {
                if (issuer == null || jwksUrl == null || audience == null) {
                    throw new ConfigException("ZUNVX_OIDC_ISSUER, ZUNVX_OIDC_JWKS_URL and ZUNVX_OIDC_AUDIENCE must "
                            + "be set together");
                }
                if (!jwksUrl.startsWith("https://") && !jwksUrl.startsWith("http://")) {
                    throw new ConfigException("ZUNVX_OIDC_JWKS_URL must be an http(s) URL, not '" + jwksUrl + "'");
                }
            }

            static Oidc from(Env env) {
                String issuer = env.string("ZUNVX_OIDC_ISSUER", null);
                String jwks = env.string("ZUNVX_OIDC_JWKS_URL", null);
                String audience = env.string("ZUNVX_OIDC_AUDIENCE", null);
                String project = env.string("ZUNVX_OIDC_PROJECT_CLAIM", "project_id");
                String roles = env.string("ZUNVX_OIDC_ROLES_CLAIM", "roles");
                if (issuer == null && jwks == null && audience == null) {
                    return null;
                }
                return new Oidc(issuer, jwks, audience, project, roles);
            }
        }
    }

    public static ZunvxConfig fromEnvironment() {
        return from(Env.system());
    }

    public static ZunvxConfig from(Map<String, String> env) {
        return from(new Env(env));
    }

    /** Reads every setting, then rejects {@code ZUNVX_*} variables that no setting read. */
    public static ZunvxConfig from(Env env) {
        Path dataDir = Path.of(env.string("ZUNVX_DATA_DIR",
                Path.of(System.getProperty("user.home"), ".zunvx").toString())).toAbsolutePath();
        int apiPort = env.integer("ZUNVX_API_PORT", 9517);
        int proxyPort = env.integer("ZUNVX_WSPROXY_PORT", 6784);
        int internalPort = env.integer("ZUNVX_COMPUTE_INTERNAL_PORT", 9518);
        String hostName = env.string("ZUNVX_COMPUTE_HOST", localHostName());
        ZunvxConfig c = new ZunvxConfig(
                dataDir,
                new Database(env.string("ZUNVX_DB_URL", null), env.integer("ZUNVX_DB_POOL_SIZE", 16)),
                new Kafka(env.string("ZUNVX_KAFKA_BOOTSTRAP_SERVERS", null), env.integer("ZUNVX_KAFKA_PARTITIONS", 8)),
                new Api(env.string("ZUNVX_API_HOST", "0.0.0.0"), apiPort,
                        stripSlash(env.string("ZUNVX_API_PUBLIC_URL", "http://127.0.0.1:" + apiPort)),
                        env.string("ZUNVX_UNIQUE_NAME_SCOPE", ""), env.integer("ZUNVX_API_MAX_LIMIT", 1000),
                        env.isSet("ZUNVX_POLICY_FILE") ? Path.of(env.string("ZUNVX_POLICY_FILE", null)) : null,
                        env.string("ZUNVX_CAPSULE_SANDBOX_IMAGE", Api.DEFAULT_SANDBOX_IMAGE)),
                new Compute(hostName,
                        env.string("ZUNVX_DOCKER_HOST", "unix:///var/run/docker.sock"),
                        env.string("ZUNVX_COMPUTE_NETWORK", "zunvx-default"),
                        internalPort,
                        stripSlash(env.string("ZUNVX_COMPUTE_INTERNAL_URL", "http://127.0.0.1:" + internalPort)),
                        env.string("ZUNVX_COMPUTE_AVAILABILITY_ZONE", "nova"),
                        env.duration("ZUNVX_COMPUTE_HEARTBEAT", Duration.ofSeconds(10)),
                        env.duration("ZUNVX_COMPUTE_SYNC_INTERVAL", Duration.ofSeconds(30)),
                        env.duration("ZUNVX_COMPUTE_ORPHAN_GRACE", Duration.ofSeconds(60)),
                        env.duration("ZUNVX_COMPUTE_STALE_TASK", Duration.ofMinutes(10)),
                        env.bool("ZUNVX_COMPUTE_CPU_PINNING", false),
                        labels(env.string("ZUNVX_COMPUTE_LABELS", "")),
                        env.duration("ZUNVX_COMPUTE_EXECUTE_TIMEOUT", Compute.DEFAULT_EXECUTE_TIMEOUT),
                        new ContainerDefaults(
                                env.integer("ZUNVX_COMPUTE_PIDS_LIMIT", (int) ContainerDefaults.DEFAULT.pidsLimit()),
                                env.string("ZUNVX_COMPUTE_LOG_MAX_SIZE", ContainerDefaults.DEFAULT.logMaxSize()),
                                env.integer("ZUNVX_COMPUTE_LOG_MAX_FILE", ContainerDefaults.DEFAULT.logMaxFile())),
                        env.integer("ZUNVX_COMPUTE_MAX_IN_FLIGHT", Compute.DEFAULT_MAX_IN_FLIGHT),
                        bytes(env, "ZUNVX_LOGS_MAX_BYTES", Compute.DEFAULT_LOGS_MAX_BYTES)),
                new Scheduler(env.duration("ZUNVX_SERVICE_DOWN_TIME", Duration.ofSeconds(180)),
                        env.string("ZUNVX_SCHEDULER_WEIGHER", "spread"),
                        env.number("ZUNVX_CPU_ALLOCATION_RATIO", 16.0),
                        env.number("ZUNVX_RAM_ALLOCATION_RATIO", 1.5),
                        env.number("ZUNVX_DISK_ALLOCATION_RATIO", 1.0)),
                new Proxy(proxyPort, env.string("ZUNVX_WSPROXY_BASE_URL", "ws://127.0.0.1:" + proxyPort + "/"),
                        List.of(env.string("ZUNVX_WSPROXY_ALLOWED_ORIGINS", "").split(",")),
                        env.duration("ZUNVX_WSPROXY_TOKEN_TTL", Proxy.DEFAULT_TOKEN_TTL),
                        env.integer("ZUNVX_WSPROXY_MAX_SESSIONS_PER_USER", Proxy.DEFAULT_MAX_SESSIONS_PER_USER),
                        env.duration("ZUNVX_WSPROXY_IDLE_TIMEOUT", Proxy.DEFAULT_IDLE_TIMEOUT)),
                Identity.from(env),
                new Quota(env.integer("ZUNVX_QUOTA_CONTAINERS", 40), env.integer("ZUNVX_QUOTA_CPU", 20),
                        env.integer("ZUNVX_QUOTA_MEMORY", 51200), env.integer("ZUNVX_QUOTA_DISK", 100)),
                env.integer("ZUNVX_OPS_PORT", 9510),
                Images.from(env, dataDir));
        env.rejectUnknown();
        c.validate();
        return c;
    }

    private void validate() {
        port("ZUNVX_API_PORT", api.port);
        port("ZUNVX_WSPROXY_PORT", proxy.port);
        port("ZUNVX_COMPUTE_INTERNAL_PORT", compute.internalPort);
        port("ZUNVX_OPS_PORT", opsPort);
        if (!Set.of("", "project", "global").contains(api.uniqueNameScope)) {
            throw new ConfigException("ZUNVX_UNIQUE_NAME_SCOPE must be empty, project or global");
        }
        if (!Set.of("spread", "pack").contains(scheduler.weigher)) {
            throw new ConfigException("ZUNVX_SCHEDULER_WEIGHER must be spread or pack");
        }
        if (!compute.hostName.matches("[A-Za-z0-9._-]+")) {
            throw new ConfigException("ZUNVX_COMPUTE_HOST may hold only letters, digits, '.', '_' and '-'");
        }
        if (compute.containerDefaults.pidsLimit() < 0) {
            throw new ConfigException("ZUNVX_COMPUTE_PIDS_LIMIT must be 0 (no limit) or more");
        }
        if (!compute.containerDefaults.logMaxSize().matches("[1-9][0-9]*[kmg]?")) {
            throw new ConfigException("ZUNVX_COMPUTE_LOG_MAX_SIZE must be a size such as 512k, 10m or 1g");
        }
        if (compute.containerDefaults.logMaxFile() < 1) {
            throw new ConfigException("ZUNVX_COMPUTE_LOG_MAX_FILE must be 1 or more");
        }
        if (compute.executeTimeout.compareTo(Compute.MAX_EXECUTE_TIMEOUT) > 0) {
            throw new ConfigException("ZUNVX_COMPUTE_EXECUTE_TIMEOUT must be at most "
                    + Compute.MAX_EXECUTE_TIMEOUT.toSeconds() + "s (the API waits 2 minutes for the agent's answer)");
        }
        positive("ZUNVX_CPU_ALLOCATION_RATIO", scheduler.cpuAllocationRatio);
        positive("ZUNVX_RAM_ALLOCATION_RATIO", scheduler.ramAllocationRatio);
        positive("ZUNVX_DISK_ALLOCATION_RATIO", scheduler.diskAllocationRatio);
        for (var q : Map.of("ZUNVX_QUOTA_CONTAINERS", quota.containers, "ZUNVX_QUOTA_CPU", quota.cpu,
                "ZUNVX_QUOTA_MEMORY", quota.memory, "ZUNVX_QUOTA_DISK", quota.disk).entrySet()) {
            if (q.getValue() < -1) {
                throw new ConfigException(q.getKey() + " must be -1 (unlimited) or more, not " + q.getValue());
            }
        }
        positive("ZUNVX_DB_POOL_SIZE", database.poolSize);
        positive("ZUNVX_KAFKA_PARTITIONS", kafka.partitions);
        positive("ZUNVX_API_MAX_LIMIT", api.maxLimit);
        if (compute.logsMaxBytes < 1024) {
            throw new ConfigException("ZUNVX_LOGS_MAX_BYTES must be at least 1024, not " + compute.logsMaxBytes);
        }
    }

    /** A set key must be the base64 of 32 bytes (an AES-256 key); {@code null} is not set. */
    static void aesKey(String name, String base64) {
        if (base64 == null) {
            return;
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name + " must be base64");
        }
        if (key.length != 32) {
            throw new ConfigException(name + " must decode to 32 bytes, not " + key.length);
        }
    }

    /** A number of bytes; anything else names the variable. */
    static long bytes(Env env, String key, long dflt) {
        String v = env.string(key, null);
        try {
            return v == null ? dflt : Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw new ConfigException(key + " must be a number of bytes, not '" + v + "'");
        }
    }

    private static void port(String key, int p) {
        if (p < 0 || p > 65535) {
            throw new ConfigException(key + " must be a port number from 0 to 65535, not " + p);
        }
    }

    private static void positive(String key, double v) {
        if (!(v > 0)) {
            throw new ConfigException(key + " must be positive, not " + v);
        }
    }

    /** {@code k=v,k2=v2}; a malformed entry names the variable. */
    private static Map<String, String> labels(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : text.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("ZUNVX_COMPUTE_LABELS must be key=value pairs separated by commas, not '"
                        + part.strip() + "'");
            }
            out.put(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
        }
        return out;
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "-");
        } catch (Exception e) {
            return "localhost";
        }
    }
}
