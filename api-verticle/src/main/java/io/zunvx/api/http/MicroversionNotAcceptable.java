package io.zunvx.api.http;

import io.zunvx.platform.error.ZunException;
import java.util.Map;
import java.util.Optional;

/**
 * A 406 from microversion handling. Unlike other API errors its {@code title} and {@code detail} differ (Zun raises
 * these as framework errors: the title is the reason phrase or {@code Requested microversion is unsupported}), and the
 * failure handler needs to know whether Zun would already have set the version response headers: it does for a
 * version that parsed (then {@link #versionHeader()} holds the value to echo, e.g. {@code container 1.41}) and does
 * not for a malformed header. {@link #getMessage()} is the detail.
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

    /** The microversion response headers Zun sends with this error; empty for a malformed request header. */
    public Map<String, String> responseHeaders() {
        return versionHeader == null ? Map.of() : Microversions.responseHeaders(versionHeader);
    }
}
