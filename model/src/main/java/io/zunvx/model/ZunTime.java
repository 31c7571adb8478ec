package io.zunvx.model;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** Zun's two date formats on the wire. */
public final class ZunTime {
    private static final DateTimeFormatter SECONDS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MICROS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter ISO_MICROS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

    private ZunTime() {
    }

    /**
     * Python's {@code str(datetime)}, used for containers: {@code 2019-05-18 21:02:12}, microseconds appended only
     * when non-zero.
     */
    public static String container(Instant t) {
        if (t == null) {
            return null;
        }
        Instant micros = t.truncatedTo(ChronoUnit.MICROS);
        return micros.getNano() == 0 ? SECONDS.format(micros) : MICROS.format(micros);
    }

    /** {@code %Y-%m-%dT%H:%M:%S.%f}, used for services and container actions. */
    public static String iso(Instant t) {
        return t == null ? null : ISO_MICROS.format(t.truncatedTo(ChronoUnit.MICROS));
    }
}
