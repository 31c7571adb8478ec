package io.zunvx.compute.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The connections to one Docker engine, shared by the Docker implementations of every port.
 *
 * <p>It keeps three connection pools to the engine because the transport has one response timeout per client:
 * a short one for ordinary calls ({@link #control}), a long one for calls whose duration depends on the image or on
 * the caller ({@link #lengthy}: pull, create, stop, restart, remove), and none for streams ({@link #streaming}: logs,
 * events, attach) that may stay silent indefinitely; plus a raw HTTP client for the few answers docker-java does not
 * model fully.
 *
 * <p>Thread-safe.
 */
final class DockerClients implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DockerClients.class);

    private final URI dockerHost;
    private final Duration connectTimeout;
    private final DockerClient control;
    private final DockerClient lengthy;
    private final DockerClient streaming;
    private final DockerHttpClient raw;
    private final Clock clock;

    /**
     * Connections to the engine at {@code dockerHost} ({@code unix:///var/run/docker.sock}, {@code tcp://h:2375}). TLS
     * for {@code tcp://} follows docker-java's usual {@code DOCKER_TLS_VERIFY} and {@code DOCKER_CERT_PATH} settings.
     */
    DockerClients(String dockerHost, DockerContainerDriver.Timeouts timeouts) {
        Objects.requireNonNull(dockerHost, "dockerHost");
        Objects.requireNonNull(timeouts, "timeouts");
        DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(dockerHost)
                .build();
        this.dockerHost = config.getDockerHost();
        this.connectTimeout = timeouts.connect();
        this.clock = Clock.systemUTC();
        this.control = client(config, timeouts.connect(), timeouts.control());
        this.lengthy = client(config, timeouts.connect(), timeouts.lengthy());
        // Zero is "no timeout" for the transport: a quiet event or log stream is not a failure.
        this.streaming = client(config, timeouts.connect(), Duration.ZERO);
        this.raw = http(config, timeouts.connect(), timeouts.lengthy());
    }

    private static DockerClient client(DockerClientConfig config, Duration connect, Duration response) {
        return DockerClientImpl.getInstance(config, http(config, connect, response));
    }

    private static DockerHttpClient http(DockerClientConfig config, Duration connect, Duration response) {
        return new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .maxConnections(100)
                .connectionTimeout(connect)
                .responseTimeout(response)
                .build();
    }

    /** The engine's address. */
    URI dockerHost() {
        return dockerHost;
    }

    Duration connectTimeout() {
        return connectTimeout;
    }

    /** Ordinary calls: the short response timeout. */
    DockerClient control() {
        return control;
    }

    /** Calls whose duration depends on the image or the caller: the long response timeout. */
    DockerClient lengthy() {
        return lengthy;
    }

    /** Streams that may stay silent: no response timeout. */
    DockerClient streaming() {
        return streaming;
    }

    /** Raw HTTP with the long response timeout, for answers docker-java does not model fully. */
    DockerHttpClient raw() {
        return raw;
    }

    Clock clock() {
        return clock;
    }

    /** Closes every connection; streams still open end. */
    @Override
    public void close() {
        for (DockerClient client : List.of(streaming, lengthy, control)) {
            try {
                client.close();
            } catch (IOException | RuntimeException e) {
                LOG.debug("closing a Docker client", e);
            }
        }
        try {
            raw.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("closing a Docker client", e);
        }
    }
}
