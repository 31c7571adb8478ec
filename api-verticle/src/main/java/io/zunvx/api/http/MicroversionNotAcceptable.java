package io.zunvx.api.http;

import io.zunvx.platform.error.ZunException;
import java.util.Map;
import java.util.Optional;

/**
 * A 406 from microversion handling. Unlike other API errors its {@code title} and {@code detail} differ (Zun raises
 * these as framework errors: the title is the reason phrase or {@code Requested microversion is unsupported}), and the
 * failure handler sets the version response headers: the supported range always, and for a version that parsed the
 * value to echo ({@link #versionHeader()}, e.g. {@code container 1.41}). {@link #getMessage()} is the detail.
 */
public final class MicroversionNotAcceptable extends ZunException {
    private static final long serialVersionUID = 1L;

    private final String title;
    private final String versionHeader;

    MicroversionNotAcceptable(String title, String detail, String versionHeader) {
        super(406, "", detail);
        this.title = title;
        this.versionHeader = versionHeader;
    }

    /** The error body's {@code title}. */
    public String title() {
        return title;
    }

    /** The error body's {@code detail}. */
    public String detail() {
        return getMessage();
    }

    /** The {@code OpenStack-API-Version} response header value Zun sends with this error, if any. */
    public Optional<String> versionHeader() {
        return Optional.ofNullable(versionHeader);
    }

    /**
     * The microversion response headers sent with this error: the minimum and maximum versions always (so a client
     * can pick a version it may ask for), and the requested version echoed when it parsed.
     */
    public Map<String, String> responseHeaders() {
        return versionHeader == null ? Microversions.rangeHeaders() : Microversions.responseHeaders(versionHeader);
    }
}
