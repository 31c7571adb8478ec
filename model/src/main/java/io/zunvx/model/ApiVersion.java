package io.zunvx.model;

/**
 * A Zun API microversion such as {@code 1.40}. Versions compare numerically: 1.9 &lt; 1.10.
 *
 * @param major always 1 for supported versions
 * @param minor minor version
 */
public record ApiVersion(int major, int minor) implements Comparable<ApiVersion> {
    public static final ApiVersion MIN = new ApiVersion(1, 1);
    public static final ApiVersion MAX = new ApiVersion(1, 40);

    public ApiVersion {
        if (major < 0 || minor < 0) {
            throw new IllegalArgumentException("version numbers must not be negative");
        }
    }

    /** Parses {@code <int>.<int>}; throws {@link IllegalArgumentException} for anything else. */
    public static ApiVersion parse(String text) {
        int dot = text.indexOf('.');
        if (dot <= 0 || dot == text.length() - 1) {
            throw new IllegalArgumentException("not a version: " + text);
        }
        String a = text.substring(0, dot);
        String b = text.substring(dot + 1);
        if (!a.chars().allMatch(Character::isDigit) || !b.chars().allMatch(Character::isDigit)
                || a.length() > 6 || b.length() > 6) {
            throw new IllegalArgumentException("not a version: " + text);
        }
        return new ApiVersion(Integer.parseInt(a), Integer.parseInt(b));
    }

    /** Shorthand for {@code new ApiVersion(1, minor)}. */
    public static ApiVersion v1(int minor) {
        return new ApiVersion(1, minor);
    }

    public boolean supported() {
        return compareTo(MIN) >= 0 && compareTo(MAX) <= 0;
    }

    public boolean atLeast(int minor) {
        return compareTo(v1(minor)) >= 0;
    }

    public boolean atMost(int minor) {
        return compareTo(v1(minor)) <= 0;
    }

    @Override
    public int compareTo(ApiVersion o) {
        return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
