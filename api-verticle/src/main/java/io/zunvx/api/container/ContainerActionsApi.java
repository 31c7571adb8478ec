package io.zunvx.api.container;

import com.fasterxml.jackson.core.Base64Variant;
import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.zunvx.api.compute.ComputeClient;
import io.zunvx.api.http.ActionParams;
import io.zunvx.api.http.ApiRouter;
import io.zunvx.api.http.Microversions;
import io.zunvx.api.http.RequestContext;
import io.zunvx.api.policy.Policy;
import io.zunvx.api.quota.QuotaGuard;
import io.zunvx.model.Address;
import io.zunvx.model.ApiVersion;
import io.zunvx.model.Container;
import io.zunvx.model.ContainerCommand;
import io.zunvx.model.Operation;
import io.zunvx.model.Status;
import io.zunvx.model.StoreImage;
import io.zunvx.model.TaskState;
import io.zunvx.model.Topics;
import io.zunvx.platform.auth.Identity;
import io.zunvx.platform.config.ZunvxConfig;
import io.zunvx.platform.container.ContainerActionRepository;
import io.zunvx.platform.container.ContainerCatalog;
import io.zunvx.platform.container.ContainerStore;
import io.zunvx.platform.db.Transactions;
import io.zunvx.platform.error.ZunException;
import io.zunvx.platform.events.Envelopes;
import io.zunvx.platform.host.ComputeNodeRepository;
import io.zunvx.platform.image.StoreImageRepository;
import io.zunvx.platform.registry.RegistryRepository;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Zun's container actions beyond the lifecycle basics: update (PATCH, resize_container), rename, rebuild, commit,
 * execute and its terminal, the container's terminal, top, stats, archives, the network list and attach (reference
 * §3.1.2, §3.2, §8.1).
 *
 * <p>Three shapes of work, each with Zun's microversion gates, state table and texts:
 * <ul>
 *   <li>asynchronous (rebuild, commit): one transaction checks the state, records the action, sets the status and
 *       task state Zun sets at once, and puts the command for the container's host in the outbox; 202;</li>
 *   <li>synchronous through the host's internal endpoint (execute, resizes, top, stats, archives, and the resource part
 *       of an update): the API checks the state and asks the agent, which drives Docker;</li>
 *   <li>database only (rename, name and auto_heal updates, network list of recorded addresses, attach tokens).</li>
 * </ul>
 * A resource update ({@link LiveResizes}) commits the row, the quota and the host's claim in one short transaction
 * before the host's agent is asked to apply the limits; no transaction is open while the agent works.
 */
public final class ContainerActionsApi {

    /**
     * The largest put_archive body: the Base64 text of the largest archive the agent accepts
     * ({@link ComputeClient#MAX_ARCHIVE_BYTES}) and the ordinary body limit for the rest (the JSON around it, line
     * breaks). {@link ApiRouter} gives put_archive this limit instead of the ordinary one.
     */
    public static final long PUT_ARCHIVE_MAX_BODY = ComputeClient.MAX_ARCHIVE_BASE64_CHARS + ApiRouter.MAX_BODY;

    private static final Pattern PUT_ARCHIVE_PATH = Pattern.compile("/v1/containers/[^/]+/put_archive/?");
    /** Reads put_archive bodies: the raw (before 1.25) archive is one string as long as the body may be. */
    private static final JsonFactory ARCHIVE_BODIES = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(Math.toIntExact(PUT_ARCHIVE_MAX_BODY)).build())
            .build();
    /** The standard alphabet, padding optional (as {@link Base64#getDecoder()}); whitespace is skipped. */
    private static final Base64Variant BASE64 = Base64Variants.MIME_NO_LINEFEEDS.withPaddingAllowed();

    private final ContainerStore store;
    private final Transactions db;
    private final ContainerActionRepository actions;
    private final ContainerLookup lookup;
    private final UniqueNames names;
    private final LiveResizes resizes;
    private final ComputeClient compute;
    private final Policy policy;
    private final SessionTokens sessions;
    private final String publicUrl;
    private final String wsProxyBaseUrl;
    private final Defaults defaults;
    private final Clock clock;
    private final StoreImageRepository storeImages;
    private final ImageChecks images;

    /**
     * @param store           container writes with their events
     * @param catalog         container reads
     * @param db              transactions and reads of the other repositories
     * @param nodes           the hosts' claims, moved by a live resize
     * @param ratios          the allocation ratios a grown claim must fit
     * @param storeImages     the image store: commit records the image it will hold, rebuild checks a glance image
     * @param registries      the projects' registries (checks of a rebuilt image)
     * @param publicUrl       the API's public base URL (container links)
     * @param uniqueNameScope {@code ""}, {@code project} or {@code global}: where a new name must be unique
     * @param wsProxyBaseUrl  the WebSocket proxy's base URL the attach and exec URLs start with
     * @param sessionTokenTtl how long a WebSocket URL handed out by attach or interactive exec stays usable
     */
    public ContainerActionsApi(ContainerStore store, ContainerCatalog catalog, Transactions db,
                               ContainerActionRepository actions, ComputeNodeRepository nodes,
                               ZunvxConfig.Scheduler ratios, ComputeClient compute, QuotaGuard quota, Policy policy,
                               StoreImageRepository storeImages, RegistryRepository registries, String publicUrl,
                               String uniqueNameScope, String wsProxyBaseUrl, Duration sessionTokenTtl,
                               Defaults defaults, Clock clock, SecureRandom random) {
        this.store = Objects.requireNonNull(store, "store");
        this.db = Objects.requireNonNull(db, "db");
        this.actions = Objects.requireNonNull(actions, "actions");
        this.lookup = new ContainerLookup(catalog);
        this.names = new UniqueNames(catalog, uniqueNameScope);
        this.compute = Objects.requireNonNull(compute, "compute");
        this.resizes = new LiveResizes(store, catalog, actions, nodes, compute, quota, ratios, clock);
        this.policy = Objects.requireNonNull(policy, "policy");
        this.sessions = new SessionTokens(random, clock, sessionTokenTtl);
        this.publicUrl = publicUrl;
        this.wsProxyBaseUrl = wsProxyBaseUrl;
        this.defaults = defaults;
        this.clock = clock;
        this.storeImages = Objects.requireNonNull(storeImages, "storeImages");
        this.images = new ImageChecks(registries, storeImages);
    }

    /**
     * Finishes the live resizes an API instance left between their commit and the agent's answer (see
     * {@link LiveResizes}) that started before {@code before}.
     *
     * @return how many were finished
     */
    public Future<Integer> finishStalledResizes(Instant before) {
        return resizes.finishStalled(before);
    }

    public void mount(Router r) {
        r.patch("/v1/containers/:c").handler(ctx -> update(ctx, Operation.UPDATE, 200));
        r.post("/v1/containers/:c/resize_container").handler(ctx -> {
            Microversions.requireAtLeast(RequestContext.version(ctx), 19);
            update(ctx, Operation.RESIZE_CONTAINER, 202);
        });
        r.post("/v1/containers/:c/rename").handler(this::rename);
        r.post("/v1/containers/:c/rebuild").handler(this::rebuild);
        r.post("/v1/containers/:c/commit").handler(this::commit);
        r.post("/v1/containers/:c/execute").handler(this::execute);
        r.post("/v1/containers/:c/execute_resize").handler(this::executeResize);
        r.post("/v1/containers/:c/resize").handler(this::resize);
        r.get("/v1/containers/:c/top").handler(this::top);
        r.get("/v1/containers/:c/stats").handler(this::stats);
        r.get("/v1/containers/:c/get_archive").handler(this::getArchive);
        r.post("/v1/containers/:c/put_archive").handler(this::putArchive);
        r.get("/v1/containers/:c/network_list").handler(this::networkList);
        r.get("/v1/containers/:c/attach").handler(this::attach);
    }

    // ---- update: PATCH and resize_container -----------------------------------------------------------------------

    /**
     * PATCH and resize_container share Zun's {@code container_update}: name and auto_heal are plain row changes; cpu
     * and memory move quota and the host's claim and are applied live on the host ({@link LiveResizes}). PATCH
     * answers 200, resize_container 202, both with the container as it is afterwards.
     */
    private void update(RoutingContext ctx, Operation op, int status) {
        Identity who = RequestContext.identity(ctx);
        String req = RequestContext.requestId(ctx);
        UpdateContainerRequest u = UpdateContainerRequest.parse(ContainerHttp.bodyObject(ctx), defaults);
        UnaryOperator<Container> plain = c -> {
            Container.Builder b = c.toBuilder();
            if (u.name() != null) {
                b.name(u.name());
            }
            if (u.autoHeal() != null) {
                b.autoHeal(u.autoHeal());
            }
            return b.build();
        };
        resolve(ctx, op)
                .compose(found -> u.name() == null || u.name().equals(found.name())
                        ? Future.succeededFuture(found)
                        : names.check(u.name(), who).map(found))
                .compose(found -> u.resizes()
                        ? resizes.resize(found, c -> locked(Optional.ofNullable(c), ctx, op), plain, u.cpu(),
                                u.memory(), who, req)
                        : store.inTransaction(tx -> tx.lock(found.uuid()).compose(row -> {
                            Container c = locked(row, ctx, op);
                            Container next = plain.apply(c);
                            return next.equals(c) ? Future.succeededFuture(c) : tx.save(c, next, req);
                        })))
                .onSuccess(saved -> ApiRouter.json(ctx, status, view(ctx, saved, who).encode()))
                .onFailure(ctx::fail);
    }

    // ---- rename (1.1-1.13) ----------------------------------------------------------------------------------------

    private void rename(RoutingContext ctx) {
        Microversions.requireRange(RequestContext.version(ctx), 1, 13);
        Identity who = RequestContext.identity(ctx);
        String req = RequestContext.requestId(ctx);
        RenameQuery q = RenameQuery.parse(ActionParams.of(ctx));
        resolve(ctx, Operation.RENAME)
                .compose(found -> {
                    if (found.name().equals(q.name())) {
                        return Future.failedFuture(ZunException.conflict(
                                "The new name for the container is the same as the old name."));
                    }
                    return names.check(q.name(), who).map(found);
                })
                .compose(found -> store.inTransaction(tx -> tx.lock(found.uuid()).compose(row -> {
                    Container c = row.orElseThrow(() -> ZunException.containerNotFound(ctx.pathParam("c")));
                    if (c.name().equals(q.name())) {
                        return Future.failedFuture(ZunException.conflict(
                                "The new name for the container is the same as the old name."));
                    }
                    return tx.save(c, c.toBuilder().name(q.name()).build(), req);
                })))
                .onSuccess(saved -> ApiRouter.json(ctx, 200, view(ctx, saved, who).encode()))
                .onFailure(ctx::fail);
    }

    // ---- rebuild and commit (asynchronous) ------------------------------------------------------------------------

    /**
     * Zun's rebuild: the new image (if any) is written into the spec, status {@code Rebuilding} and task state
     * {@code container_rebuilding} set at once, and the host removes and recreates the runtime container, starting it
     * again when it was running.
     */
    private void rebuild(RoutingContext ctx) {
        Identity who = RequestContext.identity(ctx);
        String req = RequestContext.requestId(ctx);
        RebuildQuery q = RebuildQuery.parse(ActionParams.of(ctx));
        resolve(ctx, Operation.REBUILD)
                .compose(found -> q.image() == null && q.imageDriver() == null ? Future.succeededFuture(found)
                        : db.read(conn -> images.check(conn, q.image() != null ? q.image() : found.image(),
                                q.imageDriver() != null ? q.imageDriver() : found.imageDriver(), found.projectId()))
                        .map(found))
                .compose(found -> store.inTransaction(tx -> tx.lock(found.uuid()).compose(row -> {
                    Container c = placed(locked(row, ctx, Operation.REBUILD), Operation.REBUILD);
                    boolean run = c.status() == Status.RUNNING;
                    Container.Builder next = c.toBuilder().status(Status.REBUILDING)
                            .taskState(TaskState.CONTAINER_REBUILDING).statusReason(null);
                    if (q.image() != null) {
                        next.image(q.image());
                    }
                    if (q.imageDriver() != null) {
                        next.imageDriver(q.imageDriver());
                    }
                    return actions.start(tx.connection(), c.uuid(), req, "rebuild", who.projectId(), who.userId(),
                                    clock.instant())
                            .compose(v -> tx.save(c, next.build(), req))
                            .compose(saved -> tx.publish(Envelopes.command(Topics.compute(c.host()),
                                    new ContainerCommand.RebuildContainer(c.uuid(), req, run))));
                })))
                .onSuccess(v -> ApiRouter.json(ctx, 202, "null"))
                .onFailure(ctx::fail);
    }

    /**
     * Zun's commit answers 202 with the id of the image to be: a fresh uuid, which is the id of a new image store
     * record ({@code queued}, named after the repository, Glance tag = the tag, {@code docker}/{@code raw},
     * {@code private}, owned by the container's project) written in the same transaction as the action and the
     * command. The host commits the container to the local Docker image {@code repository:tag} (labelled
     * {@code zunvx.image.uuid}), saves it into the store and marks the record {@code active}, or {@code killed} with
     * the action's error. The container's row does not change.
     */
    private void commit(RoutingContext ctx) {
        Identity who = RequestContext.identity(ctx);
        String req = RequestContext.requestId(ctx);
        CommitQuery q = CommitQuery.parse(ActionParams.of(ctx));
        UUID image = UUID.randomUUID();
        resolve(ctx, Operation.COMMIT)
                .compose(found -> store.inTransaction(tx -> tx.lock(found.uuid()).compose(row -> {
                    Container c = placed(locked(row, ctx, Operation.COMMIT), Operation.COMMIT);
                    Instant now = clock.instant();
                    return actions.start(tx.connection(), c.uuid(), req, "commit", who.projectId(), who.userId(),
                                    now)
                            .compose(v -> storeImages.create(tx.connection(), StoreImage.queued(image,
                                    q.repository(), "docker", "raw", "private", c.projectId(), List.of(q.tag()), 0, 0,
                                    false, now)))
                            .compose(v -> tx.publish(Envelopes.command(Topics.compute(c.host()),
                                    new ContainerCommand.CommitContainer(c.uuid(), req, q.repository(), q.tag(),
                                            image))));
                })))
                .onSuccess(v -> ApiRouter.json(ctx, 202, new JsonObject().put("uuid", image.toString()).encode()))
                .onFailure(ctx::fail);
    }

    // ---- execute and terminals ------------------------------------------------------------------------------------

    /**
     * Without {@code run=False}: the command runs to its end on the host, {@code {"output", "exit_code", "exec_id":
     * null, "proxy_url": null}}. With {@code run=False} the exec instance is only created (with a terminal and open
     * standard input when interactive), recorded with a one-time token, and the answer carries its id and the proxy
     * URL {@code <base>?token=..&uuid=..&exec_id=..}.
     */
    private void execute(RoutingContext ctx) {
        Identity who = RequestContext.identity(ctx);
        ExecuteQuery q = ExecuteQuery.parse(ActionParams.of(ctx));
        JsonObject body = new JsonObject().put("command", new JsonArray(new ArrayList<>(q.argv())))
                .put("command_text", q.command()).put("run", q.run()).put("interactive", q.interactive());
        running(ctx, Operation.EXECUTE).compose(c -> compute.postJson(c.host(), containerPath(c, "/exec"),
                        Map.of(), body).compose(r -> {
                            if (q.run()) {
                                return Future.succeededFuture(new JsonObject()
                                        .put("output", r.getString("output"))
                                        .put("exit_code", r.getInteger("exit_code"))
                                        .putNull("exec_id")
                                        .putNull("proxy_url"));
                            }
                            String execId = r.getString("exec_id");
                            String token = sessions.newToken();
                            return db.inTransaction(tx -> sessions.storeExec(tx, c.uuid(), c.host(),
                                            execId, q.argv(), q.interactive(), token, who))
                                    .map(v -> new JsonObject()
                                            .putNull("output")
                                            .putNull("exit_code")
                                            .put("exec_id", execId)
                                            .put("proxy_url", wsUrl(token, c) + "&exec_id=" + execId));
                        }))
                .onSuccess(json -> ApiRouter.json(ctx, 200, json.encode()))
                .onFailure(ctx::fail);
    }

    private void executeResize(RoutingContext ctx) {
        ExecResizeQuery q = ExecResizeQuery.parse(ActionParams.of(ctx));
        sync(ctx, Operation.EXECUTE_RESIZE, c -> compute.postJson(c.host(),
                        containerPath(c, "/exec/" + q.execId() + "/resize"),
                        Map.of("h", String.valueOf(q.height()), "w", String.valueOf(q.width())), null)
                .map(r -> "null"));
    }

    private void resize(RoutingContext ctx) {
        TtyResizeQuery q = TtyResizeQuery.parse(ActionParams.of(ctx));
        sync(ctx, Operation.RESIZE, c -> compute.postJson(c.host(), containerPath(c, "/resize"),
                        Map.of("h", String.valueOf(q.height()), "w", String.valueOf(q.width())), null)
                .map(r -> "null"));
    }

    /**
     * The attach URL {@code <base>?token=..&uuid=..}, as a JSON string: only for a running container created
     * interactive (else 400 {@code no-interactive-flag}). Each call mints a new token and retires the previous one.
     */
    private void attach(RoutingContext ctx) {
        Identity who = RequestContext.identity(ctx);
        running(ctx, Operation.ATTACH).compose(c -> {
            if (!c.interactive()) {
                return Future.failedFuture(new ZunException(400, "no-interactive-flag",
                        "Container doesn't support to be attached, please check the interactive set properly"));
            }
            String token = sessions.newToken();
            return db.inTransaction(tx -> sessions.storeAttach(tx, c.uuid(), token, who))
                    .map(v -> wsUrl(token, c));
        }).onSuccess(url -> ApiRouter.json(ctx, 200, Json.encode(url))).onFailure(ctx::fail);
    }

    private String wsUrl(String token, Container c) {
        return wsProxyBaseUrl + "?token=" + token + "&uuid=" + c.uuid();
    }

    // ---- top and stats --------------------------------------------------------------------------------------------

    private void top(RoutingContext ctx) {
        TopQuery q = TopQuery.parse(ctx.queryParams());
        Map<String, String> query = new LinkedHashMap<>();
        query.put("ps_args", q.psArgs());
        sync(ctx, Operation.TOP, c -> compute.getJson(c.host(), containerPath(c, "/top"), query)
                .map(JsonObject::encode));
    }

    /** Zun's stats dict, with its keys and its arithmetic (CPU % = container CPU time / host CPU time). */
    private void stats(RoutingContext ctx) {
        sync(ctx, Operation.STATS, c -> compute.getJson(c.host(), containerPath(c, "/stats"), Map.of())
                .map(s -> zunStats(c.name(), s).encode()));
    }

    static JsonObject zunStats(String name, JsonObject s) {
        double cpuTotal = s.getLong("cpu_total", 0L);
        double system = s.getLong("system_cpu", 0L);
        double memUsage = s.getLong("memory_usage", 0L);
        double memLimit = s.getLong("memory_limit", 0L);
        return new JsonObject()
                .put("CONTAINER", name)
                .put("CPU %", system > 0 ? cpuTotal / system * 100 : 0.0)
                .put("MEM USAGE(MiB)", memUsage / 1024 / 1024)
                .put("MEM LIMIT(MiB)", memLimit / 1024 / 1024)
                .put("MEM %", memLimit > 0 ? memUsage / memLimit * 100 : 0.0)
                .put("BLOCK I/O(B)", s.getLong("block_read", 0L) + "/" + s.getLong("block_write", 0L))
                .put("NET I/O(B)", s.getLong("net_rx", 0L) + "/" + s.getLong("net_tx", 0L));
    }

    // ---- archives -------------------------------------------------------------------------------------------------

    /**
     * {@code {"data", "stat"}}: the tar archive Base64-encoded from 1.25, before that the raw bytes as a string (one
     * character per byte, ISO-8859-1, the one lossless way to put bytes into a JSON string). The agent refuses an
     * archive larger than {@link ComputeClient#MAX_ARCHIVE_BYTES} (400); the answer is written off the event loop.
     */
    private void getArchive(RoutingContext ctx) {
        ApiVersion v = RequestContext.version(ctx);
        ArchivePathQuery q = ArchivePathQuery.parse(ctx.queryParams());
        sync(ctx, Operation.GET_ARCHIVE, c -> compute.getJson(c.host(), containerPath(c, "/archive"),
                        Map.of("path", q.path()))
                .compose(r -> ctx.vertx().executeBlocking(() -> {
                    String data = r.getString("data", "");
                    if (!v.atLeast(25)) {
                        data = new String(Base64.getDecoder().decode(data), StandardCharsets.ISO_8859_1);
                    }
                    return new JsonObject().put("data", data).put("stat", r.getJsonObject("stat")).encode();
                }, false)));
    }

    /** Whether the request is a put_archive, whose body may be as large as {@link #PUT_ARCHIVE_MAX_BODY}. */
    public static boolean isArchiveUpload(RoutingContext ctx) {
        return ctx.request().method() == HttpMethod.POST && PUT_ARCHIVE_PATH.matcher(ctx.normalizedPath()).matches();
    }

    /**
     * Body {@code {"data": <tar>}}, Base64 from 1.25 (raw before, as get_archive gives it); answers 200 null. The body
     * (up to {@link #PUT_ARCHIVE_MAX_BODY}) is read off the event loop, and the archive checked there
     * ({@link ArchiveCheck}: a readable tar whose members go through no link).
     */
    private void putArchive(RoutingContext ctx) {
        ApiVersion v = RequestContext.version(ctx);
        ArchivePathQuery q = ArchivePathQuery.parse(ctx.queryParams());
        Buffer body = ctx.body() == null ? null : ctx.body().buffer();
        ctx.vertx().executeBlocking(() -> ArchiveCheck.check(archiveData(body, v.atLeast(25))), false)
                .onFailure(ctx::fail)
                .onSuccess(tar -> sync(ctx, Operation.PUT_ARCHIVE, c -> compute.putBytes(c.host(),
                        containerPath(c, "/archive"), Map.of("path", q.path()), tar, "application/x-tar")
                        .map(r -> "null")));
    }

    /**
     * The tar archive of a put_archive body, streamed out of the JSON without holding its text: {@code data} decoded
     * from Base64 (whitespace and escaped line breaks skipped, padding optional) or, before 1.25, its characters as
     * bytes (ISO-8859-1). Other members are ignored; a repeated {@code data} counts once, the last one. 400 for what
     * any other body would get it for, a {@code data} missing, not a string or not Base64; 413 for an archive larger
     * than {@link ComputeClient#MAX_ARCHIVE_BYTES}.
     */
    static Buffer archiveData(Buffer body, boolean base64) {
        if (body == null || body.length() == 0) {
            throw ZunException.schema("Request body is empty.");
        }
        try (JsonParser p = ARCHIVE_BODIES.createParser(ComputeClient.stream(body))) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                // null, an array, a scalar: the answers of any other body
                Object parsed = Json.decodeValue(body);
                throw ZunException.schema((parsed == null ? "None" : parsed) + " is not of type 'object'");
            }
            Buffer tar = null;
            String missing = "'data' is a required property";
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                boolean data = "data".equals(p.currentName());
                JsonToken value = p.nextToken();
                if (!data) {
                    p.skipChildren();
                    continue;
                }
                tar = null;
                if (value == JsonToken.VALUE_STRING) {
                    tar = base64 ? base64(p, body.length()) : raw(p.getText());
                    missing = null;
                } else {
                    missing = value == JsonToken.VALUE_NULL ? "'data' is a required property"
                            : "Invalid input for field 'data'. The value must be a string.";
                    p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw new DecodeException("Unexpected trailing token");
            }
            if (missing != null) {
                throw ZunException.schema(missing);
            }
            return tar;
        } catch (IOException e) {
            // Malformed JSON: the framework's 400, as for any other body
            throw new DecodeException(e.getMessage(), e);
        }
    }

    private static Buffer base64(JsonParser p, int bodyLength) throws IOException {
        Buffer tar = Buffer.buffer((int) Math.min(ComputeClient.MAX_ARCHIVE_BYTES + 1, bodyLength / 4L * 3 + 3));
        OutputStream sink = new OutputStream() {
            @Override
            public void write(int b) {
                room(1);
                tar.appendByte((byte) b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                room(len);
                tar.appendBytes(b, off, len);
            }

            private void room(int n) {
                if (tar.length() + (long) n > ComputeClient.MAX_ARCHIVE_BYTES) {
                    throw archiveTooLarge();
                }
            }
        };
        try {
            p.readBinaryValue(BASE64, sink);
        } catch (IllegalArgumentException e) {
            // Jackson's report of a character or padding that is not Base64
            throw ZunException.invalid("The data is not valid Base64: " + e.getMessage());
        }
        return tar;
    }

    private static Buffer raw(String text) {
        if (text.length() > ComputeClient.MAX_ARCHIVE_BYTES) {
            throw archiveTooLarge();
        }
        return Buffer.buffer(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** 413 in the framework's shape, as a body over the limit, saying which limit. */
    private static ZunException archiveTooLarge() {
        return new ZunException(413, "", "The archive is larger than the limit of " + ComputeClient.MAX_ARCHIVE_BYTES
                + " bytes.") {
            @Override
            public String title() {
                return "Request Entity Too Large";
            }
        };
    }

    // ---- network list (1.13-) -------------------------------------------------------------------------------------

    /**
     * The networks the container is attached to, in the shape of the version: 1.18 and later one entry per network
     * port with its {@code fixed_ips}, 1.13-1.17 one flat entry per address. Like Zun it checks no status. Recorded
     * addresses are answered as Zun does; a container without any is asked of its host, which reports Docker's
     * networks (none with network mode {@code none}).
     */
    private void networkList(RoutingContext ctx) {
        ApiVersion v = RequestContext.version(ctx);
        Microversions.requireAtLeast(v, 13);
        Identity who = RequestContext.identity(ctx);
        lookup.resolve(ctx.pathParam("c"), who).compose(c -> {
            if (!c.addresses().isEmpty()) {
                return Future.succeededFuture(fromAddresses(c.addresses(), v.atLeast(18)));
            }
            if (c.host() == null || c.containerId() == null) {
                return Future.succeededFuture(new JsonArray());
            }
            return compute.getJson(c.host(), containerPath(c, "/networks"), Map.of())
                    .map(r -> fromRuntime(r.getJsonArray("networks", new JsonArray()), v.atLeast(18)));
        }).onSuccess(list -> ApiRouter.json(ctx, 200, new JsonObject().put("networks", list).encode()))
                .onFailure(ctx::fail);
    }

    static JsonArray fromAddresses(Map<String, List<Address>> addresses, boolean grouped) {
        JsonArray out = new JsonArray();
        addresses.forEach((net, list) -> {
            if (!grouped) {
                for (Address a : list) {
                    out.add(new JsonObject().put("net_id", net).put("subnet_id", a.subnetId())
                            .put("port_id", a.port()).put("version", a.version()).put("ip_address", a.addr()));
                }
                return;
            }
            Map<String, JsonArray> byPort = new LinkedHashMap<>();
            for (Address a : list) {
                byPort.computeIfAbsent(a.port(), k -> new JsonArray()).add(new JsonObject()
                        .put("subnet_id", a.subnetId()).put("version", a.version()).put("ip_address", a.addr()));
            }
            byPort.forEach((port, ips) -> out.add(new JsonObject().put("net_id", net).put("port_id", port)
                    .put("fixed_ips", ips)));
        });
        return out;
    }

    static JsonArray fromRuntime(JsonArray networks, boolean grouped) {
        JsonArray out = new JsonArray();
        for (int i = 0; i < networks.size(); i++) {
            JsonObject n = networks.getJsonObject(i);
            String net = n.getString("network_id") != null ? n.getString("network_id") : n.getString("name");
            String port = n.getString("endpoint_id");
            List<JsonObject> ips = new ArrayList<>();
            if (n.getString("ipv4") != null) {
                ips.add(new JsonObject().putNull("subnet_id").put("version", 4).put("ip_address", n.getString("ipv4")));
            }
            if (n.getString("ipv6") != null) {
                ips.add(new JsonObject().putNull("subnet_id").put("version", 6).put("ip_address", n.getString("ipv6")));
            }
            if (grouped) {
                out.add(new JsonObject().put("net_id", net).put("port_id", port)
                        .put("fixed_ips", new JsonArray(new ArrayList<>(ips))));
            } else {
                for (JsonObject ip : ips) {
                    out.add(new JsonObject().put("net_id", net).putNull("subnet_id").put("port_id", port)
                            .put("version", ip.getInteger("version")).put("ip_address", ip.getString("ip_address")));
                }
            }
        }
        return out;
    }

    // ---- shared ---------------------------------------------------------------------------------------------------

    /** A synchronous call for a container in a state {@code op} allows, answering 200 with the JSON text given. */
    private void sync(RoutingContext ctx, Operation op, Function<Container, Future<String>> call) {
        running(ctx, op).compose(call)
                .onSuccess(json -> ApiRouter.json(ctx, 200, json))
                .onFailure(ctx::fail);
    }

    /** The container, if its status allows {@code op} (409 otherwise) and it exists on a host. */
    private Future<Container> running(RoutingContext ctx, Operation op) {
        return resolve(ctx, op).compose(c -> {
            if (!op.allows(c.status())) {
                return Future.failedFuture(ZunException.invalidState(op, c.uuid().toString(), c.status()));
            }
            if (c.host() == null || c.containerId() == null) {
                return Future.failedFuture(ZunException.conflict("Cannot act on container in '" + c.status().wire()
                        + "' state"));
            }
            return Future.succeededFuture(c);
        });
    }

    /** The container of the path, visible to the caller and allowed by the policy rule {@code container:<op>}. */
    private Future<Container> resolve(RoutingContext ctx, Operation op) {
        Identity who = RequestContext.identity(ctx);
        return lookup.resolve(ctx.pathParam("c"), who).compose(c -> {
            policy.enforce("container:" + op.key(), who, c.projectId());
            return Future.succeededFuture(c);
        });
    }

    /** The locked row, checked against the state table: 404 when it vanished, 409 when the status forbids. */
    private static Container locked(Optional<Container> row, RoutingContext ctx, Operation op) {
        Container c = row.orElseThrow(() -> ZunException.containerNotFound(ctx.pathParam("c")));
        if (!op.allows(c.status())) {
            throw ZunException.invalidState(op, c.uuid().toString(), c.status());
        }
        return c;
    }

    /** A container never placed has nothing on a host to act on: the same 409 as a forbidden status. */
    private static Container placed(Container c, Operation op) {
        if (c.host() == null) {
            throw ZunException.invalidState(op, c.uuid().toString(), c.status());
        }
        return c;
    }

    private static String containerPath(Container c, String suffix) {
        return "/containers/" + c.uuid() + suffix;
    }

    private JsonObject view(RoutingContext ctx, Container c, Identity who) {
        return ContainerHttp.view(c, who, RequestContext.version(ctx), policy, publicUrl);
    }

}
