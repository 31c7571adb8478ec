package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zunvx.compute.agent.CrashPoints;
import io.zunvx.compute.docker.DockerContainerDriver;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Hostile requests, generated: every route of {@code /v1}, {@code /identity/v3}, {@code /image/v2},
 * {@code /network/v2.0} and {@code /volume/v3} with made-up path segments, queries, headers and bodies (NUL, lone
 * surrogates, huge numbers, deep nesting, wrong types, wrong content types, garbage tokens and microversions) against
 * one real all-in-one. Each answer must be below 500, a refusal must carry the error body of the service the path
 * belongs to, and a refused request must leave no row in the platform's tables and no Docker container behind.
 *
 * <p>Bounded for CI: {@value #TRIES} tries and a budget of {@value #BUDGET_SECONDS} s (tries past it are skipped),
 * with a fixed seed per run recorded by jqwik so a failure can be replayed.
 */
class FuzzIT {
    static final int TRIES = 600;
    static final long BUDGET_SECONDS = 90;
    /** The tables a refused request must not add to. */
    private static final List<String> TABLES = List.of("containers", "projects", "users", "role_assignments",
            "registries", "networks", "subnets", "ports", "security_groups", "security_group_rules", "volumes",
            "store_images", "images", "quotas", "quota_classes", "exec_instances");

    private static Path data;
    private static AllInOne platform;
    private static DockerContainerDriver driver;
    private static long started;
    private static long lastAccepted;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeContainer
    static void start() throws IOException {
        data = Files.createTempDirectory("zunvx-fuzz-it");
        platform = Platforms.start(data, CrashPoints.NONE, Map.of());
        driver = new DockerContainerDriver(platform.platform().config().compute().dockerHost());
        started = System.nanoTime();
    }

    @AfterContainer
    static void stop() throws IOException {
        if (platform != null) {
            String host = platform.platform().config().compute().hostName();
            platform.close();
            for (var o : driver.listManaged(host)) {
                driver.remove(o.id(), true);
            }
            driver.close();
            platform = null;
            try (var paths = Files.walk(data)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** One generated request. */
    record Hostile(String method, String path, String query, Map<String, String> headers, String body) {
        @Override
        public String toString() {
            return method + " " + path + (query.isEmpty() ? "" : "?" + query) + " " + headers + " body="
                    + (body == null ? "none" : body.length() > 300 ? body.substring(0, 300) + "…" : body);
        }
    }

    @Property(tries = TRIES, maxDiscardRatio = 100, shrinking = ShrinkingMode.OFF)
    void noInputMakesA5xxOrLeavesAnythingBehind(@ForAll("requests") Hostile h) {
        Assume.that(System.nanoTime() - started < Duration.ofSeconds(BUDGET_SECONDS).toNanos());
        boolean check = h.method().equals("GET") || h.method().equals("HEAD")
                || System.nanoTime() - lastAccepted > Duration.ofSeconds(15).toNanos();
        Map<String, Long> rowsBefore = check ? rows() : Map.of();
        int dockerBefore = check ? docker() : 0;

        HttpResponse<String> r = send(h);

        assertTrue(r.statusCode() < 500, () -> h + " → " + r.statusCode() + " " + r.body());
        if (r.statusCode() < 400) {
            if (!h.method().equals("GET") && !h.method().equals("HEAD")) {
                lastAccepted = System.nanoTime();
            }
            return;
        }
        if (!h.method().equals("HEAD") && !r.body().isEmpty()) {
            assertErrorShape(h, r);
        }
        if (check && !h.method().equals("GET") && !h.method().equals("HEAD")) {
            assertEquals(rowsBefore, rows(), () -> "rows left behind by " + h + " → " + r.statusCode());
            assertEquals(dockerBefore, docker(), () -> "Docker containers left behind by " + h);
        }
    }

    private static void assertErrorShape(Hostile h, HttpResponse<String> r) {
        int status = r.statusCode();
        String what = h + " → " + status + " " + r.body();
        JsonObject body;
        try {
            body = new JsonObject(r.body());
        } catch (DecodeException | ClassCastException e) {
            throw new AssertionError("not a JSON object: " + what, e);
        }
        JsonObject keystone = body.getJsonObject("error");
        if (status == 401 && keystone != null) {
            assertEquals(401, keystone.getInteger("code"), what);
            return;
        }
        String p = h.path();
        if (p.startsWith("/identity")) {
            assertTrue(keystone != null && keystone.getInteger("code") == status, what);
        } else if (p.startsWith("/image")) {
            assertTrue(body.getString("code", "").startsWith(String.valueOf(status)), what);
        } else if (p.startsWith("/network")) {
            assertTrue(body.getJsonObject("NeutronError") != null, what);
        } else if (p.startsWith("/volume")) {
            assertEquals(1, body.size(), what);
            JsonObject fault = body.getJsonObject(body.fieldNames().iterator().next());
            assertEquals(status, fault.getInteger("code"), what);
        } else {
            JsonArray errors = body.getJsonArray("errors");
            assertTrue(errors != null && errors.getJsonObject(0).getInteger("status") == status, what);
        }
    }

    // ---- generators ------------------------------------------------------------------------------------------------

    /** Every route of the five services, as {@code METHOD path}; {@code :x} segments are generated. */
    static final List<String> ROUTES = List.of(
            "GET /identity/v3", "GET /identity/v3/auth/catalog", "GET /identity/v3/auth/jwks",
            "GET /identity/v3/auth/projects", "GET /identity/v3/auth/tokens", "HEAD /identity/v3/auth/tokens",
            "POST /identity/v3/auth/tokens", "DELETE /identity/v3/auth/tokens", "GET /identity/v3/projects",
            "POST /identity/v3/projects", "DELETE /identity/v3/projects/:id", "GET /identity/v3/projects/:id",
            "PATCH /identity/v3/projects/:id", "GET /identity/v3/projects/:p/users/:u/roles",
            "DELETE /identity/v3/projects/:p/users/:u/roles/:r", "GET /identity/v3/projects/:p/users/:u/roles/:r",
            "HEAD /identity/v3/projects/:p/users/:u/roles/:r", "PUT /identity/v3/projects/:p/users/:u/roles/:r",
            "GET /identity/v3/role_assignments", "GET /identity/v3/roles", "GET /identity/v3/roles/:id",
            "GET /identity/v3/users", "POST /identity/v3/users", "DELETE /identity/v3/users/:id",
            "GET /identity/v3/users/:id", "PATCH /identity/v3/users/:id", "GET /identity/v3/users/:id/projects",
            "GET /image", "GET /image/versions", "GET /image/v2/images", "POST /image/v2/images",
            "DELETE /image/v2/images/:id", "GET /image/v2/images/:id", "PATCH /image/v2/images/:id",
            "GET /image/v2/images/:id/file", "PUT /image/v2/images/:id/file", "DELETE /image/v2/images/:id/tags/:t",
            "PUT /image/v2/images/:id/tags/:t", "GET /image/v2/schemas/image", "GET /image/v2/schemas/images",
            "GET /network", "GET /network/v2.0", "GET /network/v2.0/extensions", "GET /network/v2.0/networks",
            "POST /network/v2.0/networks", "DELETE /network/v2.0/networks/:id", "GET /network/v2.0/networks/:id",
            "PUT /network/v2.0/networks/:id", "GET /network/v2.0/ports", "POST /network/v2.0/ports",
            "DELETE /network/v2.0/ports/:id", "GET /network/v2.0/ports/:id", "GET /network/v2.0/security-group-rules",
            "POST /network/v2.0/security-group-rules", "DELETE /network/v2.0/security-group-rules/:id",
            "GET /network/v2.0/security-group-rules/:id", "GET /network/v2.0/security-groups",
            "POST /network/v2.0/security-groups", "DELETE /network/v2.0/security-groups/:id",
            "GET /network/v2.0/security-groups/:id", "GET /network/v2.0/subnets", "POST /network/v2.0/subnets",
            "DELETE /network/v2.0/subnets/:id", "GET /network/v2.0/subnets/:id",
            "GET /v1", "GET /v1/availability_zones", "GET /v1/containers", "POST /v1/containers",
            "DELETE /v1/containers/:c", "GET /v1/containers/:c", "PATCH /v1/containers/:c",
            "POST /v1/containers/:c/add_security_group", "POST /v1/containers/:c/commit",
            "GET /v1/containers/:c/container_actions", "GET /v1/containers/:c/container_actions/:req",
            "POST /v1/containers/:c/execute", "POST /v1/containers/:c/execute_resize",
            "GET /v1/containers/:c/get_archive", "POST /v1/containers/:c/kill", "GET /v1/containers/:c/logs",
            "POST /v1/containers/:c/network_attach", "POST /v1/containers/:c/network_detach",
            "GET /v1/containers/:c/network_list", "POST /v1/containers/:c/pause", "POST /v1/containers/:c/put_archive",
            "POST /v1/containers/:c/reboot", "POST /v1/containers/:c/rebuild",
            "POST /v1/containers/:c/remove_security_group", "POST /v1/containers/:c/rename",
            "POST /v1/containers/:c/resize", "POST /v1/containers/:c/resize_container",
            "POST /v1/containers/:c/start", "GET /v1/containers/:c/stats", "POST /v1/containers/:c/stop",
            "GET /v1/containers/:c/top", "POST /v1/containers/:c/unpause", "GET /v1/containers/:c/attach",
            "GET /v1/hosts", "GET /v1/hosts/:id", "GET /v1/images", "POST /v1/images", "DELETE /v1/images/:id",
            "GET /v1/images/:id", "GET /v1/images/:id/search", "POST /v1/networks", "DELETE /v1/networks/:id",
            "GET /v1/capsules", "POST /v1/capsules", "GET /v1/capsules/:id", "DELETE /v1/capsules/:id",
            "GET /v1/quota_classes/:cls", "PUT /v1/quota_classes/:cls", "DELETE /v1/quotas/:project",
            "GET /v1/quotas/:project", "PUT /v1/quotas/:project", "GET /v1/quotas/:project/defaults",
            "GET /v1/registries", "POST /v1/registries", "DELETE /v1/registries/:r", "GET /v1/registries/:r",
            "PATCH /v1/registries/:r", "DELETE /v1/services", "GET /v1/services", "PUT /v1/services/disable",
            "PUT /v1/services/enable", "PUT /v1/services/force_down",
            "GET /volume", "GET /volume/v3", "GET /volume/v3/:project/os-quota-sets/:target",
            "PUT /volume/v3/:project/os-quota-sets/:target", "GET /volume/v3/:project/volumes",
            "POST /volume/v3/:project/volumes", "DELETE /volume/v3/:project/volumes/:id",
            "GET /volume/v3/:project/volumes/:id", "PUT /volume/v3/:project/volumes/:id",
            "GET /volume/v3/:project/volumes/detail");

    /** Percent-encoded path segments and query values: ids, NUL, lone surrogates (as UTF-8 would carry them). */
    static Arbitrary<String> segment() {
        return Arbitraries.oneOf(
                Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(40),
                Arbitraries.create(() -> java.util.UUID.randomUUID().toString()),
                Arbitraries.of("%00", "a%00b", "%ED%A0%80", "%ED%B0%80x", "%C0%80", "%FF%FE", "..", "%2e%2e",
                        "%2F", "99999999999999999999999999999", "-1", "0", "1e400", "NaN", "%20", "%0A", "%E2%80%AE",
                        "a".repeat(300), "%25", "null", "true", "admin", "default", "all"));
    }

    static Arbitrary<String> query() {
        Arbitrary<String> key = Arbitraries.of("name", "tail", "since", "timeout", "limit", "marker", "sort_key",
                "sort_dir", "all_projects", "host", "binary", "disabled_reason", "path", "command", "run", "signal",
                "w", "h", "usages", "project_id", "status", "visibility", "id", "user.id", "nocatalog", "force",
                "stop", "exec_id", "ps_args", "repository", "tag", "image_driver", "%00", "x");
        Arbitrary<String> pair = Combinators.combine(key, segment()).as((k, v) -> k + "=" + v);
        return pair.list().ofMaxSize(4).map(l -> String.join("&", l));
    }

    /** JSON values, with hostile strings and numbers, nested up to a depth. */
    static Arbitrary<String> json(int depth) {
        Arbitrary<String> scalars = Arbitraries.oneOf(
                Arbitraries.of("null", "true", "false", "0", "-1", "1.5", "2147483648", "9223372036854775808",
                        "123456789012345678901234567890", "1e400", "-1e400", "1E-400", "\"\"", "\"\\u0000\"",
                        "\"a\\u0000b\"", "\"\\ud800\"", "\"\\udc00x\"", "\"\\ud83d\\ude00\"", "\"busybox\"",
                        "\"" + "x".repeat(5000) + "\"", "\"-1\"", "\"1\"", "\"all\"", "\"\\n\\t\"", "\"../..\""),
                Arbitraries.strings().ofMaxLength(20).map(s -> new JsonArray().add(s).encode()
                        .substring(1, new JsonArray().add(s).encode().length() - 1)));
        if (depth <= 0) {
            return scalars;
        }
        Arbitrary<String> key = Arbitraries.of("name", "image", "cpu", "memory", "disk", "environment", "labels",
                "command", "workdir", "host", "registry", "domain", "username", "password", "auth", "identity",
                "methods", "user", "project", "id", "containers", "network", "subnet", "port", "volume", "size",
                "security_group", "security_group_rule", "data", "repo", "tag", "tags", "op", "path", "value",
                "nets", "mounts", "restart_policy", "auto_remove", "runtime", "hostname", "enabled", "description",
                "parent_id", "domain_id", "is_domain", "container_format", "disk_format", "visibility", "cidr",
                "ip_version", "network_id", "fixed_ips", "admin_state_up", "quota_set", "gigabytes", "volumes",
                "\\u0000", "", "token");
        Arbitrary<String> member = Combinators.combine(key, json(depth - 1))
                .as((k, v) -> "\"" + k + "\": " + v);
        return Arbitraries.oneOf(scalars, scalars,
                member.list().ofMaxSize(5).map(l -> "{" + String.join(", ", l) + "}"),
                json(depth - 1).list().ofMaxSize(4).map(l -> "[" + String.join(", ", l) + "]"));
    }

    static Arbitrary<String> body() {
        Arbitrary<String> envelope = Combinators.combine(Arbitraries.of("container", "user", "project", "registry",
                        "network", "subnet", "port", "security_group", "security_group_rule", "volume", "quota_set",
                        "auth"), json(2))
                .as((k, v) -> "{\"" + k + "\": " + v + "}");
        return Arbitraries.oneOf(json(3), envelope, envelope,
                Arbitraries.of("{", "[", "\"", "{\"a\":}", "nul", "\0", "{\"a\": \"\0\"}", "{} {}", "", " ",
                        "[".repeat(5000) + "]".repeat(5000), "{\"a\":".repeat(2000) + "1" + "}".repeat(2000),
                        "<xml/>", "a=b&c=d", "{\"a\": 1, \"a\": 2}"),
                Arbitraries.strings().ofMaxLength(50));
    }

    static Arbitrary<Map<String, String>> headers() {
        Arbitrary<String> type = Arbitraries.of("application/json", "application/json", "application/json",
                "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                "application/openstack-images-v2.1-json-patch", "application/octet-stream",
                "application/json; charset=latin1", "", "none");
        Arbitrary<String> version = Arbitraries.of("container 1.40", "container 1.40", "container 1.1",
                "container 1.25", "container 9.99", "container latest", "container abc", "compute 2.1", "", "none",
                "container 1.2147483648");
        Arbitrary<String> token = Arbitraries.of("admin", "admin", "admin", "admin", "none", "garbage",
                "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", "%00");
        return Combinators.combine(type, version, token).as((t, v, k) -> {
            Map<String, String> h = new LinkedHashMap<>();
            h.put("Content-Type", t);
            h.put("OpenStack-API-Version", v);
            h.put("X-Auth-Token", k);
            return h;
        });
    }

    @Provide
    Arbitrary<Hostile> requests() {
        Arbitrary<String> route = Arbitraries.of(ROUTES);
        Arbitrary<List<String>> segments = segment().list().ofSize(4);
        return Combinators.combine(route, segments, query(), headers(), body(), Arbitraries.integers().between(0, 9))
                .as((rt, segs, q, hs, b, noBody) -> {
                    String[] mp = rt.split(" ", 2);
                    StringBuilder path = new StringBuilder();
                    int i = 0;
                    for (String part : mp[1].substring(1).split("/")) {
                        path.append('/').append(part.startsWith(":") ? segs.get(i++ % segs.size()) : part);
                    }
                    boolean withBody = !mp[0].equals("GET") && !mp[0].equals("HEAD") && !mp[0].equals("DELETE")
                            && noBody > 1;
                    return new Hostile(mp[0], path.toString(), q, hs, withBody ? b : null);
                });
    }

    // ---- the platform ------------------------------------------------------------------------------------------

    private static HttpResponse<String> send(Hostile h) {
        var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + platform.apiPort() + h.path()
                        + (h.query().isEmpty() ? "" : "?" + h.query())))
                .timeout(Duration.ofSeconds(30))
                .method(h.method(), h.body() == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(h.body(), StandardCharsets.UTF_8));
        h.headers().forEach((k, v) -> {
            if (!v.equals("none")) {
                b.header(k, k.equals("X-Auth-Token") && v.equals("admin") ? platform.adminToken() : v);
            }
        });
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(h + " → no answer: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Long> rows() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String t : TABLES) {
            Optional<Long> n = Optional.ofNullable(platform.platform().pool().query("SELECT count(*) FROM " + t)
                    .execute().await().iterator().next().getLong(0));
            counts.put(t, n.orElse(0L));
        }
        return counts;
    }

    private static int docker() {
        List<Object> all = new ArrayList<>(driver.listManaged(platform.platform().config().compute().hostName()));
        return all.size();
    }
}
