package io.zunvx.compute;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** Images of their own for tests on the real engine, made from the locally built busybox without any registry. */
public final class TestImages {
    private TestImages() {
    }

    /**
     * An image no other test has.
     *
     * @param id        the engine's image id
     * @param reference its only name, {@code repository:tag}
     * @param marker    the text in its file {@code /marker}, followed by a newline
     */
    public record Unique(String id, String reference, String marker) {
    }

    /** A client of the engine of its own, to check what the code under test did. */
    public static DockerClient docker(String dockerHost) {
        DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(dockerHost)
                .build();
        return DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .connectionTimeout(Duration.ofSeconds(5))
                .responseTimeout(Duration.ofSeconds(120))
                .build());
    }

    /**
     * Commits busybox plus a file {@code /marker} holding a unique text as {@code repository:tag}; the caller removes
     * that name when done. The container it is committed from runs without network and is removed.
     *
     * @param labels labels of that container, so that a failed test's cleanup finds it
     */
    public static Unique commit(DockerClient docker, String repository, String tag, Map<String, String> labels) {
        String marker = "marker-" + UUID.randomUUID();
        String containerId = docker.createContainerCmd("busybox:latest")
                .withCmd("sh", "-c", "echo " + marker + " > /marker")
                .withLabels(labels)
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none"))
                .exec().getId();
        try {
            docker.startContainerCmd(containerId).exec();
            docker.waitContainerCmd(containerId).start().awaitStatusCode(60, TimeUnit.SECONDS);
            String id = docker.commitCmd(containerId).withRepository(repository).withTag(tag).exec();
            return new Unique(id, repository + ":" + tag, marker);
        } finally {
            docker.removeContainerCmd(containerId).withForce(true).exec();
        }
    }

    /**
     * Removes every local name the agent gave {@code projectId}'s images ({@code zunvx-p-<project>/...}); an image
     * goes with its last name, and a name a container still needs stays.
     */
    public static void untagProject(DockerClient docker, String projectId) {
        String own = io.zunvx.compute.agent.ProjectImages.scoped(projectId, "x");
        String prefix = own.substring(0, own.indexOf('/') + 1);
        for (var image : docker.listImagesCmd().exec()) {
            for (String name : image.getRepoTags() == null ? new String[0] : image.getRepoTags()) {
                if (name.startsWith(prefix)) {
                    try {
                        LocalRegistry.untag(docker, name);
                    } catch (com.github.dockerjava.api.exception.ConflictException used) {
                        // a container still uses it as its only name: it goes with that container's cleanup
                    }
                }
            }
        }
    }
}
