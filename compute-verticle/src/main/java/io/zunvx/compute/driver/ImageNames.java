package io.zunvx.compute.driver;

import java.util.Locale;

/**
 * The registry part of image references, as Docker reads them: the first path component is a registry host when it
 * contains a dot or a colon or is {@code localhost} ({@code 127.0.0.1:5000/team/app}, {@code registry.example.com/app}),
 * and there is none in {@code busybox} or {@code team/app}.
 */
public final class ImageNames {
    private ImageNames() {
    }

    /** The registry host (with port) a reference names, or {@code null} when it names none. */
    public static String domain(String reference) {
        if (reference == null) {
            return null;
        }
        int slash = reference.indexOf('/');
        if (slash <= 0) {
            return null;
        }
        String first = reference.substring(0, slash);
        return first.contains(".") || first.contains(":") || first.equals("localhost") ? first : null;
    }

    /**
     * The reference as pulled from the registry at {@code domain}: unchanged when it already names that registry,
     * otherwise prefixed with it ({@code busybox} → {@code 127.0.0.1:5000/busybox}).
     */
    public static String inRegistry(String reference, String domain) {
        if (domain == null || domain.isBlank()) {
            return reference;
        }
        String own = domain(reference);
        if (own != null && own.toLowerCase(Locale.ROOT).equals(domain.toLowerCase(Locale.ROOT))) {
            return reference;
        }
        return domain + "/" + reference;
    }

    /**
     * The reference with {@code :latest} added when it has neither tag nor digest: the name a loaded image is tagged
     * with.
     */
    public static String withDefaultTag(String reference) {
        if (reference.contains("@")) {
            return reference;
        }
        int colon = reference.lastIndexOf(':');
        return colon > reference.lastIndexOf('/') ? reference : reference + ":latest";
    }
}
