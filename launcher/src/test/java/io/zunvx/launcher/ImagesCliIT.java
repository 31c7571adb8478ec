package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import io.zunvx.compute.LocalRegistry;
import io.zunvx.compute.TestImages;
import io.zunvx.compute.agent.CrashPoints;
import io.zunvx.compute.agent.ProjectImages;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registries and images through the real clients: {@code zun registry-*}, {@code zun run --registry}, {@code zun pull},
 * {@code image-list/show/search/delete}, and the image store through {@code openstack image create/list/show/delete}
 * (python3-glanceclient) followed by {@code zun run --image-driver glance}. The registry is Debian's docker-registry on
 * 127.0.0.1 with htpasswd authentication; the store uses the filesystem backend.
 */
class ImagesCliIT {
    private static final String OPENSTACK = "/usr/bin/openstack";
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    static Path data;
    @TempDir
    static Path registryDir;

    static AllInOne platform;
    static LocalRegistry registry;
    static DockerClient docker;
    static Map<String, String> admin;
    static String host;

    @BeforeAll
    static void start() {
        assertTrue(Files.isExecutable(Path.of(OPENSTACK)), "the openstack CLI (Debian package "
                + "python3-openstackclient) is not installed at " + OPENSTACK + "; scripts/bootstrap.sh installs it");
        registry = LocalRegistry.start(registryDir, "cli-user", "cli-secret-" + UUID.randomUUID());
        platform = Platforms.start(data, CrashPoints.NONE, Map.of("ZUNVX_IMAGE_SEARCH_REGISTRY", registry.address()));
        admin = ZunCliIT.credentials(platform, "admin", IdentityIT.ADMIN_PASSWORD, "admin");
        host = platform.platform().config().compute().hostName();
        docker = TestImages.docker(platform.platform().config().compute().dockerHost());
    }

    @AfterAll
    static void stop() throws IOException {
        Platforms.stop(platform);
        if (docker != null) {
            TestImages.untagProject(docker, platform.bootstrap().projectId());
            docker.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    private static ZunCliIT.Cli zun(String... args) {
        return ZunCliIT.zun(admin, args);
    }

    private static ZunCliIT.Cli openstack(String... args) {
        return ZunCliIT.cli(OPENSTACK, admin, args);
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void registryCredentialsLetTheCliRunAPrivateImage() {
        String tag = "cli-" + suffix();
        TestImages.Unique local = TestImages.commit(docker, "zunvx-cli/app", tag, Map.of());
        String reference;
        try {
            reference = registry.push(docker, local.reference(), "team/app", tag);
        } finally {
            LocalRegistry.untag(docker, local.reference());
        }
        String reg = "cli-reg-" + suffix();

        // registry-create prints the registry with its password masked
        ZunCliIT.Cli created = zun("registry-create", "--name", reg, "--domain", registry.address(),
                "--username", registry.username(), "--password", registry.password());
        created.assertOk();
        assertTrue(created.out().contains(reg) && created.out().contains("***"), created.out());
        assertFalse(created.out().contains(registry.password()), created.out());
        ZunCliIT.Cli list = zun("registry-list");
        list.assertOk();
        assertTrue(list.out().contains(reg) && list.out().contains(registry.address()), list.out());
        zun("registry-update", "--username", registry.username(), reg).assertOk();
        zun("registry-show", reg).assertOk();

        // run --registry: the private image runs and prints its marker
        String name = "cli-private-" + suffix();
        zun("run", "--name", name, "--registry", reg, "--cpu", "0.1", "--memory", "32", reference,
                "cat", "/marker").assertOk();
        ZunCliIT.awaitStatus(admin, name, "Stopped");
        ZunCliIT.Cli logs = zun("logs", name);
        logs.assertOk();
        assertTrue(logs.out().contains(local.marker()), logs.out());
        zun("delete", name).assertOk();

        // pull onto the host, list, show, search, delete
        ZunCliIT.Cli pull = zun("pull", reference, host);
        pull.assertOk();
        String uuid = property(pull.out(), "uuid");
        Poll.until(WAIT, () -> property(zun("image-show", uuid).out(), "image_id"),
                id -> id != null && id.startsWith("sha256:"), "the pull to finish");
        ZunCliIT.Cli images = zun("image-list");
        images.assertOk();
        assertTrue(images.out().contains(uuid) && images.out().contains(tag), images.out());
        ZunCliIT.Cli search = zun("image-search", "--image_driver", "docker", "team/app");
        search.assertOk();
        assertTrue(search.out().contains("team/app"), search.out());
        zun("image-delete", uuid).assertOk();
        Poll.until(WAIT, () -> zun("image-list").out(), out -> !out.contains(uuid), "the image to go");

        zun("registry-delete", reg).assertOk();
        assertFalse(zun("registry-list").out().contains(reg));
    }

    @Test
    void openstackImageCreateFeedsTheStoreAndZunRunsFromIt() throws IOException {
        TestImages.Unique local = TestImages.commit(docker, "zunvx-cli/store", "s-" + suffix(), Map.of());
        Path tar = data.resolve("store-" + suffix() + ".tar");
        try (InputStream in = docker.saveImageCmd(local.reference()).exec()) {
            Files.copy(in, tar, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            LocalRegistry.untag(docker, local.reference());
        }
        String name = "cli-store-" + suffix();

        ZunCliIT.Cli created = openstack("image", "create", "--container-format", "docker", "--disk-format", "raw",
                "--file", tar.toString(), name);
        created.assertOk();
        assertTrue(created.out().contains(name), created.out());
        ZunCliIT.Cli status = openstack("image", "show", "-f", "value", "-c", "status", name);
        status.assertOk();
        assertEquals("active", status.out().strip());
        ZunCliIT.Cli list = openstack("image", "list");
        list.assertOk();
        assertTrue(list.out().contains(name), list.out());
        ZunCliIT.Cli search = zun("image-search", "--image_driver", "glance", name);
        search.assertOk();
        assertTrue(search.out().contains(name), search.out());

        String container = "cli-glance-" + suffix();
        zun("run", "--name", container, "--image-driver", "glance", "--cpu", "0.1", "--memory", "32", name,
                "cat", "/marker").assertOk();
        ZunCliIT.awaitStatus(admin, container, "Stopped");
        ZunCliIT.Cli logs = zun("logs", container);
        assertTrue(logs.out().contains(local.marker()), logs.out());
        zun("delete", container).assertOk();
        // the Glance driver named it for the admin's project (docs/images.md)
        LocalRegistry.untag(docker, ProjectImages.scoped(platform.bootstrap().projectId(), name));

        Path back = data.resolve("back-" + suffix() + ".tar");
        openstack("image", "save", "--file", back.toString(), name).assertOk();
        assertEquals(Files.size(tar), Files.size(back));
        openstack("image", "delete", name).assertOk();
        assertFalse(openstack("image", "list").out().contains(name));
    }

    /** A value from a property table the CLI printed. */
    private static String property(String table, String key) {
        for (String line : table.split("\n")) {
            String[] cells = line.split("\\|");
            if (cells.length >= 3 && cells[1].trim().equals(key)) {
                String v = cells[2].trim();
                return v.isEmpty() || "None".equals(v) ? null : v;
            }
        }
        return null;
    }
}
