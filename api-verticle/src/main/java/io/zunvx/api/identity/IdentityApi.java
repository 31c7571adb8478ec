package io.zunvx.api.identity;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.SqlClient;
import io.zunvx.platform.app.Platform;
import io.zunvx.platform.auth.Identity;
import io.zunvx.platform.auth.TokenService;
import io.zunvx.platform.config.ZunvxConfig;
import io.zunvx.platform.db.Transactions;
import io.zunvx.platform.error.ZunException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part of Keystone v3 that Zun's clients use, under {@code /identity}: version discovery, password and token
 * authentication issuing the platform's JWTs with a catalog holding Zun ({@code container}), token validation, the
 * JWK set, and an admin API for projects, users, roles and role assignments. Errors come in Keystone's shape.
 * Authentication failures say nothing about which part was wrong, cost the same for unknown users, and are limited
 * per user name and source address. The tokens it issues hold only while the tables back them ({@link AccountCheck});
 * every change to users, projects or grants empties that check's cache.
 */
public final class IdentityApi {
    private static final Logger LOG = LoggerFactory.getLogger(IdentityApi.class);
    private static final int MAX_PASSWORD = 4096;
    private static final String V3 = "/identity/v3";

    /** The login counter of a client address for every user name together. */
    private static final String CLIENT_KEY = "client:*";

    private final Vertx vertx;
    private final SqlClient sql;
    private final TokenService tokens;
    private final AccountCheck accounts;
    private final Passwords passwords;
    private final IdentityStore store = new IdentityStore();
    private final KeystoneViews views;
    private final int maxAttempts;
    private final int maxClientFailures;
    private final ClientAddress clients;
    private final Duration window;
    private final Clock clock;

    IdentityApi(Vertx vertx, Transactions db, TokenService tokens, AccountCheck accounts, Passwords passwords,
                String publicUrl, int maxAttempts, int maxClientFailures, ClientAddress clients, Duration window,
                Clock clock) {
        this.maxClientFailures = maxClientFailures;
        this.clients = clients;
        this.vertx = vertx;
        this.sql = db.statements();
        this.tokens = tokens;
        this.accounts = accounts;
        this.passwords = passwords;
        this.views = new KeystoneViews(publicUrl);
        this.maxAttempts = maxAttempts;
        this.window = window;
        this.clock = clock;
    }

    /**
     * Built from the platform; call from the API verticle's start, so the hashing pool and the purge timer belong
     * to the verticle and end with it.
     */
    public static IdentityApi create(Vertx vertx, Platform platform) {
        ZunvxConfig.Identity cfg = platform.config().identity();
        Passwords passwords = new Passwords(new PasswordHasher(),
                vertx.createSharedWorkerExecutor(Passwords.POOL, Passwords.poolSize()));
        return new IdentityApi(vertx, platform.transactions(), platform.tokens(),
                AccountCheck.of(vertx, platform.transactions()),
                passwords, platform.config().api().publicUrl(), cfg.loginMaxFailures(),
                cfg.loginMaxFailuresPerClient(), new ClientAddress(cfg.trustedProxies()), cfg.loginWindow(),
                platform.clock());
    }

    public void mount(Router r) {
        r.get("/identity").handler(ctx -> send(ctx, new Reply(300, views.versions())));
        r.get("/identity/").handler(ctx -> send(ctx, new Reply(300, views.versions())));
        r.get(V3).handler(ctx -> send(ctx, Reply.ok(views.version())));
        r.get(V3 + "/").handler(ctx -> send(ctx, Reply.ok(views.version())));

        r.post(V3 + "/auth/tokens").handler(handle(this::issue));
        r.get(V3 + "/auth/tokens").handler(handle(this::validate));
        r.head(V3 + "/auth/tokens").handler(handle(this::validate));
        r.delete(V3 + "/auth/tokens").handler(handle(this::revokeToken));
        r.get(V3 + "/auth/jwks").handler(ctx -> send(ctx, Reply.ok(tokens.jwks())));
        r.get(V3 + "/auth/projects").handler(handle(this::ownProjects));
        r.get(V3 + "/auth/catalog").handler(handle(ctx -> caller(ctx).map(who -> Reply.ok(new JsonObject()
                .put("catalog", views.catalog(who.projectId()))
                .put("links", new JsonObject().put("self", views.identityUrl() + "/auth/catalog")
                        .put("previous", (Object) null).put("next", (Object) null))))));

        r.post(V3 + "/projects").handler(handle(this::createProject));
        r.get(V3 + "/projects").handler(handle(this::listProjects));
        r.get(V3 + "/projects/:id").handler(handle(this::showProject));
        r.patch(V3 + "/projects/:id").handler(handle(this::updateProject));
        r.delete(V3 + "/projects/:id").handler(handle(this::deleteProject));

        r.post(V3 + "/users").handler(handle(this::createUser));
        r.get(V3 + "/users").handler(handle(this::listUsers));
        r.get(V3 + "/users/:id").handler(handle(this::showUser));
        r.patch(V3 + "/users/:id").handler(handle(this::updateUser));
        r.delete(V3 + "/users/:id").handler(handle(this::deleteUser));
        r.get(V3 + "/users/:id/projects").handler(handle(this::userProjects));

        r.get(V3 + "/domains").handler(handle(this::listDomains));
        r.get(V3 + "/domains/:id").handler(handle(this::showDomain));
        r.get(V3 + "/roles").handler(handle(this::listRoles));
        r.get(V3 + "/roles/:id").handler(handle(this::showRole));
        r.get(V3 + "/projects/:p/users/:u/roles").handler(handle(this::listGrants));
        r.put(V3 + "/projects/:p/users/:u/roles/:r").handler(handle(this::grant));
        r.get(V3 + "/projects/:p/users/:u/roles/:r").handler(handle(this::checkGrant));
        r.head(V3 + "/projects/:p/users/:u/roles/:r").handler(handle(this::checkGrant));
        r.delete(V3 + "/projects/:p/users/:u/roles/:r").handler(handle(this::revoke));
        r.get(V3 + "/role_assignments").handler(handle(this::listAssignments));

        long every = Math.max(1_000, Math.min(window.toMillis(), Duration.ofMinutes(1).toMillis()));
        vertx.setPeriodic(every, id -> store.purgeAttempts(sql, clock.instant().minus(window))
                .compose(n -> store.purgeRevokedTokens(sql, clock.instant()))
                .onFailure(e -> LOG.warn("cannot purge old login attempts or revocations: {}", e.getMessage())));
    }

    // ---- tokens ---------------------------------------------------------------------------------------------------

    private Future<Reply> issue(RoutingContext ctx) {
        AuthRequest req = AuthRequest.parse(requireBody(ctx));
        boolean withCatalog = !ctx.queryParams().contains("nocatalog");
        // A token made from a token keeps the first one's expiry, as Keystone's do: renewing never extends a session.
        Promise<Instant> renewedExpiry = Promise.promise();
        Future<IdentityStore.User> user = switch (req) {
            case AuthRequest.ByPassword p -> {
                renewedExpiry.complete(null);
                yield checkPassword(p, source(ctx));
            }
            case AuthRequest.ByToken t -> checkToken(t, renewedExpiry);
        };
        List<String> methods = List.of(req instanceof AuthRequest.ByPassword ? "password" : "token");
        return user.compose(u -> scope(u, req.scope()).map(s -> {
            List<String> roleNames = s.roles().stream().map(IdentityStore.Role::name).toList();
            TokenService.Token t = tokens.issueForAccount(new Identity(u.id(), u.name(), s.project().id(),
                    s.project().name(), roleNames, null), renewedExpiry.future().result());
            JsonObject body = views.token(new KeystoneViews.TokenSubject(u.id(), u.name(), s.project().id(),
                            s.project().name(), s.roles()), methods, seconds(t.issuedAt()), seconds(t.expiresAt()),
                    auditId(t.value()), withCatalog);
            return new Reply(201, body, Map.of("X-Subject-Token", t.value()));
        }));
    }

    /**
     * Counts the attempt, then checks the password, spending the same work whether the user exists, is disabled or
     * has no password, so neither the answer nor its timing tells which was the case.
     *
     * <p>Two counters, both per client address ({@link ClientAddress}) and window: one per account (or unknown name),
     * {@code ZUNVX_LOGIN_MAX_FAILURES}, and one for all names together, {@code ZUNVX_LOGIN_MAX_FAILURES_PER_CLIENT},
     * so that a client trying many names (unknown ones cost a dummy hash as long as real ones) gets 429 without any
     * hashing once it is past that. A success takes its own attempt back off the client's counter.
     */
    private Future<IdentityStore.User> checkPassword(AuthRequest.ByPassword p, String source) {
        return store.countAttempt(sql, CLIENT_KEY, source, clock.instant(), window).compose(clientAttempts -> {
            if (clientAttempts > maxClientFailures) {
                return Future.failedFuture(KeystoneError.tooManyAttempts());
            }
            return checkAccount(p, source).compose(u -> store.forgiveAttempt(sql, CLIENT_KEY, source).map(u));
        });
    }

    private Future<IdentityStore.User> checkAccount(AuthRequest.ByPassword p, String source) {
        AuthRequest.UserRef ref = p.user();
        Future<Optional<IdentityStore.User>> found = ref.id() != null ? store.user(sql, ref.id())
                : ref.domain().isDefault() ? store.userByName(sql, IdentityStore.DEFAULT_DOMAIN, ref.name())
                : Future.succeededFuture(Optional.empty());
        return found.compose(user -> {
            // Name and id of one user share a counter; unknown names are counted as given.
            String key = user.map(u -> "user:" + u.id()).orElseGet(ref::attemptKey);
            return store.countAttempt(sql, key, source, clock.instant(), window).compose(attempts -> {
                if (attempts > maxAttempts) {
                    return Future.failedFuture(KeystoneError.tooManyAttempts());
                }
                String hash = user.filter(IdentityStore.User::enabled).map(IdentityStore.User::passwordHash)
                        .orElse(null);
                return passwords.verify(p.password(), hash).compose(ok -> {
                    if (!ok) {
                        return Future.failedFuture(KeystoneError.unauthorized());
                    }
                    IdentityStore.User u = user.orElseThrow();
                    if (passwords.needsRehash(hash)) {
                        passwords.hash(p.password()).compose(h -> store.rehash(sql, u.id(), hash, h))
                                .onFailure(e -> LOG.warn("cannot upgrade the password hash of user {}: {}", u.id(),
                                        e.getMessage()));
                    }
                    return store.clearAttempts(sql, key, source).map(u);
                });
            });
        });
    }

    /**
     * The token method: one of our tokens, still valid (its user, project and role there, when the identity service
     * issued it; not revoked), for a user that still exists and is enabled. {@code expiry} gets the token's expiry,
     * which the new token keeps.
     */
    private Future<IdentityStore.User> checkToken(AuthRequest.ByToken t, Promise<Instant> expiry) {
        return tokens.inspect(t.token())
                .compose(v -> v.local() ? accounts.check(v).compose(who -> {
                            expiry.tryComplete(v.identity().expiresAt());
                            return store.user(sql, who.userId());
                        })
                        : Future.failedFuture(KeystoneError.unauthorized()))
                .compose(u -> u.filter(IdentityStore.User::enabled).map(Future::succeededFuture)
                        .orElseGet(() -> Future.failedFuture(KeystoneError.unauthorized())));
    }

    private record Scoped(IdentityStore.Project project, List<IdentityStore.Role> roles) {
    }

    /** The project the token will act in, and the user's roles there (expanded); 401 if there are none. */
    private Future<Scoped> scope(IdentityStore.User u, AuthRequest.ProjectRef ref) {
        Future<Optional<IdentityStore.Project>> project;
        if (ref == null) {
            if (u.defaultProjectId() == null) {
                return Future.failedFuture(KeystoneError.badRequest("No project was named in the scope and the "
                        + "user has no default project; unscoped tokens are not supported."));
            }
            project = store.project(sql, u.defaultProjectId());
        } else if (ref.id() != null) {
            project = store.project(sql, ref.id());
        } else if (ref.domain().isDefault()) {
            project = store.projectByName(sql, IdentityStore.DEFAULT_DOMAIN, ref.name());
        } else {
            project = Future.succeededFuture(Optional.empty());
        }
        return project.compose(p -> {
            if (p.isEmpty() || !p.get().enabled()) {
                return Future.failedFuture(KeystoneError.unauthorized());
            }
            return store.rolesOn(sql, u.id(), p.get().id()).compose(assigned -> assigned.isEmpty()
                    ? Future.failedFuture(KeystoneError.unauthorized())
                    : store.roles(sql, null).map(known ->
                            new Scoped(p.get(), ImpliedRoles.expand(assigned, known))));
        });
    }

    /**
     * {@code GET|HEAD /auth/tokens}: the caller's token in {@code X-Auth-Token}, the one to check in
     * {@code X-Subject-Token}. Admins may check any token, others their own. A token of a user or project deleted
     * or disabled since, or of a user without a role on the project any more, is not valid any more; the roles shown
     * are those assigned now ({@link AccountCheck}).
     */
    private Future<Reply> validate(RoutingContext ctx) {
        String subject = ctx.request().getHeader("X-Subject-Token");
        boolean withCatalog = !ctx.queryParams().contains("nocatalog");
        return caller(ctx).compose(who -> tokens.inspect(subject)
                .recover(e -> Future.failedFuture(tokenNotFound()))
                .compose(v -> {
                    if (!who.isAdmin() && !who.userId().equals(v.identity().userId())) {
                        return Future.failedFuture(KeystoneError.forbidden("validate_token"));
                    }
                    return stillValid(v).compose(id -> store.roles(sql, null).map(known -> {
                        Map<String, IdentityStore.Role> byName = new HashMap<>();
                        known.forEach(r -> byName.put(r.name(), r));
                        List<IdentityStore.Role> roles = id.roles().stream()
                                .map(n -> byName.getOrDefault(n, new IdentityStore.Role(n, n, "")))
                                .toList();
                        Instant issued = v.issuedAt() == null ? seconds(clock.instant()) : v.issuedAt();
                        JsonObject body = views.token(new KeystoneViews.TokenSubject(id.userId(),
                                        id.userName() == null ? id.userId() : id.userName(), id.projectId(),
                                        id.projectName() == null ? id.projectId() : id.projectName(), roles),
                                List.of("password"), issued, id.expiresAt(), v.tokenId(), withCatalog);
                        return new Reply(200, body, Map.of("X-Subject-Token", subject));
                    }));
                }));
    }

    /**
     * The subject of a verified token as it stands now, or "token not found": an identity service token as the
     * tables back it ({@link AccountCheck}); another of the platform's tokens while its user exists and is enabled;
     * an external issuer's token as it is.
     */
    /**
     * {@code DELETE /auth/tokens}: revokes the {@code X-Subject-Token} (a user may revoke their own tokens, an admin
     * anyone's); 204. The token then fails everywhere within {@link AccountCheck#TTL}, at once on this process. A
     * token that does not verify, or is no identity service token, is 404 as Keystone's.
     */
    private Future<Reply> revokeToken(RoutingContext ctx) {
        String subject = ctx.request().getHeader("X-Subject-Token");
        return caller(ctx).compose(who -> tokens.inspect(subject)
                .recover(e -> Future.failedFuture(tokenNotFound()))
                .compose(v -> {
                    if (!v.local() || !v.account() || v.tokenId() == null) {
                        return Future.failedFuture(tokenNotFound());
                    }
                    if (!who.isAdmin() && !who.userId().equals(v.identity().userId())) {
                        return Future.failedFuture(KeystoneError.forbidden("revoke_token"));
                    }
                    return store.revokeToken(sql, v.tokenId(), v.identity().expiresAt()).map(x -> {
                        accounts.invalidate();
                        return new Reply(204, null);
                    });
                }));
    }

    private Future<Identity> stillValid(TokenService.Verified v) {
        if (v.local() && !v.account()) {
            return store.user(sql, v.identity().userId()).compose(u -> u.isPresent() && u.get().enabled()
                    ? Future.succeededFuture(v.identity()) : Future.failedFuture(tokenNotFound()));
        }
        return accounts.check(v).recover(e -> Future.failedFuture(
                e instanceof ZunException z && z.status() == 401 ? tokenNotFound() : e));
    }

    private static KeystoneError tokenNotFound() {
        return new KeystoneError(404, "Not Found", "Could not find token.");
    }

    private Future<Reply> ownProjects(RoutingContext ctx) {
        return caller(ctx).compose(who -> store.projects(sql, null, who.userId()))
                .map(ps -> projects(ps.stream().filter(IdentityStore.Project::enabled).toList(), "/auth/projects"));
    }

    // ---- projects -------------------------------------------------------------------------------------------------

    private Future<Reply> createProject(RoutingContext ctx) {
        JsonObject p = member(requireBody(ctx), "project");
        String name = name(p, 64, true);
        String description = optionalString(p, "description");
        Boolean enabled = optionalBoolean(p, "enabled");
        domain(p);
        if (Boolean.TRUE.equals(p.getValue("is_domain"))) {
            throw KeystoneError.badRequest("Projects acting as domains are not supported.");
        }
        Object parent = p.getValue("parent_id");
        if (parent != null && !IdentityStore.DEFAULT_DOMAIN.equals(parent)) {
            // Projects are flat: their parent is always their domain.
            throw KeystoneError.badRequest("Invalid parent_id: project hierarchies are not supported; a project's "
                    + "parent is its domain, '" + IdentityStore.DEFAULT_DOMAIN + "'.");
        }
        return admin(ctx, "create_project")
                .compose(who -> store.insertProject(sql, new IdentityStore.Project(newId(), name,
                        IdentityStore.DEFAULT_DOMAIN, description == null ? "" : description,
                        enabled == null || enabled)))
                .recover(e -> Future.failedFuture(duplicate(e, "project", name)))
                .map(created -> new Reply(201, new JsonObject().put("project", views.project(created))));
    }

    private Future<Reply> listProjects(RoutingContext ctx) {
        String name = ctx.queryParams().get("name");
        return admin(ctx, "list_projects").compose(who -> store.projects(sql, name, null))
                .map(ps -> projects(ps, "/projects"));
    }

    private Reply projects(List<IdentityStore.Project> ps, String path) {
        JsonArray items = new JsonArray();
        ps.forEach(p -> items.add(views.project(p)));
        return Reply.ok(views.collection("projects", items, path));
    }

    private Future<Reply> showProject(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        return caller(ctx).compose(who -> who.isAdmin() || who.projectId().equals(id)
                        ? store.project(sql, id)
                        : Future.failedFuture(KeystoneError.forbidden("get_project")))
                .compose(p -> found(p, "project", id))
                .map(p -> Reply.ok(new JsonObject().put("project", views.project(p))));
    }

    private Future<Reply> updateProject(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        JsonObject p = member(requireBody(ctx), "project");
        String name = p.containsKey("name") ? name(p, 64, true) : null;
        String description = optionalString(p, "description");
        Boolean enabled = optionalBoolean(p, "enabled");
        return admin(ctx, "update_project")
                .compose(who -> store.updateProject(sql, id, name, description, enabled)
                        .andThen(ar -> accounts.invalidate()))
                .recover(e -> Future.failedFuture(duplicate(e, "project", name)))
                .compose(u -> found(u, "project", id))
                .map(u -> Reply.ok(new JsonObject().put("project", views.project(u))));
    }

    private Future<Reply> deleteProject(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        return admin(ctx, "delete_project")
                .compose(who -> store.deleteProject(sql, id).andThen(ar -> accounts.invalidate()))
                .compose(deleted -> deleted ? Future.succeededFuture(Reply.noContent())
                        : Future.failedFuture(KeystoneError.notFound("project", id)));
    }

    // ---- users ----------------------------------------------------------------------------------------------------

    private Future<Reply> createUser(RoutingContext ctx) {
        JsonObject u = member(requireBody(ctx), "user");
        String name = name(u, 255, true);
        String password = password(u);
        String description = optionalString(u, "description");
        Boolean enabled = optionalBoolean(u, "enabled");
        String defaultProject = optionalString(u, "default_project_id");
        domain(u);
        return admin(ctx, "create_user")
                .compose(who -> requireProject(defaultProject))
                .compose(v -> password == null ? Future.succeededFuture((String) null) : passwords.hash(password))
                .compose(hash -> store.insertUser(sql, new IdentityStore.User(newId(), name,
                        IdentityStore.DEFAULT_DOMAIN, hash, enabled == null || enabled, defaultProject,
                        description == null ? "" : description)))
                .recover(e -> Future.failedFuture(duplicate(e, "user", name)))
                .map(created -> new Reply(201, new JsonObject().put("user", views.user(created))));
    }

    /** Succeeds if {@code id} is {@code null} or an existing project. */
    private Future<Void> requireProject(String id) {
        return id == null ? Future.succeededFuture()
                : store.project(sql, id).compose(p -> found(p, "project", id)).mapEmpty();
    }

    private Future<Reply> listUsers(RoutingContext ctx) {
        String name = ctx.queryParams().get("name");
        return admin(ctx, "list_users").compose(who -> store.users(sql, name)).map(us -> {
            JsonArray items = new JsonArray();
            us.forEach(u -> items.add(views.user(u)));
            return Reply.ok(views.collection("users", items, "/users"));
        });
    }

    private Future<Reply> showUser(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        return caller(ctx).compose(who -> who.isAdmin() || who.userId().equals(id) ? store.user(sql, id)
                        : Future.failedFuture(KeystoneError.forbidden("get_user")))
                .compose(u -> found(u, "user", id))
                .map(u -> Reply.ok(new JsonObject().put("user", views.user(u))));
    }

    private Future<Reply> updateUser(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        JsonObject u = member(requireBody(ctx), "user");
        String name = u.containsKey("name") ? name(u, 255, true) : null;
        String password = password(u);
        String description = optionalString(u, "description");
        Boolean enabled = optionalBoolean(u, "enabled");
        boolean clearProject = u.containsKey("default_project_id") && u.getValue("default_project_id") == null;
        String defaultProject = optionalString(u, "default_project_id");
        return admin(ctx, "update_user")
                .compose(who -> requireProject(defaultProject))
                .compose(v -> password == null ? Future.succeededFuture((String) null) : passwords.hash(password))
                .compose(hash -> store.updateUser(sql, id, name, hash, enabled, defaultProject, clearProject,
                        description).andThen(ar -> accounts.invalidate()))
                .recover(e -> Future.failedFuture(duplicate(e, "user", name)))
                .compose(x -> found(x, "user", id))
                .map(x -> Reply.ok(new JsonObject().put("user", views.user(x))));
    }

    private Future<Reply> deleteUser(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        return admin(ctx, "delete_user")
                .compose(who -> store.deleteUser(sql, id).andThen(ar -> accounts.invalidate()))
                .compose(deleted -> deleted ? Future.succeededFuture(Reply.noContent())
                        : Future.failedFuture(KeystoneError.notFound("user", id)));
    }

    private Future<Reply> userProjects(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        return caller(ctx).compose(who -> who.isAdmin() || who.userId().equals(id)
                        ? store.user(sql, id).compose(u -> found(u, "user", id))
                        : Future.failedFuture(KeystoneError.forbidden("list_user_projects")))
                .compose(u -> store.projects(sql, null, id))
                .map(ps -> projects(ps, "/users/" + id + "/projects"));
    }

    // ---- roles and grants -----------------------------------------------------------------------------------------

    /**
     * Only the default domain exists: listed to admins, filtered by {@code name} and {@code enabled} as Keystone
     * filters (exact name; {@code enabled} false-y spellings {@code 0 false f no n off} list nothing).
     */
    private Future<Reply> listDomains(RoutingContext ctx) {
        String name = ctx.queryParams().get("name");
        String enabled = ctx.queryParams().get("enabled");
        return admin(ctx, "list_domains").map(who -> {
            JsonObject d = views.domain();
            boolean keep = (name == null || name.equals(d.getString("name")))
                    && (enabled == null || !List.of("0", "false", "f", "no", "n", "off")
                    .contains(enabled.toLowerCase(Locale.ROOT)));
            JsonArray items = keep ? new JsonArray().add(d) : new JsonArray();
            return Reply.ok(views.collection("domains", items, "/domains"));
        });
    }

    /** Any caller may show the default domain, which every token's project belongs to; others are 404. */
    private Future<Reply> showDomain(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        return caller(ctx).compose(who -> IdentityStore.DEFAULT_DOMAIN.equals(id)
                ? Future.succeededFuture(Reply.ok(new JsonObject().put("domain", views.domain())))
                : Future.failedFuture(KeystoneError.notFound("domain", id)));
    }

    private Future<Reply> listRoles(RoutingContext ctx) {
        String name = ctx.queryParams().get("name");
        return admin(ctx, "list_roles").compose(who -> store.roles(sql, name)).map(this::roles);
    }

    private Reply roles(List<IdentityStore.Role> rs) {
        JsonArray items = new JsonArray();
        rs.forEach(r -> items.add(views.role(r)));
        return Reply.ok(views.collection("roles", items, "/roles"));
    }

    private Future<Reply> showRole(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        return admin(ctx, "get_role").compose(who -> store.role(sql, id)).compose(r -> found(r, "role", id))
                .map(r -> Reply.ok(new JsonObject().put("role", views.role(r))));
    }

    private record Grant(IdentityStore.Project project, IdentityStore.User user, IdentityStore.Role role) {
    }

    /** The project, user and (if named) role of a grant path; roles by id or by name. */
    private Future<Grant> grantPath(RoutingContext ctx, String action) {
        String p = ctx.pathParam("p");
        String u = ctx.pathParam("u");
        String r = ctx.pathParam("r");
        return admin(ctx, action)
                .compose(who -> store.project(sql, p).compose(x -> found(x, "project", p)))
                .compose(project -> store.user(sql, u).compose(x -> found(x, "user", u))
                        .compose(user -> r == null ? Future.succeededFuture(new Grant(project, user, null))
                                : store.role(sql, r).compose(x -> found(x, "role", r))
                                .map(role -> new Grant(project, user, role))));
    }

    private Future<Reply> grant(RoutingContext ctx) {
        return grantPath(ctx, "create_grant")
                .compose(g -> store.assign(sql, g.user().id(), g.project().id(), g.role().id())
                        .andThen(ar -> accounts.invalidate()))
                .map(v -> Reply.noContent());
    }

    private Future<Reply> checkGrant(RoutingContext ctx) {
        return grantPath(ctx, "check_grant")
                .compose(g -> store.rolesOn(sql, g.user().id(), g.project().id())
                        .compose(rs -> rs.stream().anyMatch(x -> x.id().equals(g.role().id()))
                                ? Future.succeededFuture(Reply.noContent())
                                : Future.failedFuture(assignmentNotFound())));
    }

    private Future<Reply> revoke(RoutingContext ctx) {
        return grantPath(ctx, "revoke_grant")
                .compose(g -> store.unassign(sql, g.user().id(), g.project().id(), g.role().id())
                        .andThen(ar -> accounts.invalidate()))
                .compose(removed -> removed ? Future.succeededFuture(Reply.noContent())
                        : Future.failedFuture(assignmentNotFound()));
    }

    private static KeystoneError assignmentNotFound() {
        return new KeystoneError(404, "Not Found", "Could not find role assignment.");
    }

    private Future<Reply> listGrants(RoutingContext ctx) {
        return grantPath(ctx, "list_grants").compose(g -> store.rolesOn(sql, g.user().id(), g.project().id()))
                .map(this::roles);
    }

    private Future<Reply> listAssignments(RoutingContext ctx) {
        MultiMap q = ctx.queryParams();
        boolean names = q.contains("include_names") && !"false".equalsIgnoreCase(q.get("include_names"))
                && !"0".equals(q.get("include_names"));
        return admin(ctx, "list_role_assignments")
                .compose(who -> store.assignments(sql, q.get("user.id"), q.get("scope.project.id"),
                        q.get("role.id")))
                .map(as -> {
                    JsonArray items = new JsonArray();
                    as.forEach(a -> items.add(views.assignment(a, names)));
                    return Reply.ok(views.collection("role_assignments", items, "/role_assignments"));
                });
    }

    // ---- plumbing -------------------------------------------------------------------------------------------------

    /** A response: status, JSON body ({@code null} = none) and extra headers. */
    record Reply(int status, JsonObject body, Map<String, String> headers) {
        Reply(int status, JsonObject body) {
            this(status, body, Map.of());
        }

        static Reply ok(JsonObject body) {
            return new Reply(200, body);
        }

        static Reply noContent() {
            return new Reply(204, null);
        }
    }

    private Handler<RoutingContext> handle(Function<RoutingContext, Future<Reply>> handler) {
        return ctx -> {
            Future<Reply> reply;
            try {
                reply = handler.apply(ctx);
            } catch (RuntimeException e) {
                reply = Future.failedFuture(e);
            }
            reply.onComplete(ar -> {
                if (ar.succeeded()) {
                    send(ctx, ar.result());
                } else {
                    fail(ctx, ar.cause());
                }
            });
        };
    }

    private void fail(RoutingContext ctx, Throwable e) {
        KeystoneError k = KeystoneError.of(e);
        if (k == null) {
            UUID id = UUID.randomUUID();
            LOG.error("identity request {} {} failed; correlation id {}", ctx.request().method(),
                    ctx.request().path(), id, e);
            k = new KeystoneError(500, "Internal Server Error", "An unexpected error prevented the server from "
                    + "fulfilling your request. Error Correlation id is: " + id);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        if (k.status() == 401) {
            headers.put("WWW-Authenticate", "Keystone uri=\"" + views.identityUrl() + "\"");
        }
        if (k.status() == 429) {
            headers.put("Retry-After", String.valueOf(Math.max(1, window.toSeconds())));
        }
        send(ctx, new Reply(k.status(), k.body(), headers));
    }

    private static void send(RoutingContext ctx, Reply r) {
        HttpServerResponse resp = ctx.response();
        if (resp.ended() || resp.closed()) {
            return;
        }
        resp.setStatusCode(r.status());
        r.headers().forEach(resp::putHeader);
        if (r.body() == null || r.status() == 204) {
            resp.end();
            return;
        }
        resp.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        if (ctx.request().method() == HttpMethod.HEAD) {
            resp.end();
        } else {
            resp.end(r.body().encode());
        }
    }

    private Future<Identity> caller(RoutingContext ctx) {
        String token = ctx.request().getHeader("X-Auth-Token");
        if (token == null) {
            String h = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
            if (h != null && h.regionMatches(true, 0, "Bearer ", 0, 7)) {
                token = h.substring(7).trim();
            }
        }
        // An identity service token is honoured only while the tables back it, with the roles assigned now.
        return tokens.inspect(token).recover(e -> Future.failedFuture(KeystoneError.unauthorized()))
                .compose(accounts::check);
    }

    private Future<Identity> admin(RoutingContext ctx, String action) {
        return caller(ctx).compose(who -> who.isAdmin() ? Future.succeededFuture(who)
                : Future.failedFuture(KeystoneError.forbidden(action)));
    }

    /**
     * The client's address: the socket's peer, or, when that peer is a trusted proxy ({@code ZUNVX_TRUSTED_PROXIES}),
     * the client its {@code X-Forwarded-For} names.
     */
    private String source(RoutingContext ctx) {
        var a = ctx.request().remoteAddress();
        return clients.of(a == null ? null : a.host(), ctx.request().headers().getAll("X-Forwarded-For"));
    }

    private static JsonObject requireBody(RoutingContext ctx) {
        Object body = ctx.body() == null || ctx.body().length() <= 0 ? null
                : Json.decodeValue(ctx.body().buffer());
        if (!(body instanceof JsonObject o)) {
            throw KeystoneError.badRequest("The request body must be a JSON object.");
        }
        return o;
    }

    private static JsonObject member(JsonObject body, String key) {
        if (!(body.getValue(key) instanceof JsonObject o)) {
            throw KeystoneError.badRequest("Expecting to find " + key + " in the request body.");
        }
        return o;
    }

    private static String name(JsonObject o, int max, boolean required) {
        Object v = o.getValue("name");
        if (v == null && !required) {
            return null;
        }
        if (!(v instanceof String s) || s.isBlank() || s.length() > max) {
            throw KeystoneError.badRequest("Invalid input for field 'name': a string of 1 to " + max
                    + " characters is required.");
        }
        return s;
    }

    private static String password(JsonObject o) {
        Object v = o.getValue("password");
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s) || s.isEmpty() || s.length() > MAX_PASSWORD) {
            throw KeystoneError.badRequest("Invalid input for field 'password': a string of 1 to " + MAX_PASSWORD
                    + " characters is required.");
        }
        return s;
    }

    private static String optionalString(JsonObject o, String key) {
        Object v = o.getValue(key);
        if (v != null && !(v instanceof String)) {
            throw KeystoneError.badRequest("Invalid input for field '" + key + "': a string is required.");
        }
        return (String) v;
    }

    private static Boolean optionalBoolean(JsonObject o, String key) {
        Object v = o.getValue(key);
        if (v != null && !(v instanceof Boolean)) {
            throw KeystoneError.badRequest("Invalid input for field '" + key + "': true or false is required.");
        }
        return (Boolean) v;
    }

    /** Only the default domain exists. */
    private static void domain(JsonObject o) {
        String d = optionalString(o, "domain_id");
        if (d != null && !IdentityStore.DEFAULT_DOMAIN.equals(d)) {
            throw KeystoneError.notFound("domain", d);
        }
    }

    private static <T> Future<T> found(Optional<T> o, String kind, String id) {
        return o.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(KeystoneError.notFound(kind, id)));
    }

    private static Throwable duplicate(Throwable e, String kind, String name) {
        KeystoneError k = KeystoneError.of(e);
        if (k != null && k.status() == 409) {
            return KeystoneError.conflict(kind, "Duplicate entry found with name " + name + " at domain ID "
                    + IdentityStore.DEFAULT_DOMAIN);
        }
        return e;
    }

    private static String newId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    private static Instant seconds(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS);
    }

    /** The {@code jti} of a token this service just issued, used as Keystone's audit id. */
    private static String auditId(String jwt) {
        try {
            String payload = new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
            return new JsonObject(payload).getString("jti");
        } catch (RuntimeException e) {
            return null;
        }
    }
}
