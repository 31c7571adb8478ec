package io.zunvx.api.http;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.MultiMap;
import io.zunvx.platform.error.ZunException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.function.Executable;

/** Test helpers: query strings as the server sees them, and assertions on Zun errors. */
public final class Requests {
    /** The repr of the extended booleans, as Zun's messages list them. */
    public static final String EXTENDED = "[True, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes',"
            + " False, 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no']";

    private Requests() {
    }

    /** {@code a=1&b=x%20y} as a multi-map, keeping order and repeats; {@code ""} is an empty query. */
    public static MultiMap query(String raw) {
        MultiMap m = MultiMap.caseInsensitiveMultiMap();
        if (raw.isEmpty()) {
            return m;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            m.add(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return m;
    }

    public static ZunException fails(Executable call, int status, String code, String message) {
        ZunException e = assertThrows(ZunException.class, call);
        assertAll(
                () -> assertEquals(message, e.getMessage(), "message"),
                () -> assertEquals(status, e.status(), "status"),
                () -> assertEquals(code, e.code(), "code"));
        return e;
    }

    public static ZunException schemaError(Executable call, String message) {
        return fails(call, 400, "schema-validation-error", message);
    }

    public static ZunException invalidValue(Executable call, String message) {
        return fails(call, 400, "invalid-value", message);
    }
}
