package io.zunvx.api.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zunvx.api.ApiPlatform;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real OpenStack clients: {@code openstack image create/list/show/save/delete} against the image store
 * (python-openstackclient over openstacksdk, which finds the store through the Keystone catalog and Glance's version
 * discovery), {@code glance image-show} (python-glanceclient, which reads the image schema), and the {@code zun}
 * CLI's registry and image commands (python-zunclient 4.5.0 at microversion 1.40). The clients must be installed
 * (scripts/bootstrap.sh does it).
 */
class ImageClientsIT {
    @TempDir
    static Path dir;

    private static ApiPlatform api;
    private static String host;

    @BeforeAll
    static void start() {
        assertTrue(Files.isExecutable(Path.of("/usr/bin/openstack")),
                "python3-openstackclient is not installed; scripts/bootstrap.sh installs it");
        api = ApiPlatform.start(dir, Map.of("ZUNVX_IMAGE_STORE_DIR", dir.resolve("store").toString()));
        host = "cli-host-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        api.addHost(host);
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

    /** What a CLI run printed, and how it ended. */
    private record Run(int exit, String out, String err) {
        JsonObject json() {
            return new JsonObject(out);
        }
    }

    private static Run cli(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("OS_"));
        env.put("OS_AUTH_URL", api.url() + "/identity/v3");
        env.put("OS_AUTH_TYPE", "password");
        env.put("OS_IDENTITY_API_VERSION", "3");
        env.put("OS_USERNAME", "admin");
        env.put("OS_PASSWORD", ApiPlatform.ADMIN_PASSWORD);
        env.put("OS_PROJECT_NAME", ApiPlatform.ADMIN_PROJECT);
        env.put("OS_USER_DOMAIN_NAME", "Default");
        env.put("OS_PROJECT_DOMAIN_NAME", "Default");
        env.put("OS_INTERFACE", "public");
        env.put("OS_IMAGE_API_VERSION", "2");
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** A real {@code docker save} of the local busybox image when Docker has one, else an archive made here. */
    private static byte[] archive() throws IOException, InterruptedException {
        if (Files.isExecutable(Path.of("/usr/bin/docker"))) {
            Path saved = dir.resolve("busybox.tar");
            Process p = new ProcessBuilder("docker", "save", "-o", saved.toString(), "busybox:latest")
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return Files.readAllBytes(saved);
            }
        }
        return DockerArchives.build("busybox:latest", 2 << 20, 7);
    }

    @Test
    void openstackImageCommandsWorkAgainstTheStore() throws Exception {
        byte[] data = archive();
        Path file = dir.resolve("upload.tar");
        Files.write(file, data);

        // create --file: the SDK looks the name up, creates the record, PUTs the data
        Run created = cli("openstack", "image", "create", "--container-format", "docker", "--disk-format", "raw",
                "--file", file.toString(), "busybox-store", "-f", "json");
        assertEquals(0, created.exit(), created.err());
        String id = created.json().getString("id");

        Run shown = cli("openstack", "image", "show", "busybox-store", "-f", "json");
        assertEquals(0, shown.exit(), shown.err());
        JsonObject img = shown.json();
        assertEquals(id, img.getString("id"));
        assertEquals("active", img.getString("status"));
        assertEquals(data.length, img.getLong("size"));
        assertEquals(DockerArchives.md5(data), img.getString("checksum"));
        assertEquals("docker", img.getString("container_format"));

        Run listed = cli("openstack", "image", "list", "-f", "json");
        assertEquals(0, listed.exit(), listed.err());
        JsonArray rows = new JsonArray(listed.out());
        assertTrue(rows.stream().anyMatch(o -> ((JsonObject) o).getString("ID").equals(id)), listed.out());

        // save streams the data back; the SDK checks it against Content-MD5
        Path saved = dir.resolve("saved.tar");
        Run save = cli("openstack", "image", "save", "--file", saved.toString(), "busybox-store");
        assertEquals(0, save.exit(), save.err());
        assertArrayEquals(data, Files.readAllBytes(saved));

        // glanceclient reads the schema and shows the image
        Run glance = cli("glance", "image-show", id);
        assertEquals(0, glance.exit(), glance.err());
        assertTrue(glance.out().contains("busybox-store"), glance.out());

        Run deleted = cli("openstack", "image", "delete", "busybox-store");
        assertEquals(0, deleted.exit(), deleted.err());
        Run gone = cli("openstack", "image", "show", id);
        assertNotEquals(0, gone.exit());
        assertTrue(gone.err().contains("No Image found") || gone.err().contains("No image found")
                || gone.err().toLowerCase(java.util.Locale.ROOT).contains("not found"), gone.err());
        assertTrue(new String(Files.readAllBytes(saved), StandardCharsets.ISO_8859_1).length() > 0);
    }

    @Test
    void zunRegistryAndImageCommandsWork() throws Exception {
        assertTrue(Files.isExecutable(Path.of("/usr/bin/zun")),
                "python3-zunclient is not installed; scripts/bootstrap.sh installs it");

        // registries: create (the password never printed), list, show, update, delete
        Run created = cli("zun", "registry-create", "--name", "cli-reg", "--domain", "127.0.0.1:5000",
                "--username", "puller", "--password", "cli-secret");
        assertEquals(0, created.exit(), created.err());
        assertTrue(created.out().contains("127.0.0.1:5000") && created.out().contains("***"), created.out());
        assertTrue(!created.out().contains("cli-secret"), created.out());
        Run listed = cli("zun", "registry-list");
        assertEquals(0, listed.exit(), listed.err());
        assertTrue(listed.out().contains("cli-reg"), listed.out());
        Run updated = cli("zun", "registry-update", "--username", "other", "cli-reg");
        assertEquals(0, updated.exit(), updated.err());
        assertTrue(cli("zun", "registry-show", "cli-reg").out().contains("other"));

        // images: pull onto a host, list, show, search the store, delete
        Run pulled = cli("zun", "pull", "127.0.0.1:5000/team/app:1.0", host);
        assertEquals(0, pulled.exit(), pulled.err());
        assertTrue(pulled.out().contains("team/app") && pulled.out().contains(host), pulled.out());
        String uuid = java.util.regex.Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
                .matcher(pulled.out()).results().map(java.util.regex.MatchResult::group).findFirst().orElseThrow();
        Run images = cli("zun", "image-list");
        assertEquals(0, images.exit(), images.err());
        assertTrue(images.out().contains(uuid) && images.out().contains("1.0"), images.out());
        Run shown = cli("zun", "image-show", uuid);
        assertEquals(0, shown.exit(), shown.err());
        Run search = cli("zun", "image-search", "--image_driver", "glance", "nothing-like-it");
        assertEquals(0, search.exit(), search.err());
        Run deleted = cli("zun", "image-delete", uuid);
        assertEquals(0, deleted.exit(), deleted.err());
        Run gone = cli("zun", "image-show", uuid);
        assertNotEquals(0, gone.exit());
        assertTrue(gone.err().contains("could not be found"), gone.err());

        Run removed = cli("zun", "registry-delete", "cli-reg");
        assertEquals(0, removed.exit(), removed.err());
        assertTrue(!cli("zun", "registry-list").out().contains("cli-reg"));
    }
}
