package io.zunvx.api.identity;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The address a request comes from, for the login limiter: the socket's peer, unless that peer is one of the
 * configured trusted proxies ({@code ZUNVX_TRUSTED_PROXIES}: addresses or CIDR blocks), in which case
 * {@code X-Forwarded-For} is read from its right end, skipping trusted proxies, and the first other address is the
 * client. A header from any other peer is ignored, so a client cannot choose the address it is counted under.
 */
final class ClientAddress {
    private static final Pattern LITERAL = Pattern.compile("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private record Block(byte[] network, int prefix) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int bits = address.length * 8;
            BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
                    .xor(BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE));
            return new BigInteger(1, address).and(mask).equals(new BigInteger(1, network).and(mask));
        }
    }

    private final List<Block> trusted;

    /**
     * @throws IllegalArgumentException naming an entry that is no IP address or CIDR block
     */
    ClientAddress(List<String> trustedProxies) {
        List<Block> blocks = new ArrayList<>();
        for (String entry : trustedProxies) {
            String[] parts = entry.strip().split("/", 2);
            byte[] address = parse(parts[0]);
            if (address == null) {
                throw new IllegalArgumentException("ZUNVX_TRUSTED_PROXIES: '" + entry + "' is no IP address or CIDR");
            }
            int prefix = address.length * 8;
            if (parts.length == 2) {
                try {
                    prefix = Integer.parseInt(parts[1]);
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > address.length * 8) {
                    throw new IllegalArgumentException("ZUNVX_TRUSTED_PROXIES: '" + entry + "' has a bad prefix");
                }
            }
            blocks.add(new Block(address, prefix));
        }
        this.trusted = List.copyOf(blocks);
    }

    /**
     * The client's address.
     *
     * @param peer          the socket's peer address ({@code null} when unknown)
     * @param forwardedFor  every {@code X-Forwarded-For} header of the request, in order
     */
    String of(String peer, List<String> forwardedFor) {
        String client = peer == null ? "unknown" : peer;
        if (peer == null || !isTrusted(peer) || forwardedFor == null || forwardedFor.isEmpty()) {
            return client;
        }
        List<String> hops = new ArrayList<>();
        for (String header : forwardedFor) {
            for (String hop : header.split(",")) {
                hops.add(hop.strip());
            }
        }
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = hops.get(i);
            if (parse(hop) == null) {
                // A hop that is no address cannot be relied on; the last trusted one stands for the client.
                return client;
            }
            client = hop;
            if (!isTrusted(hop)) {
                return hop;
            }
        }
        return client;
    }

    private boolean isTrusted(String address) {
        byte[] a = parse(address);
        if (a == null) {
            return false;
        }
        for (Block b : trusted) {
            if (b.contains(a)) {
                return true;
            }
        }
        return false;
    }

    /** The bytes of an IP literal, or {@code null}; never a name lookup. */
    static byte[] parse(String text) {
        if (text == null) {
            return null;
        }
        String t = text.strip();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        if (t.isEmpty() || t.length() > 45 || !LITERAL.matcher(t).matches()) {
            return null;
        }
        if (!t.contains(":") && !t.matches("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})")) {
            return null;
        }
        try {
            return InetAddress.getByName(t).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
