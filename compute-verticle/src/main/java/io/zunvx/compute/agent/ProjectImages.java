package io.zunvx.compute.agent;

import io.zunvx.compute.driver.DriverException;
import io.zunvx.compute.driver.DriverException.Kind;
import io.zunvx.compute.driver.ImageDriver;
import io.zunvx.compute.driver.ImageDriver.ArchiveSource;
import io.zunvx.compute.driver.ImageRef;
import io.zunvx.compute.driver.LocalImage;
import io.zunvx.compute.driver.PullPolicy;
import io.zunvx.compute.driver.RegistryAuth;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * Which local image a project's image reference means on this host, so that nothing one project does changes what
 * another project's reference resolves to. Blocking; one instance per agent (it serialises, per reference, the
 * lookups of shared names with the pulls that could move them).
 *
 * <p>Two kinds of local names:
 * <ul>
 *   <li><b>Project names</b> {@code zunvx-p-<project>/<reference>}: everything the platform puts on the host for one
 *   project lands here only: commits, store images loaded for the Glance driver, and pulls made with a registry's
 *   credentials. Another project never resolves to them; references that name the prefix are refused.</li>
 *   <li><b>Shared names</b> (the reference as written, e.g. {@code busybox:latest}): what the operator put on the host
 *   and what anonymous pulls brought. Anyone could pull those anonymously, so every project may use them. A pull
 *   with credentials never leaves a shared name behind: the name it moved is put back (or removed) at once, under
 *   the reference's lock, so no lookup sees it in between. A shared name counts only as a real tag of the image (not
 *   an id prefix, not a digest that only a credentialed pull recorded).</li>
 * </ul>
 *
 * <p>Resolution for project P and reference R under {@code ifnotpresent} and {@code never}: P's own name for R, then
 * the shared name R, then (not under {@code never}) a pull: anonymous into the shared name, with credentials into
 * P's name. {@code always} pulls in the same way first. A project that never supplied credentials for a registry thus
 * pulls anonymously and is refused by it, as Kubernetes' {@code AlwaysPullImages} would make it. Containers are
 * created from the image id the resolution found, so a later change of any name does not affect them.
 */
public final class ProjectImages {
    /** The repository prefix of project names: references starting with it are refused. */
    public static final String PREFIX = "zunvx-p-";
    private static final Pattern PROJECT = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?");
    private static final Pattern PATH_COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final int MAX_NAME = 255;
    private static final int STRIPES = 64;

    private final ImageDriver driver;
    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];

    public ProjectImages(ImageDriver driver) {
        this.driver = driver;
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    /** The driver the images live in. */
    ImageDriver driver() {
        return driver;
    }

    /**
     * Makes the project's image for {@code reference} present and returns it (see the class comment for the order).
     *
     * @param auth the project's credentials for the reference's registry, {@code null} when it has none
     * @throws DriverException {@link Kind#BAD_REQUEST} for a malformed or reserved reference or an unknown policy,
     *                         {@link Kind#NOT_FOUND} when missing under {@code never}, or the pull's failure
     */
    public LocalImage ensure(String projectId, String reference, String pullPolicy, RegistryAuth auth) {
        PullPolicy policy = PullPolicy.parse(pullPolicy);
        Ref ref = Ref.parse(reference);
        String own = scoped(projectId, ref);
        ReentrantLock lock = lock(ref.familiar());
        lock.lock();
        try {
            if (policy != PullPolicy.ALWAYS) {
                Optional<LocalImage> mine = driver.inspectImage(own);
                if (mine.isPresent()) {
                    return mine.get();
                }
                Optional<LocalImage> shared = shared(ref);
                if (shared.isPresent()) {
                    return shared.get();
                }
                if (policy == PullPolicy.NEVER) {
                    throw new DriverException(Kind.NOT_FOUND,
                            "Image " + reference + " not present with pull policy of Never");
                }
            }
            if (auth == null) {
                return driver.ensureImage(ref.familiar(), PullPolicy.ALWAYS.name(), null);
            }
            return pullPrivately(ref, own, auth);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Makes a stored image archive present under the project's name for {@code name} (the archive's own names are
     * not applied: see {@link ImageDriver#loadImage}).
     */
    public LocalImage load(String projectId, String name, String imageId, boolean reload, ArchiveSource archive) {
        return driver.loadImage(imageId, scoped(projectId, name), reload, archive);
    }

    /** Commits a container to the project's name for {@code repository:tag}; returns the image id. */
    public String commit(String projectId, String containerId, String repository, String tag,
                         Map<String, String> labels) {
        String own = scoped(projectId, repository + ":" + tag);
        int colon = own.lastIndexOf(':');
        return driver.commit(containerId, own.substring(0, colon), own.substring(colon + 1), labels);
    }

    /** Removes the project's name for {@code reference}; shared names stay. Fails only when the engine is away. */
    public void remove(String projectId, String reference) {
        driver.removeImage(scoped(projectId, reference), false);
    }

    /**
     * A pull with credentials: it always asks the registry (which authorises this project), tags the result with
     * the project's name and puts the shared name back as it was, all under the reference's lock.
     */
    private LocalImage pullPrivately(Ref ref, String own, RegistryAuth auth) {
        Optional<LocalImage> before = ref.digest() == null ? shared(ref) : Optional.empty();
        LocalImage pulled;
        try {
            pulled = driver.ensureImage(ref.familiar(), PullPolicy.ALWAYS.name(), auth);
            driver.tagImage(pulled.id(), own);
        } finally {
            if (ref.digest() == null) {
                restore(ref, before);
            }
        }
        return driver.inspectImage(own).orElse(pulled);
    }

    private void restore(Ref ref, Optional<LocalImage> before) {
        Optional<LocalImage> now = driver.inspectImage(ref.familiar())
                .filter(i -> i.repoTags().contains(ref.familiar()));
        if (before.isPresent()) {
            if (now.isEmpty() || !now.get().id().equals(before.get().id())) {
                driver.tagImage(before.get().id(), ref.familiar());
            }
        } else if (now.isPresent()) {
            driver.removeImage(ref.familiar(), false);
        }
    }

    /**
     * The image the shared name means: a tag reference only when the image carries exactly that tag; a digest
     * reference only when the image also carries a tag of the same repository (brought by the operator or an
     * anonymous pull, never left by a credentialed one).
     */
    private Optional<LocalImage> shared(Ref ref) {
        return driver.inspectImage(ref.familiar()).filter(i -> ref.digest() == null
                ? i.repoTags().contains(ref.familiar())
                : i.repoTags().stream().anyMatch(t -> t.startsWith(ref.repository() + ":")));
    }

    private ReentrantLock lock(String key) {
        return locks[Math.floorMod(key.hashCode(), STRIPES)];
    }

    /**
     * The project's own local name for {@code reference}: {@code zunvx-p-<project>/<registry_port>/<path>:<tag>}
     * ({@code :sha256-<hex>} for a digest), or, when that is no valid name, one made from a hash of the reference.
     *
     * @throws DriverException {@link Kind#BAD_REQUEST} for a malformed or reserved reference
     */
    public static String scoped(String projectId, String reference) {
        return scoped(projectId, Ref.parse(reference));
    }

    private static String scoped(String projectId, Ref ref) {
        if (projectId == null || projectId.isBlank()) {
            throw new DriverException(Kind.BAD_REQUEST, "an image needs a project to be named on the host");
        }
        String project = PROJECT.matcher(projectId).matches() ? projectId : sha256(projectId).substring(0, 32);
        String tag = ref.digest() != null ? ref.digest().replace(':', '-') : ref.tag();
        StringBuilder path = new StringBuilder(PREFIX).append(project);
        boolean valid = TAG.matcher(tag).matches();
        for (String part : ref.repository().toLowerCase(Locale.ROOT).replace(':', '_').split("/")) {
            valid &= PATH_COMPONENT.matcher(part).matches();
            path.append('/').append(part);
        }
        if (!valid || path.length() > MAX_NAME) {
            return PREFIX + project + "/h" + sha256(ref.familiar()).substring(0, 40) + ":"
                    + (TAG.matcher(tag).matches() ? tag : "latest");
        }
        return path + ":" + tag;
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A reference in the familiar form Docker lists names in: without {@code docker.io/} and {@code library/}, with
     * {@code :latest} when it has neither tag nor digest; a digest wins over a tag.
     *
     * @param repository registry and path, e.g. {@code busybox} or {@code 127.0.0.1:5000/team/app}
     * @param tag        the tag ({@code latest} when none)
     * @param digest     {@code sha256:...} or {@code null}
     */
    record Ref(String repository, String tag, String digest) {
        static Ref parse(String reference) {
            ImageRef parsed = ImageRef.parse(reference);
            String rest = parsed.repository();
            for (String hub : new String[] {"docker.io/", "index.docker.io/"}) {
                if (rest.startsWith(hub)) {
                    rest = rest.substring(hub.length());
                    if (rest.startsWith("library/") && rest.indexOf('/', "library/".length()) < 0) {
                        rest = rest.substring("library/".length());
                    }
                }
            }
            if (rest.isEmpty()) {
                throw new DriverException(Kind.BAD_REQUEST, "invalid image reference: '" + reference + "'");
            }
            if (rest.startsWith(PREFIX)) {
                throw new DriverException(Kind.BAD_REQUEST, "image names starting with " + PREFIX
                        + " are reserved for the platform's per-project names: '" + reference + "'");
            }
            return new Ref(rest, parsed.tag(), parsed.digest());
        }

        /** {@code repository@digest} when pinned, else {@code repository:tag}. */
        String familiar() {
            return digest != null ? repository + "@" + digest : repository + ":" + tag;
        }
    }
}
