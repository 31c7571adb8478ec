package io.zunvx.api.http;

import io.zunvx.model.ApiVersion;
import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Zun's microversion negotiation (reference §1.2): parsing the {@code OpenStack-API-Version} request header, the
 * per-method version ranges, and the response headers every {@code /v1} response carries.
 */
public final class Microversions {
    /** Request and response header naming the version. */
    public static final String HEADER = "OpenStack-API-Version";
    /** Response header with the lowest supported version. */
    public static final String MIN_HEADER = "OpenStack-API-Minimum-Version";
    /** Response header with the highest supported version. */
    public static final String MAX_HEADER = "OpenStack-API-Maximum-Version";
    /** Response header telling caches the body depends on {@link #HEADER}. */
    public static final String VARY = "Vary";
    /** The service type token in the header values. */
    public static final String SERVICE = "container";

    private static final String MIN_VALUE = SERVICE + " " + ApiVersion.MIN;
    private static final String MAX_VALUE = SERVICE + " " + ApiVersion.MAX;
    private static final Pattern PY_INT = Pattern.compile("[+-]?[0-9]+");

    private Microversions() {
    }

    /**
     * The version a request asks for. {@code null} (header absent) means 1.1; {@code latest} (any case) means 1.40.
     *
     * @param headerValue the {@code OpenStack-API-Version} header value, or {@code null} when absent
     * @return a supported version
     * @throws MicroversionNotAcceptable 406 when the value is malformed or outside [1.1, 1.40]
     */
    public static ApiVersion parse(String headerValue) {
        String value = headerValue == null ? MIN_VALUE : headerValue;
        String[] tokens = value.strip().isEmpty() ? new String[0] : value.strip().split("\\s+");
        if (tokens.length != 2) {
            throw malformed("Invalid service type for " + HEADER + " header");
        }
        String service = tokens[0];
        String version = tokens[1];
        if (version.toLowerCase(Locale.ROOT).equals("latest")) {
            // Zun takes the service token from its own "container <max>" string here, so "compute latest" passes.
            return ApiVersion.MAX;
        }
        if (!service.equals(SERVICE)) {
            throw malformed("Invalid service type for " + HEADER + " header");
        }
        String[] parts = version.split("\\.", -1);
        if (parts.length != 2 || !PY_INT.matcher(parts[0]).matches() || !PY_INT.matcher(parts[1]).matches()) {
            throw malformed("Invalid value for " + HEADER + " header");
        }
        BigInteger major = new BigInteger(parts[0]);
        BigInteger minor = new BigInteger(parts[1]);
        String shown = major + "." + minor;
        String echoed = SERVICE + " " + shown;
        if (!major.equals(BigInteger.ONE)) {
            throw new MicroversionNotAcceptable("Requested microversion is unsupported",
                    "Mutually exclusive versions requested. Version " + shown + " requested but not supported by this"
                            + " service. The supported version range is: [" + MIN_VALUE + ", " + MAX_VALUE + "].",
                    echoed);
        }
        if (minor.compareTo(BigInteger.valueOf(ApiVersion.MIN.minor())) < 0
                || minor.compareTo(BigInteger.valueOf(ApiVersion.MAX.minor())) > 0) {
            throw new MicroversionNotAcceptable("Requested microversion is unsupported",
                    "Version " + shown + " was requested but the minor version is not supported by this service."
                            + " The supported version range is: [" + MIN_VALUE + ", " + MAX_VALUE + "].",
                    echoed);
        }
        return ApiVersion.v1(minor.intValueExact());
    }

    /**
     * Fails unless {@code v} lies in {@code [1.minMinor, 1.maxMinor]}: for methods that exist only in some versions,
     * such as {@code rename} (1.1-1.13) or {@code network_attach} (1.8-).
     *
     * @throws MicroversionNotAcceptable 406 {@code Not Acceptable}
     */
    public static void requireRange(ApiVersion v, int minMinor, int maxMinor) {
        if (!v.atLeast(minMinor) || !v.atMost(maxMinor)) {
            throw new MicroversionNotAcceptable("Not Acceptable",
                    "Version " + v + " was requested but the requested API is not supported for this version.",
                    headerValue(v));
        }
    }

    /** Same as {@link #requireRange(ApiVersion, int, int)} with no upper bound. */
    public static void requireAtLeast(ApiVersion v, int minMinor) {
        requireRange(v, minMinor, ApiVersion.MAX.minor());
    }

    /** {@code container 1.40}. */
    public static String headerValue(ApiVersion v) {
        return SERVICE + " " + v;
    }

    /** {@code container 1.1}. */
    public static String minHeaderValue() {
        return MIN_VALUE;
    }

    /** {@code container 1.40}. */
    public static String maxHeaderValue() {
        return MAX_VALUE;
    }

    /** The four headers every {@code /v1} response carries, for the version in effect. */
    public static Map<String, String> responseHeaders(ApiVersion effective) {
        return responseHeaders(headerValue(effective));
    }

    /** The range headers alone ({@code Minimum}, {@code Maximum} and {@code Vary}), for a malformed request header. */
    static Map<String, String> rangeHeaders() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put(MIN_HEADER, MIN_VALUE);
        h.put(MAX_HEADER, MAX_VALUE);
        h.put(VARY, HEADER);
        return Collections.unmodifiableMap(h);
    }

    static Map<String, String> responseHeaders(String versionHeaderValue) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put(MIN_HEADER, MIN_VALUE);
        h.put(MAX_HEADER, MAX_VALUE);
        h.put(HEADER, versionHeaderValue);
        h.put(VARY, HEADER);
        return Collections.unmodifiableMap(h);
    }

    private static MicroversionNotAcceptable malformed(String detail) {
        return new MicroversionNotAcceptable("Not Acceptable", detail, null);
    }
}
