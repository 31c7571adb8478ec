package io.zunvx.compute.docker;

import static io.zunvx.compute.docker.DockerErrors.call;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.LoadResponseItem;
import com.github.dockerjava.api.model.PullResponseItem;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.zunvx.compute.driver.DriverException;
import io.zunvx.compute.driver.ImageRef;
import io.zunvx.compute.driver.DriverException.Kind;
import io.zunvx.compute.driver.ImageDriver;
import io.zunvx.compute.driver.ImageNames;
import io.zunvx.compute.driver.LocalImage;
import io.zunvx.compute.driver.PullPolicy;
import io.zunvx.compute.driver.RegistryAuth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link ImageDriver} for a Docker engine: pulls (with the registry's credentials when given), loads of stored
 * archives, inspection, removal, {@code docker save} and commit. Concurrent pulls of one reference, and loads of one
 * image, go to the engine once: each through its own {@link PullCoordinator}.
 */
final class DockerImages implements ImageDriver {
    private static final Logger LOG = LoggerFactory.getLogger(DockerImages.class);
    /** Pulls sent to the engine, after de-duplication (Prometheus: {@code zunvx_image_pulls_total}). */
    static final String PULLS_METER = "zunvx.image.pulls";
    /** Stored images loaded into the engine, after de-duplication ({@code zunvx_image_loads_total}). */
    static final String LOADS_METER = "zunvx.image.loads";

    private final DockerClient control;
    private final DockerClient lengthy;
    private final DockerClient streaming;
    private final PullCoordinator pullsInFlight = new PullCoordinator();
    private final PullCoordinator loadsInFlight = new PullCoordinator();
    private volatile Counter pulls;
    private volatile Counter loads;

    DockerImages(DockerClients clients) {
        this.control = clients.control();
        this.lengthy = clients.lengthy();
        this.streaming = clients.streaming();
    }

    @Override
    public LocalImage ensureImage(String reference, String pullPolicy, RegistryAuth auth) {
        ImageRef ref = ImageRef.parse(reference);
        PullPolicy policy = PullPolicy.parse(pullPolicy);
        // Under "always" there is nothing to look up first.
        Optional<LocalImage> present = policy == PullPolicy.ALWAYS ? Optional.empty() : inspectImage(ref.canonical());
        switch (policy.decide(present.isPresent())) {
            case USE_LOCAL -> {
                return present.get();
            }
            case MISSING -> throw new DriverException(Kind.NOT_FOUND,
                    "Image " + reference + " not present with pull policy of Never");
            case PULL -> pull(ref, auth, policy == PullPolicy.IF_NOT_PRESENT);
        }
        return inspectImage(ref.canonical()).orElseThrow(() -> new DriverException(Kind.NOT_FOUND,
                "Image " + reference + " is not present after it was pulled"));
    }

    @Override
    public void tagImage(String imageId, String reference) {
        Objects.requireNonNull(imageId, "imageId");
        ImageRef name = ImageRef.parse(ImageNames.withDefaultTag(reference));
        if (name.digest() != null) {
            throw new DriverException(Kind.BAD_REQUEST, "an image is tagged with a tag, not a digest: " + reference);
        }
        call(() -> control.tagImageCmd(imageId, name.repository(), name.tag()).withForce(true).exec());
    }

    @Override
    public Optional<LocalImage> inspectImage(String referenceOrId) {
        Objects.requireNonNull(referenceOrId, "referenceOrId");
        try {
            InspectImageResponse r = control.inspectImageCmd(referenceOrId).exec();
            return Optional.of(new LocalImage(r.getId(), r.getSize() == null ? 0 : r.getSize(), r.getRepoTags()));
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (RuntimeException e) {
            throw DockerErrors.translate(e);
        }
    }

    /**
     * Concurrent pulls of one reference by one principal share a single request to the engine and its outcome. The
     * principal is part of the key so that an anonymous pull never borrows the success of one with credentials.
     *
     * @param ifMissing look again once this call leads: a caller that found the image missing just before another's
     *                  pull completed then does not pull it a second time
     */
    private void pull(ImageRef ref, RegistryAuth auth, boolean ifMissing) {
        String key = ref.canonical() + " " + (auth == null ? "" : auth.principal());
        pullsInFlight.shared(key, () -> {
            if (ifMissing && inspectImage(ref.canonical()).isPresent()) {
                return;
            }
            try {
                counted(pulls);
                doPull(ref, auth);
            } catch (RuntimeException e) {
                DriverException cause = DockerErrors.translate(e);
                throw new DriverException(cause.kind(),
                        "Pull of " + ref.canonical() + " failed: " + cause.getMessage(), cause.retryable(), e);
            }
        });
    }

    private void doPull(ImageRef ref, RegistryAuth auth) {
        Collecting<PullResponseItem> progress = new Collecting<>() {
            private volatile String error;

            @Override
            public void onNext(PullResponseItem item) {
                // Errors met after the download started arrive as a progress message, not as an HTTP status.
                if (item.isErrorIndicated()) {
                    error = item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null
                            ? item.getErrorDetail().getMessage()
                            : "the registry reported an error without a message";
                }
            }

            @Override
            void afterCompletion() {
                if (error != null) {
                    throw new DriverException(Kind.OTHER, error);
                }
            }
        };
        var cmd = lengthy.pullImageCmd(ref.repository()).withTag(ref.pullTag());
        if (auth != null) {
            cmd.withAuthConfig(new AuthConfig()
                    .withRegistryAddress(auth.registry())
                    .withUsername(auth.username())
                    .withPassword(auth.password()));
        }
        cmd.exec(progress);
        progress.await();
    }

    @Override
    public LocalImage loadImage(String imageId, String reference, boolean reload, ArchiveSource archive) {
        Objects.requireNonNull(imageId, "imageId");
        Objects.requireNonNull(archive, "archive");
        ImageRef name = ImageRef.parse(ImageNames.withDefaultTag(reference));
        if (name.digest() != null) {
            throw new DriverException(Kind.BAD_REQUEST, "a loaded image is named by a tag, not a digest: " + reference);
        }
        if (reload || inspectImage(imageId).isEmpty()) {
            loadsInFlight.shared(imageId, () -> {
                // Another caller may have loaded it since this one looked.
                if (!reload && inspectImage(imageId).isPresent()) {
                    return;
                }
                counted(loads);
                doLoad(imageId, archive);
            });
        }
        LocalImage loaded = inspectImage(imageId).orElseThrow(() -> new DriverException(Kind.BAD_REQUEST,
                "the archive of " + reference + " does not hold image " + imageId));
        tagImage(imageId, reference);
        return inspectImage(imageId).orElse(loaded);
    }

    private void doLoad(String imageId, ArchiveSource archive) {
        Collecting<LoadResponseItem> progress = new Collecting<>() {
            private volatile String error;

            @Override
            public void onNext(LoadResponseItem item) {
                // The engine answers 200 and reports a bad archive in the stream.
                if (item.isErrorIndicated()) {
                    error = item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null
                            ? item.getErrorDetail().getMessage()
                            : item.getError() != null ? item.getError() : "the engine rejected the archive";
                }
            }

            @Override
            void afterCompletion() {
                if (error != null) {
                    throw new DriverException(Kind.BAD_REQUEST, error);
                }
            }
        };
        ReadFailures in;
        try {
            in = new ReadFailures(ArchiveNames.strip(archive.open()));
        } catch (IOException e) {
            throw unreadable(imageId, e);
        }
        try (in) {
            lengthy.loadImageAsyncCmd(in).exec(progress);
            progress.await();
        } catch (IOException closing) {
            LOG.debug("closing the archive of {}", imageId, closing);
        } catch (RuntimeException e) {
            // A failure to read the archive reaches us as a broken request: tell it from an engine that went away.
            if (in.failure != null) {
                throw unreadable(imageId, in.failure);
            }
            DriverException d = DockerErrors.translate(e);
            if (d.retryable()) {
                throw d;
            }
            throw new DriverException(Kind.BAD_REQUEST, "Load of image " + imageId + " failed: " + d.getMessage(), e);
        }
    }

    private static DriverException unreadable(String imageId, IOException e) {
        return new DriverException(Kind.OTHER, "cannot read the stored archive of image " + imageId + ": "
                + e.getMessage(), false, e);
    }

    /** Remembers the first failure of the stream it wraps, so that a broken upload can be blamed on its source. */
    private static final class ReadFailures extends FilterInputStream {
        private volatile IOException failure;

        ReadFailures(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                failure = failure == null ? e : failure;
                throw e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                failure = failure == null ? e : failure;
                throw e;
            }
        }
    }

    @Override
    public void removeImage(String referenceOrId, boolean force) {
        Objects.requireNonNull(referenceOrId, "referenceOrId");
        try {
            control.removeImageCmd(referenceOrId).withForce(force).exec();
        } catch (NotFoundException gone) {
            // idempotent
        } catch (RuntimeException e) {
            throw DockerErrors.translate(e);
        }
    }

    @Override
    public InputStream saveImage(String reference) {
        Objects.requireNonNull(reference, "reference");
        // The stream may be read slowly (into a store): no response timeout.
        return call(() -> streaming.saveImageCmd(reference).exec());
    }

    @Override
    public void countImageTransfers(MeterRegistry registry, String host) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(host, "host");
        pulls = Counter.builder(PULLS_METER).description("Image pulls sent to the container engine")
                .tag("host", host).register(registry);
        loads = Counter.builder(LOADS_METER).description("Stored images loaded into the container engine")
                .tag("host", host).register(registry);
    }

    private static void counted(Counter counter) {
        if (counter != null) {
            counter.increment();
        }
    }

    @Override
    public String commit(String id, String repository, String tag, Map<String, String> labels) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(tag, "tag");
        return call(() -> lengthy.commitCmd(id)
                .withRepository(repository)
                .withTag(tag)
                .withPause(true)
                .withLabels(labels == null ? Map.of() : labels)
                .exec());
    }

}
