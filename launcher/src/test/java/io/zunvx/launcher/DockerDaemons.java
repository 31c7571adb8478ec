package io.zunvx.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Extra Docker engines on this machine, one per simulated host: own socket, data root, exec root and pid file, the
 * flags these machines need, one extra runtime name ({@value #ALT_RUNTIME}, runc under another name), and the local
 * busybox image loaded from the main engine. Nothing is pulled.
 */
final class DockerDaemons implements AutoCloseable {
    static final String ALT_RUNTIME = "zunvx-alt";

    private final List<Daemon> daemons = new ArrayList<>();

    record Daemon(String name, Path root, Process process) {
        String host() {
            return "unix://" + root.resolve("docker.sock");
        }
    }

    Daemon start(String name) {
        Path root = Path.of("/tmp", "zunvx-dockerd-" + name + "-" + ProcessHandle.current().pid());
        deleteTree(root);
        Daemon d = launch(name, root);
        int loaded = run("sh", "-c", "docker save busybox:latest | docker -H " + d.host() + " load -q");
        if (loaded != 0) {
            throw new IllegalStateException("could not load busybox into dockerd " + name);
        }
        return d;
    }

    /**
     * Kills a daemon's engine with SIGKILL, as a crash would, then starts it again on the same data and exec roots;
     * returns the new daemon once it answers. The engine's containerd dies with it (the engine starts it so), while the
     * container shims live on. Where nothing reaps orphans (PID 1 of some machines does not), the dead containerd stays
     * a zombie that its pid file still names: a new engine would take it for running, wait for its socket and never
     * answer. So the killed processes are waited for until they are gone or zombies, and their pid files are removed,
     * as a host's init system does before it starts the engine again.
     */
    Daemon killAndRestart(Daemon d) {
        List<ProcessHandle> children = d.process().descendants().filter(p -> p.info().command()
                .map(c -> c.endsWith("containerd")).orElse(false)).toList();
        d.process().destroyForcibly();
        try {
            d.process().waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        children.forEach(ProcessHandle::destroyForcibly);
        Poll.until(Duration.ofSeconds(30), () -> children.stream().allMatch(DockerDaemons::deadOrZombie), gone -> gone,
                "the killed engine's containerd to end");
        try {
            Files.deleteIfExists(d.root().resolve("docker.pid"));
            Files.deleteIfExists(d.root().resolve("exec").resolve("containerd").resolve("containerd.pid"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        daemons.remove(d);
        return launch(d.name(), d.root());
    }

    /** Whether a process has ended: gone, or a zombie nobody reaps. */
    private static boolean deadOrZombie(ProcessHandle p) {
        if (!p.isAlive()) {
            return true;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return true;
        }
    }

    private Daemon launch(String name, Path root) {
        try {
            Files.createDirectories(root);
            String runc = Files.exists(Path.of("/usr/sbin/runc")) ? "/usr/sbin/runc" : "/usr/bin/runc";
            Process p = new ProcessBuilder("dockerd", "--storage-driver=vfs", "--bridge=none", "--iptables=false",
                    "--ip-masq=false", "--host", "unix://" + root.resolve("docker.sock"),
                    "--data-root", root.resolve("data").toString(), "--exec-root", root.resolve("exec").toString(),
                    "--pidfile", root.resolve("docker.pid").toString(),
                    "--add-runtime", ALT_RUNTIME + "=" + runc)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve("dockerd.log").toFile())).start();
            Daemon d = new Daemon(name, root, p);
            daemons.add(d);
            // A restart after SIGKILL first recovers the killed engine's containers: slow on a loaded machine.
            Poll.until(Duration.ofSeconds(180), () -> run("docker", "-H", d.host(), "version") == 0, ok -> ok,
                    "dockerd " + name + " (log: " + root.resolve("dockerd.log") + ")");
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Stops a daemon's engine (its containers die with it), keeping its files until {@link #close()}. */
    void stop(Daemon d) {
        run("sh", "-c", "docker -H " + d.host() + " rm -f $(docker -H " + d.host() + " ps -aq) 2>/dev/null; true");
        d.process().destroy();
        try {
            if (!d.process().waitFor(30, TimeUnit.SECONDS)) {
                d.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        daemons.forEach(this::stop);
        for (Daemon d : daemons) {
            // vfs layers and exec state are plain directories once the engine is gone.
            run("sh", "-c", "umount -R " + d.root() + "/exec 2>/dev/null; umount -R " + d.root()
                    + "/data 2>/dev/null; true");
            deleteTree(d.root());
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort: a later run uses a fresh directory name anyway
        }
    }
}
