package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zunvx.compute.LocalRegistry;
import io.zunvx.compute.TestImages;
import io.zunvx.compute.agent.CrashPoints;
import io.zunvx.compute.agent.ProjectImages;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images are per project unless public, on the all-in-one platform with the real engine: a commit, a store image run
 * with the Glance driver (from an archive that names {@code busybox:latest}) and a pull with a private registry's
 * credentials by project A change nothing that project B's references resolve to; the host's {@code busybox:latest}
 * stays the image it was; B uses A's image only when A makes it public, or when B can pull it itself.
 */
@Timeout(600)
class ImageIsolationIT {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String REPO = "zunvx/isolated";

    @TempDir
    static Path data;
    @TempDir
    static Path registryDir;

    static AllInOne platform;
    static LocalRegistry registry;
    static DockerClient docker;
    static String busyboxId;
    static final List<String> localNames = new ArrayList<>();
    static final List<String> projects = new ArrayList<>();

    /** One tenant: a member of a project of its own. */
    private record Tenant(String project, String token, ZunHttp api) {
    }

    private Tenant a;
    private Tenant b;

    @BeforeAll
    static void start() {
        registry = LocalRegistry.start(registryDir, "owner", "owner-secret-" + UUID.randomUUID());
        platform = Platforms.start(data, CrashPoints.NONE, Map.of());
        docker = TestImages.docker(platform.platform().config().compute().dockerHost());
        busyboxId = docker.inspectImageCmd("busybox:latest").exec().getId();
    }

    @AfterAll
    static void stop() throws IOException {
        Platforms.stop(platform);
        if (docker != null) {
            localNames.forEach(n -> LocalRegistry.untag(docker, n));
            projects.forEach(p -> TestImages.untagProject(docker, p));
            docker.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    private static Tenant tenant(String name) {
        String project = name + "-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String token = Platforms.token(platform, "user-" + project, project, List.of("member"));
        projects.add(project);
        return new Tenant(project, token, new ZunHttp("http://127.0.0.1:" + platform.apiPort(), token, "1.40"));
    }

    @BeforeEach
    void tenants() {
        a = tenant("a");
        b = tenant("b");
    }

    @AfterEach
    void hostBusyboxIsUntouched() {
        assertEquals(busyboxId, docker.inspectImageCmd("busybox:latest").exec().getId(),
                "the host's busybox:latest is the image it was");
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private static String run(Tenant t, String fields) {
        ZunHttp.Response r = t.api().post("/v1/containers?run=true", "{\"cpu\": 0.1, \"memory\": 32, " + fields
                + "}");
        assertEquals(202, r.status(), r.body());
        return r.json().getString("uuid");
    }

    private static JsonObject settle(Tenant t, String uuid) {
        return Poll.until(WAIT, () -> t.api().get("/v1/containers/" + uuid).json(),
                x -> !"Creating".equals(x.getString("status")) && x.getString("task_state") == null, "settled");
    }

    private static String running(Tenant t, String fields) {
        String uuid = run(t, fields);
        JsonObject c = settle(t, uuid);
        assertEquals("Running", c.getString("status"), c.encode());
        return uuid;
    }

    /** What {@code cat path} prints in the container, or the shell's complaint. */
    private static String cat(Tenant t, String uuid, String path) {
        ZunHttp.Response r = t.api().post("/v1/containers/" + uuid + "/execute?command=cat+" + path, null);
        assertEquals(200, r.status(), r.body());
        return r.json().getString("output");
    }

    private static HttpResponse<String> store(Tenant t, String method, String path, HttpRequest.BodyPublisher body,
                                              String contentType) {
        return ImageStoreHttp.send(platform, t.token(), method, path, body, contentType);
    }

    private static JsonObject storeImage(Tenant t, String id) {
        return new JsonObject(store(t, "GET", "/images/" + id, HttpRequest.BodyPublishers.noBody(), null).body());
    }

    /** A container of tenant t that wrote a marker file; committed by t to {@code repository:tag}; waits for it. */
    private static String commitWithMarker(Tenant t, String marker, String repository, String tag) {
        String sleeper = running(t, "\"image\": \"busybox\", \"command\": [\"sh\", \"-c\", \"echo " + marker
                + " > /" + marker + "; sleep 300\"]");
        Poll.until(WAIT, () -> cat(t, sleeper, "/" + marker), o -> o.contains(marker), "marker written");
        ZunHttp.Response commit = t.api().post("/v1/containers/" + sleeper + "/commit?repository=" + repository
                + "&tag=" + tag, "null");
        assertEquals(202, commit.status(), commit.body());
        String image = commit.json().getString("uuid");
        JsonObject stored = Poll.until(WAIT, () -> storeImage(t, image),
                x -> !"queued".equals(x.getString("status")) && !"saving".equals(x.getString("status")), "stored");
        assertEquals("active", stored.getString("status"), stored.encode());
        return image;
    }

    // ---- commit ---------------------------------------------------------------------------------------------------

    @Test
    void aCommitToBusyboxLatestChangesNothingForAnotherProject() {
        // GIVEN project A committed a container with a marker file to repository=busybox tag=latest
        String marker = "shadow-" + UUID.randomUUID().toString().substring(0, 8);
        String committed = commitWithMarker(a, marker, "busybox", "latest");

        // THEN the host's busybox:latest is still the image it was
        assertEquals(busyboxId, docker.inspectImageCmd("busybox:latest").exec().getId());

        // AND project B's next plain busybox container runs the real busybox file system
        String bs = running(b, "\"image\": \"busybox\", \"command\": [\"sleep\", \"300\"]");
        assertFalse(cat(b, bs, "/" + marker).contains(marker + "\n"), "B does not see A's file");
        assertTrue(cat(b, bs, "/" + marker).contains("No such file"));

        // AND A's own busybox now means A's commit (within A's project only)
        String as = running(a, "\"image\": \"busybox\", \"command\": [\"sleep\", \"300\"]");
        assertTrue(cat(a, as, "/" + marker).contains(marker), "A runs its own commit");

        // AND B cannot run A's private commit from the store either
        ZunHttp.Response glance = b.api().post("/v1/containers", "{\"image\": \"" + committed
                + "\", \"image_driver\": \"glance\"}");
        assertEquals(404, glance.status(), glance.body());
    }

    @Test
    void anotherProjectCannotRunACommitByItsNameOrByTheReservedPrefix() {
        // GIVEN A committed to a name of its own
        String marker = "named-" + UUID.randomUUID().toString().substring(0, 8);
        String repository = "a-private-" + UUID.randomUUID().toString().substring(0, 8);
        commitWithMarker(a, marker, repository, "v1");

        // WHEN B names it (the name, and A's project name for it)
        String byName = run(b, "\"image\": \"" + repository + ":v1\", \"command\": [\"sleep\", \"300\"]");
        ZunHttp.Response byPrefix = b.api().post("/v1/containers", "{\"image\": \""
                + ProjectImages.scoped(a.project(), repository + ":v1") + "\"}");

        // THEN neither runs; A still runs it by its name
        JsonObject n = settle(b, byName);
        assertEquals("Error", n.getString("status"), n.encode());
        assertEquals(400, byPrefix.status(), byPrefix.body());
        assertTrue(byPrefix.body().contains("reserved"), byPrefix.body());
        String mine = running(a, "\"image\": \"" + repository + ":v1\", \"command\": [\"sleep\", \"300\"]");
        assertTrue(cat(a, mine, "/" + marker).contains(marker));
    }

    // ---- the Glance driver: an uploaded archive that names busybox:latest ------------------------------------------

    @Test
    void aStoreImageWhoseArchiveNamesBusyboxShadowsNothingAndIsSharedOnlyWhenPublic() throws Exception {
        // GIVEN A's store image named busybox, from an archive whose RepoTags say busybox:latest
        TestImages.Unique local = TestImages.commit(docker, "zunvx-it/evil", "e-" + UUID.randomUUID().toString()
                .substring(0, 8), Map.of());
        Path tar;
        try {
            tar = renamed(local.reference(), "busybox:latest");
        } finally {
            LocalRegistry.untag(docker, local.reference());
        }
        HttpResponse<String> created = store(a, "POST", "/images", HttpRequest.BodyPublishers.ofString(
                "{\"name\": \"busybox\", \"container_format\": \"docker\", \"disk_format\": \"raw\"}"),
                "application/json");
        assertEquals(201, created.statusCode(), created.body());
        String id = new JsonObject(created.body()).getString("id");
        HttpResponse<String> up = store(a, "PUT", "/images/" + id + "/file", HttpRequest.BodyPublishers.ofFile(tar),
                "application/octet-stream");
        assertEquals(204, up.statusCode(), up.body());

        // WHEN A runs it with the Glance driver (the engine loads the archive)
        String ag = running(a, "\"image\": \"busybox\", \"image_driver\": \"glance\", \"command\": [\"sleep\", "
                + "\"300\"]");
        assertTrue(cat(a, ag, "/marker").contains(local.marker()), "A runs its store image");

        // THEN the host's busybox:latest and B's plain busybox are untouched
        assertEquals(busyboxId, docker.inspectImageCmd("busybox:latest").exec().getId());
        String bs = running(b, "\"image\": \"busybox\", \"command\": [\"sleep\", \"300\"]");
        assertTrue(cat(b, bs, "/marker").contains("No such file"));

        // AND B cannot use A's private store image, until A makes it public
        assertEquals(404, b.api().post("/v1/containers", "{\"image\": \"" + id + "\", \"image_driver\": "
                + "\"glance\"}").status());
        HttpResponse<String> published = store(new Tenant(null, platform.adminToken(), null), "PATCH",
                "/images/" + id, HttpRequest.BodyPublishers.ofString("[{\"op\": \"replace\", \"path\": "
                        + "\"/visibility\", \"value\": \"public\"}]"), "application/openstack-images-v2.1-json-patch");
        assertEquals(200, published.statusCode(), published.body());
        String bg = running(b, "\"image\": \"" + id + "\", \"image_driver\": \"glance\", \"command\": [\"sleep\", "
                + "\"300\"]");
        assertTrue(cat(b, bg, "/marker").contains(local.marker()), "B runs A's public image");
        assertEquals(busyboxId, docker.inspectImageCmd("busybox:latest").exec().getId());
    }

    /** {@code docker save} of {@code reference}, with {@code manifest.json} naming {@code claimed} instead. */
    private static Path renamed(String reference, String claimed) throws IOException {
        Path tar = Files.createTempFile(data, "renamed", ".tar");
        try (InputStream in = docker.saveImageCmd(reference).exec();
             OutputStream file = Files.newOutputStream(tar);
             TarArchiveOutputStream out = new TarArchiveOutputStream(file)) {
            TarArchiveInputStream entries = new TarArchiveInputStream(in);
            TarArchiveEntry e;
            while ((e = entries.getNextEntry()) != null) {
                if (e.getName().equals("manifest.json")) {
                    JsonArray manifest = new JsonArray(new String(entries.readAllBytes(), StandardCharsets.UTF_8));
                    manifest.getJsonObject(0).put("RepoTags", new JsonArray().add(claimed));
                    byte[] json = manifest.encode().getBytes(StandardCharsets.UTF_8);
                    TarArchiveEntry m = new TarArchiveEntry("manifest.json");
                    m.setSize(json.length);
                    out.putArchiveEntry(m);
                    out.write(json);
                    out.closeArchiveEntry();
                    continue;
                }
                if (e.getName().equals("repositories")) {
                    continue;
                }
                out.putArchiveEntry(e);
                if (e.isFile()) {
                    entries.transferTo(out);
                }
                out.closeArchiveEntry();
            }
            out.finish();
        }
        return tar;
    }

    // ---- private registries ---------------------------------------------------------------------------------------

    private static String registryBody(String name) {
        return new JsonObject().put("registry", new JsonObject().put("name", name).put("domain", registry.address())
                .put("username", registry.username()).put("password", registry.password())).encode();
    }

    @Test
    void anImageAProjectPulledWithCredentialsIsNotUsableByAProjectWithout() {
        // GIVEN a fresh image in the private registry, and A's registry record with the credentials
        String tag = "p-" + UUID.randomUUID().toString().substring(0, 8);
        TestImages.Unique local = TestImages.commit(docker, "zunvx-it/private", tag, Map.of());
        String ref;
        try {
            ref = registry.push(docker, local.reference(), REPO, tag);
        } finally {
            LocalRegistry.untag(docker, local.reference());
        }
        LocalRegistry.untag(docker, ref);
        ZunHttp.Response reg = a.api().post("/v1/registries", registryBody("mine"));
        assertEquals(201, reg.status(), reg.body());

        // WHEN A runs it (the pull uses A's credentials)
        String ac = running(a, "\"image\": \"" + ref + "\", \"command\": [\"sleep\", \"300\"]");
        assertTrue(cat(a, ac, "/marker").contains(local.marker()));

        // THEN the host has no name for it that B could use
        assertTrue(docker.listImagesCmd().exec().stream()
                .filter(i -> i.getRepoTags() != null)
                .flatMap(i -> java.util.Arrays.stream(i.getRepoTags()))
                .noneMatch(ref::equals), "no shared name " + ref);

        // AND B, without credentials, is refused by the registry (the default policy, ifnotpresent) and, with
        // pull policy never (which only an admin may set), finds nothing of B's own
        long fetches = registry.manifestFetches(REPO, tag);
        String bc0 = run(b, "\"image\": \"" + ref + "\", \"command\": [\"sleep\", \"300\"]");
        JsonObject refused = settle(b, bc0);
        assertEquals("Error", refused.getString("status"), refused.encode());
        Tenant bAdmin = new Tenant(b.project(), Platforms.token(platform, "admin-" + b.project(), b.project(),
                List.of("admin", "member")), null);
        ZunHttp bAdminApi = new ZunHttp("http://127.0.0.1:" + platform.apiPort(), bAdmin.token(), "1.40");
        String never = run(new Tenant(b.project(), bAdmin.token(), bAdminApi), "\"image\": \"" + ref
                + "\", \"image_pull_policy\": \"never\", \"command\": [\"sleep\", \"300\"]");
        JsonObject missing = settle(b, never);
        assertEquals("Error", missing.getString("status"), missing.encode());
        assertTrue(missing.getString("status_reason").contains("not present"), missing.encode());
        assertEquals(fetches, registry.manifestFetches(REPO, tag), "nothing was served to B");

        // AND B with credentials of its own can pull it itself
        ZunHttp.Response own = b.api().post("/v1/registries", registryBody("theirs"));
        assertEquals(201, own.status(), own.body());
        String bc = running(b, "\"image\": \"" + ref + "\", \"command\": [\"sleep\", \"300\"]");
        assertTrue(cat(b, bc, "/marker").contains(local.marker()));
        assertNotEquals(fetches, registry.manifestFetches(REPO, tag), "B's pull asked the registry");
    }
}
