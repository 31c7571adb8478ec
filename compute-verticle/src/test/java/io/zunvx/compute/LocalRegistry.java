package io.zunvx.compute;

import com.github.dockerjava.api.DockerClient;
import io.zunvx.platform.db.TestWaits;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.PushResponseItem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A real Docker registry on 127.0.0.1 for tests: Debian's {@code docker-registry} (the distribution registry 2.x)
 * started on a free port with its storage under a test directory, anonymous or behind htpasswd basic authentication.
 * The Docker engine treats registries on 127.0.0.0/8 as insecure, so it pulls from this one over plain HTTP.
 *
 * <p>{@link #push} puts a local image into it; {@link #log} and {@link #requests} read what it served (its access log),
 * e.g. to count how many times the engine fetched a manifest.
 */
public final class LocalRegistry implements AutoCloseable {
    /** Where Debian's package installs the registry. */
    public static final Path BINARY = Path.of("/usr/bin/docker-registry");
    private static final Pattern ACCESS_LINE = Pattern.compile("^\\S+ - \\S+ \\[[^]]+] \"[A-Z]+ .*");

    private final Process process;
    private final int port;
    private final Path logFile;
    private final String username;
    private final String password;

    private LocalRegistry(Process process, int port, Path logFile, String username, String password) {
        this.process = process;
        this.port = port;
        this.logFile = logFile;
        this.username = username;
        this.password = password;
    }

    /** Whether the registry binary is installed here (tests needing it are skipped otherwise). */
    public static boolean available() {
        return Files.isExecutable(BINARY);
    }

    /** Starts an anonymous registry keeping its files under {@code dir}. */
    public static LocalRegistry start(Path dir) {
        return start(dir, null, null);
    }

    /**
     * Starts a registry keeping its files under {@code dir}; with a user name, every request needs basic
     * authentication as that user (an htpasswd file made with {@code htpasswd -B}).
     */
    public static LocalRegistry start(Path dir, String username, String password) {
        // A port found free may be taken before the registry binds it: try a few.
        RuntimeException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                return startOnce(dir, username, password, freePort());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (PortTaken e) {
                last = e;
            }
        }
        throw last;
    }

    private static LocalRegistry startOnce(Path dir, String username, String password, int port) {
        try {
            Files.createDirectories(dir);
            Path data = Files.createDirectories(dir.resolve("data-" + port));
            StringBuilder config = new StringBuilder()
                    .append("version: 0.1\n")
                    .append("log:\n  level: info\n")
                    .append("storage:\n  filesystem:\n    rootdirectory: ").append(data).append('\n')
                    .append("  delete:\n    enabled: true\n")
                    .append("http:\n  addr: 127.0.0.1:").append(port).append('\n')
                    .append("  secret: zunvx-test-").append(port).append('\n');
            if (username != null) {
                Path htpasswd = dir.resolve("htpasswd-" + port);
                Files.writeString(htpasswd, htpasswd(username, password));
                config.append("auth:\n  htpasswd:\n    realm: zunvx-test\n    path: ").append(htpasswd).append('\n');
            }
            Path configFile = dir.resolve("config-" + port + ".yml");
            Files.writeString(configFile, config);
            Path log = dir.resolve("registry-" + port + ".log");
            Process p = new ProcessBuilder(BINARY.toString(), "serve", configFile.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            LocalRegistry registry = new LocalRegistry(p, port, log, username, password);
            registry.awaitReady();
            return registry;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String htpasswd(String username, String password) throws IOException {
        Process p = new ProcessBuilder("htpasswd", "-Bbn", username, password).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("htpasswd failed: " + out);
            }
            return out.strip() + "\n";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Waits until {@code /v2/} answers (200, or 401 behind authentication); fails at once if the registry exits. */
    private void awaitReady() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create("http://" + address() + "/v2/"))
                .timeout(Duration.ofSeconds(2)).GET().build();
        try {
            TestWaits.eventually("docker-registry on " + address() + " to answer", () -> {
                if (!process.isAlive()) {
                    String log = log();
                    if (log.contains("address already in use")) {
                        throw new PortTaken(log);
                    }
                    throw new IllegalStateException("docker-registry exited with " + process.exitValue() + ":\n"
                            + log);
                }
                try {
                    int status = http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode();
                    return status == 200 || status == 401;
                } catch (IOException notYet) {
                    return false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while starting docker-registry", e);
                }
            });
        } catch (RuntimeException | AssertionError e) {
            close();
            if (e instanceof AssertionError) {
                throw new IllegalStateException(e.getMessage() + ":\n" + log(), e);
            }
            throw e;
        }
    }

    /** {@code 127.0.0.1:<port>}: the registry part of the references of its images. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** The user name requests need, or {@code null} for an anonymous registry. */
    public String username() {
        return username;
    }

    /** The password requests need, or {@code null} for an anonymous registry. */
    public String password() {
        return password;
    }

    /** The registry's output so far: its own log and its access log. */
    public String log() {
        try {
            return Files.exists(logFile) ? Files.readString(logFile) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The access log's lines so far, e.g. {@code 127.0.0.1 - - [..] "GET /v2/zunvx/app/manifests/v1 HTTP/1.1" 200 ..}. */
    public List<String> requests() {
        return log().lines().filter(l -> ACCESS_LINE.matcher(l).matches()).toList();
    }

    /**
     * How many times the manifest of {@code repository:reference} was served successfully (GET or HEAD answered 2xx):
     * an engine's pull of a tag asks for it once.
     */
    public long manifestFetches(String repository, String reference) {
        Pattern served = Pattern.compile(".*\"(GET|HEAD) /v2/" + Pattern.quote(repository) + "/manifests/"
                + Pattern.quote(reference) + " HTTP/[0-9.]+\" 2\\d\\d .*");
        return requests().stream().filter(l -> served.matcher(l).matches()).count();
    }

    /**
     * Pushes the local image {@code source} to {@code repository:tag} in this registry (as this registry's user) and
     * removes the local name it was pushed under again, so that a later pull of it is a real pull.
     *
     * @return the pushed reference, {@code 127.0.0.1:<port>/<repository>:<tag>}
     */
    public String push(DockerClient docker, String source, String repository, String tag) {
        String target = address() + "/" + repository;
        String reference = target + ":" + tag;
        docker.tagImageCmd(source, target, tag).exec();
        try {
            var cmd = docker.pushImageCmd(target).withTag(tag);
            if (username != null) {
                cmd.withAuthConfig(new AuthConfig().withRegistryAddress(address()).withUsername(username)
                        .withPassword(password));
            }
            StringBuilder errors = new StringBuilder();
            cmd.exec(new ResultCallback.Adapter<PushResponseItem>() {
                @Override
                public void onNext(PushResponseItem item) {
                    if (item.isErrorIndicated()) {
                        errors.append(item.getErrorDetail() != null ? item.getErrorDetail().getMessage()
                                : item.getError());
                    }
                }
            }).awaitCompletion(2, TimeUnit.MINUTES);
            if (!errors.isEmpty()) {
                throw new IllegalStateException("push of " + reference + " failed: " + errors);
            }
            return reference;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while pushing " + reference, e);
        } finally {
            untag(docker, reference);
        }
    }

    /** Removes a local image name; the image stays while another name (such as {@code busybox:latest}) holds it. */
    public static void untag(DockerClient docker, String reference) {
        try {
            docker.removeImageCmd(reference).withForce(false).exec();
        } catch (NotFoundException gone) {
            // never pulled, or removed already
        }
    }

    /** Stops the registry and waits for it to end. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static final class PortTaken extends RuntimeException {
        PortTaken(String log) {
            super("the registry's port was taken:\n" + log);
        }
    }
}
