package io.zunvx.api.container;

import java.util.regex.Pattern;

/** Textual IP address checks as Python's {@code ipaddress} makes them (jsonschema's {@code ipv4}/{@code ipv6}). */
final class IpAddresses {
    private static final Pattern OCTET = Pattern.compile("0|[1-9][0-9]{0,2}");
    private static final Pattern HEXTET = Pattern.compile("[0-9a-fA-F]{1,4}");

    private IpAddresses() {
    }

    /** Dotted quad, each part 0-255 without leading zeros. */
    static boolean isIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (!OCTET.matcher(p).matches() || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    /** Eight hextets, {@code ::} once for a run of zeros, an IPv4 tail, an optional {@code %zone}. */
    static boolean isIpv6(String s) {
        int zone = s.indexOf('%');
        if (zone >= 0) {
            if (zone == s.length() - 1) {
                return false;
            }
            s = s.substring(0, zone);
        }
        int compressed = s.indexOf("::");
        if (compressed >= 0 && s.indexOf("::", compressed + 1) >= 0) {
            return false;
        }
        int groups;
        if (compressed >= 0) {
            String head = s.substring(0, compressed);
            String tail = s.substring(compressed + 2);
            int h = countGroups(head, false);
            int t = countGroups(tail, true);
            if (h < 0 || t < 0) {
                return false;
            }
            groups = h + t;
            return groups <= 7;
        }
        groups = countGroups(s, true);
        return groups == 8;
    }

    /** Hextets in a colon-separated run (an IPv4 tail counts two), 0 for an empty run, -1 when malformed. */
    private static int countGroups(String run, boolean ipv4TailAllowed) {
        if (run.isEmpty()) {
            return 0;
        }
        String[] parts = run.split(":", -1);
        int groups = 0;
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (i == parts.length - 1 && ipv4TailAllowed && p.indexOf('.') >= 0) {
                if (!isIpv4(p)) {
                    return -1;
                }
                groups += 2;
            } else if (HEXTET.matcher(p).matches()) {
                groups++;
            } else {
                return -1;
            }
        }
        return groups;
    }
}
