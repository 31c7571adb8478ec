package io.zunvx.platform.network;

import io.zunvx.model.Subnet;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** IPv4 arithmetic for subnets: parsing CIDRs, default pools, and the next free address. Pure functions. */
public final class Ipam {
    private Ipam() {
    }

    /** An IPv4 range {@code base/prefix} with {@code base} its first address. */
    public record Cidr(long base, int prefix) {
        public long size() {
            return 1L << (32 - prefix);
        }

        public long last() {
            return base + size() - 1;
        }

        public boolean contains(long ip) {
            return ip >= base && ip <= last();
        }

        @Override
        public String toString() {
            return format(base) + "/" + prefix;
        }
    }

    /** Parses {@code a.b.c.d/n}; throws {@link IllegalArgumentException} for anything else or host bits set. */
    public static Cidr cidr(String s) {
        int slash = s == null ? -1 : s.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + s + "' is not a valid IP subnet.");
        }
        long ip = parse(s.substring(0, slash));
        int prefix;
        try {
            prefix = Integer.parseInt(s.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not a valid IP subnet.");
        }
        if (prefix < 8 || prefix > 30) {
            throw new IllegalArgumentException("prefix length of '" + s + "' must be between 8 and 30.");
        }
        long mask = (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
        if ((ip & mask) != ip) {
            throw new IllegalArgumentException("'" + s + "' isn't a recommended CIDR, use '" + format(ip & mask)
                    + "/" + prefix + "' instead.");
        }
        return new Cidr(ip, prefix);
    }

    /** Parses a dotted IPv4 address; throws {@link IllegalArgumentException} otherwise. */
    public static long parse(String s) {
        if (s == null || !s.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            throw new IllegalArgumentException("'" + s + "' is not a valid IPv4 address.");
        }
        try {
            byte[] b = InetAddress.getByName(s).getAddress();
            return ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + s + "' is not a valid IPv4 address.");
        }
    }

    public static String format(long ip) {
        return ((ip >> 24) & 0xFF) + "." + ((ip >> 16) & 0xFF) + "." + ((ip >> 8) & 0xFF) + "." + (ip & 0xFF);
    }

    /** Neutron's default gateway: the first host address. */
    public static String defaultGateway(Cidr c) {
        return format(c.base() + 1);
    }

    /**
     * The address the host's bridge takes on a subnet: its gateway, or, for a subnet without one, the last host
     * address (a Linux bridge network needs an address of its own; it is kept from ports).
     */
    public static String bridgeAddress(String cidr, String gateway) {
        return gateway != null ? gateway : format(cidr(cidr).last() - 1);
    }

    /** Neutron's default pool: every host address but the gateway. */
    public static List<Subnet.Pool> defaultPools(Cidr c, String gateway) {
        long first = c.base() + 1;
        long last = c.last() - 1;
        if (gateway == null) {
            return List.of(new Subnet.Pool(format(first), format(last)));
        }
        long gw = parse(gateway);
        List<Subnet.Pool> out = new ArrayList<>();
        if (gw > first) {
            out.add(new Subnet.Pool(format(first), format(Math.min(gw - 1, last))));
        }
        if (gw < last) {
            out.add(new Subnet.Pool(format(Math.max(gw + 1, first)), format(last)));
        }
        return out;
    }

    /**
     * Checks pools against their subnet and gateway: inside the subnet's host range, start ≤ end, no overlap, gateway
     * outside. Throws {@link IllegalArgumentException} with Neutron's wording otherwise.
     */
    public static void checkPools(Cidr c, String gateway, List<Subnet.Pool> pools) {
        List<long[]> seen = new ArrayList<>();
        for (Subnet.Pool p : pools) {
            long s = parse(p.start());
            long e = parse(p.end());
            if (s > e) {
                throw new IllegalArgumentException("Invalid allocation pool " + p.start() + "-" + p.end() + ".");
            }
            if (s <= c.base() || e >= c.last()) {
                throw new IllegalArgumentException("The allocation pool " + p.start() + "-" + p.end()
                        + " spans beyond the subnet cidr " + c + ".");
            }
            for (long[] o : seen) {
                if (s <= o[1] && e >= o[0]) {
                    throw new IllegalArgumentException("Found overlapping allocation pools: " + p.start() + "-"
                            + p.end() + " and " + format(o[0]) + "-" + format(o[1]) + " for subnet " + c + ".");
                }
            }
            if (gateway != null) {
                long gw = parse(gateway);
                if (gw >= s && gw <= e) {
                    throw new IllegalArgumentException("Gateway ip " + gateway
                            + " conflicts with allocation pool " + p.start() + "-" + p.end() + ".");
                }
            }
            seen.add(new long[] {s, e});
        }
    }

    /** The first address of the pools not in {@code used}, or {@code null} when the pools are exhausted. */
    public static String nextFree(List<Subnet.Pool> pools, Set<String> used) {
        for (Subnet.Pool p : pools) {
            for (long ip = parse(p.start()); ip <= parse(p.end()); ip++) {
                String candidate = format(ip);
                if (!used.contains(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    /** Whether {@code ip} lies in one of the pools. */
    public static boolean inPools(List<Subnet.Pool> pools, String ip) {
        long x = parse(ip);
        return pools.stream().anyMatch(p -> x >= parse(p.start()) && x <= parse(p.end()));
    }
}
