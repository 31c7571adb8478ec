package io.zunvx.platform.network;

import io.zunvx.platform.error.ZunException;
import java.util.Locale;

/**
 * A network failure with Neutron's exception name ({@code NetworkNotFound}, {@code IpAddressAlreadyAllocated}, ...).
 * The Neutron subset renders it as Neutron's {@code {"NeutronError": {...}}}; on Zun's API it is a {@link ZunException}
 * like any other, its code the kebab-case of the name.
 */
public final class NeutronException extends ZunException {
    private final String type;

    public NeutronException(int status, String type, String message) {
        super(status, kebab(type), message);
        this.type = type;
    }

    /** Neutron's exception name, the error body's {@code type}. */
    public String type() {
        return type;
    }

    public static NeutronException notFound(String kind, String id) {
        return new NeutronException(404, kind + "NotFound", kind.replaceAll("([a-z])([A-Z])", "$1 $2")
                + " " + id + " could not be found.");
    }

    public static NeutronException badRequest(String message) {
        return new NeutronException(400, "HTTPBadRequest", message);
    }

    public static NeutronException invalidInput(String message) {
        return new NeutronException(400, "InvalidInput", "Invalid input for operation: " + message);
    }

    public static NeutronException conflict(String type, String message) {
        return new NeutronException(409, type, message);
    }

    private static String kebab(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
