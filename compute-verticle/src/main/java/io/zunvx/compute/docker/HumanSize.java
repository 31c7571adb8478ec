package io.zunvx.compute.docker;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes as Docker prints them in {@code docker info} ({@code 107.4 GB}, {@code 2 GiB}). */
final class HumanSize {

    private static final Pattern SIZE = Pattern.compile("\\s*([0-9]+(?:\\.[0-9]+)?)\\s*([a-zA-Z]*)\\s*");
    private static final Map<String, Double> UNITS = Map.ofEntries(
            Map.entry("", 1d), Map.entry("b", 1d),
            Map.entry("kb", 1e3), Map.entry("mb", 1e6), Map.entry("gb", 1e9), Map.entry("tb", 1e12),
            Map.entry("pb", 1e15),
            Map.entry("kib", 0x1p10), Map.entry("mib", 0x1p20), Map.entry("gib", 0x1p30), Map.entry("tib", 0x1p40),
            Map.entry("pib", 0x1p50));

    private HumanSize() {
    }

    /** The size in bytes, or -1 when the text is not a size. */
    static long parseBytes(String text) {
        if (text == null) {
            return -1;
        }
        Matcher m = SIZE.matcher(text);
        if (!m.matches()) {
            return -1;
        }
        Double unit = UNITS.get(m.group(2).toLowerCase(Locale.ROOT));
        if (unit == null) {
            return -1;
        }
        return Math.round(Double.parseDouble(m.group(1)) * unit);
    }
}
