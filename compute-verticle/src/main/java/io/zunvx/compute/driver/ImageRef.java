package io.zunvx.compute.driver;

/**
 * An image reference split the way Docker's pull call wants it: {@code fromImage} and {@code tag}, where the tag may be
 * a digest.
 *
 * @param repository everything before the tag or digest, registry and path included
 * @param tag        the tag, {@code latest} when none was given
 * @param digest     the digest such as {@code sha256:...}, or {@code null}
 */
public record ImageRef(String repository, String tag, String digest) {

    /**
     * Splits a reference.
     *
     * @throws DriverException {@link DriverException.Kind#BAD_REQUEST} when it is empty or holds blanks or control
     *                         characters
     */
    public static ImageRef parse(String reference) {
        if (reference == null || reference.isBlank()
                || reference.chars().anyMatch(ch -> ch <= ' ' || Character.isWhitespace(ch))) {
            throw new DriverException(DriverException.Kind.BAD_REQUEST, "invalid image reference: '" + reference + "'");
        }
        String digest = null;
        String rest = reference;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
        }
        // A colon before the last slash belongs to a registry port, not to a tag.
        int colon = rest.lastIndexOf(':');
        String tag = "latest";
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
        }
        if (rest.isEmpty() || tag.isEmpty() || (digest != null && digest.isEmpty())) {
            throw new DriverException(DriverException.Kind.BAD_REQUEST, "invalid image reference: '" + reference + "'");
        }
        return new ImageRef(rest, tag, digest);
    }

    /** The reference Docker resolves locally: {@code repo@digest} when pinned, else {@code repo:tag}. */
    public String canonical() {
        return digest != null ? repository + "@" + digest : repository + ":" + tag;
    }

    /** The {@code tag} query parameter of a pull: Docker accepts a digest there too. */
    public String pullTag() {
        return digest != null ? digest : tag;
    }
}
