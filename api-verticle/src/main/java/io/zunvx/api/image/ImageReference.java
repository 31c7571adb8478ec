package io.zunvx.api.image;

import io.zunvx.api.http.Py;

import io.zunvx.platform.error.ZunException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Docker image reference ({@code [domain/]path[:tag][@digest]}), parsed with the grammar of Docker's
 * {@code distribution/reference}: the path is lowercase components separated by {@code /}, a leading component is a
 * registry domain when it contains {@code .} or {@code :} or is {@code localhost}, and the whole name is at most 255
 * characters. Zun checks references on the compute host and leaves a container in {@code Error}; here a malformed
 * one is refused with 400 before anything is written.
 *
 * @param domain registry host and port, e.g. {@code 127.0.0.1:5000}, or {@code null} for the default registry
 * @param path   repository path, e.g. {@code library/busybox} or {@code busybox}
 * @param tag    tag, or {@code null} when none was given
 * @param digest digest ({@code sha256:...}), or {@code null}
 */
public record ImageReference(String domain, String path, String tag, String digest) {
    private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    private static final String DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    /** {@code host[:port]}: a DNS name, an IPv4 address or a bracketed IPv6 address, then an optional port. */
    public static final Pattern DOMAIN = Pattern.compile("^(?:" + DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT
            + ")*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]{1,5})?$");
    private static final Pattern PATH = Pattern.compile("^" + COMPONENT + "(?:/" + COMPONENT + ")*$");
    private static final Pattern TAG = Pattern.compile("^[\\w][\\w.-]{0,127}$");
    private static final Pattern DIGEST = Pattern.compile(
            "^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$");
    private static final Pattern ANCHORED = Pattern.compile("^(.+?)(?::([^:/@]+))?(?:@(.+))?$");
    private static final int NAME_MAX = 255;

    public ImageReference {
        Objects.requireNonNull(path, "path");
    }

    /**
     * The repository prefix of the names the compute agents give each project's images on a host
     * ({@code ProjectImages} in the compute module): no user reference may name it.
     */
    public static final String RESERVED_PREFIX = "zunvx-p-";

    /**
     * Parses {@code text}.
     *
     * @throws ZunException 400 {@code invalid-value}: {@code Invalid image name 'x': <why>}
     */
    public static ImageReference parse(String text) {
        if (text == null || text.isEmpty()) {
            throw invalid(String.valueOf(text), "invalid reference format");
        }
        Matcher m = ANCHORED.matcher(text);
        if (!m.matches()) {
            throw invalid(text, "invalid reference format");
        }
        String name = m.group(1);
        String tag = m.group(2);
        String digest = m.group(3);
        // "host:5000/repo" without a tag: the regex takes ":5000/repo" as no tag because a tag holds no '/'.
        if (digest != null && !DIGEST.matcher(digest).matches()) {
            throw invalid(text, "invalid reference format: invalid digest");
        }
        if (tag != null && !TAG.matcher(tag).matches()) {
            throw invalid(text, "invalid reference format: invalid tag");
        }
        if (name.length() > NAME_MAX) {
            throw invalid(text, "repository name must not be more than " + NAME_MAX + " characters");
        }
        String domain = null;
        String path = name;
        int slash = name.indexOf('/');
        if (slash > 0) {
            String first = name.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")
                    || !first.toLowerCase(Locale.ROOT).equals(first)) {
                domain = first;
                path = name.substring(slash + 1);
            }
        }
        if (domain != null && !DOMAIN.matcher(domain).matches()) {
            throw invalid(text, "invalid reference format: invalid registry " + Py.reprString(domain));
        }
        if (!PATH.matcher(path).matches()) {
            if (!path.toLowerCase(Locale.ROOT).equals(path)
                    && PATH.matcher(path.toLowerCase(Locale.ROOT)).matches()) {
                throw invalid(text, "invalid reference format: repository name must be lowercase");
            }
            throw invalid(text, "invalid reference format");
        }
        if ((domain == null || domain.equals("docker.io") || domain.equals("index.docker.io"))
                && path.startsWith(RESERVED_PREFIX)) {
            throw invalid(text, "repository names starting with " + RESERVED_PREFIX
                    + " are reserved for the platform's per-project image names");
        }
        return new ImageReference(domain, path, tag, digest);
    }

    /** Whether {@code text} names a registry host ({@code host[:port]}). */
    public static boolean isDomain(String text) {
        return text != null && text.length() <= 255 && DOMAIN.matcher(text).matches();
    }

    /** The repository with its domain, without tag or digest: what {@code docker pull} names. */
    public String repository() {
        return domain == null ? path : domain + "/" + path;
    }

    /** The tag, {@code latest} when none was given. */
    public String tagOrLatest() {
        return tag == null ? "latest" : tag;
    }

    @Override
    public String toString() {
        return repository() + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
    }

    private static ZunException invalid(String text, String why) {
        return ZunException.invalid("Invalid image name " + Py.reprString(text) + ": " + why);
    }
}
