package io.zunvx.scheduler.placement;

import java.util.AbstractCollection;
import java.util.Collection;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * An immutable view of every known host, keyed by hostname.
 *
 * <p>It is a persistent hash trie (CHAMP: 32-way nodes, entries inline before sub-nodes): {@link #with} and
 * {@link #without} return a new snapshot that shares all but one path with this one, so an update copies at most
 * about {@code log32(n)} small arrays (three or four levels, a few dozen references, at 10,000 hosts) instead of the
 * whole map. That choice over the alternatives:
 * <ul>
 *   <li>a copy-on-write {@code HashMap} copies every entry on every host event, which at 10,000 hosts and thousands
 *       of heartbeats and claims a second is most of the scheduler's work and garbage;</li>
 *   <li>a shared mutable map ({@code ConcurrentHashMap}) is cheap to update but is not a value: a placement could
 *       see a host change in the middle of its scan, tests could not hold a snapshot fixed, and anyone reading it on
 *       another thread (metrics, the hosts API) would race the updates.</li>
 * </ul>
 * The scheduler thread replaces its current snapshot after each event; any thread may read any snapshot without
 * locks. Iteration order is unspecified (it follows hostname hashes); placement does not depend on it.
 */
public final class Snapshot {

    private static final Snapshot EMPTY = new Snapshot(Bitmap.EMPTY, 0);
    private static final int BITS = 5;
    private static final int MAX_DEPTH = 8;

    private final Bitmap root;
    private final int size;

    private Snapshot(Bitmap root, int size) {
        this.root = root;
        this.size = size;
    }

    public static Snapshot empty() {
        return EMPTY;
    }

    /** A snapshot of the given hosts; a later host replaces an earlier one with the same name. */
    public static Snapshot of(Collection<HostState> hosts) {
        Snapshot s = EMPTY;
        for (HostState h : hosts) {
            s = s.with(h);
        }
        return s;
    }

    /** The host with this name, or {@code null}. */
    public HostState get(String hostname) {
        return root.find(hostname, hash(hostname), 0);
    }

    public boolean contains(String hostname) {
        return get(hostname) != null;
    }

    /** This snapshot with {@code host} added, or replacing the host of the same name. */
    public Snapshot with(HostState host) {
        String name = host.hostname();
        int hash = hash(name);
        boolean present = root.find(name, hash, 0) != null;
        return new Snapshot((Bitmap) root.put(host, name, hash, 0), present ? size : size + 1);
    }

    /** This snapshot without the named host (the same snapshot if it is not there). */
    public Snapshot without(String hostname) {
        int hash = hash(hostname);
        if (root.find(hostname, hash, 0) == null) {
            return this;
        }
        return new Snapshot((Bitmap) root.remove(hostname, hash, 0), size - 1);
    }

    /** This snapshot with the claim of {@code placed} applied to its host (see {@link HostState#claim}). */
    public Snapshot withClaim(Placed placed) {
        HostState host = get(placed.hostname());
        if (host == null) {
            throw new IllegalArgumentException("unknown host " + placed.hostname());
        }
        return with(host.claim(placed));
    }

    /** A read-only view of the hosts, in no particular order. */
    public Collection<HostState> hosts() {
        return new AbstractCollection<>() {
            @Override
            public Iterator<HostState> iterator() {
                return new Iter(root);
            }

            @Override
            public int size() {
                return size;
            }

            @Override
            public boolean contains(Object o) {
                return o instanceof HostState h && h.equals(get(h.hostname()));
            }
        };
    }

    public int size() {
        return size;
    }

    /** Receives each host of a {@link #scan}. */
    interface Visitor {
        /** Takes one host; {@code false} ends the scan. */
        boolean visit(HostState host);
    }

    /**
     * Visits every host once, until the visitor returns {@code false}, in an order that depends on {@code start}:
     * at each level of the trie the slots are taken from slot {@code (start >>> shift) & 31} onwards, wrapping
     * around. Two different starts begin in different parts of the host set, so a scan that stops early samples a
     * part chosen by {@code start}; a scan that does not stop visits every host whatever the start.
     *
     * <p>A recursive walk of the node arrays, several times cheaper per host than the iterator; kept for the
     * scheduler's scan alone so that its call to {@link Visitor#visit} sees a single visitor class and is inlined.
     *
     * @return whether every host was visited
     */
    boolean scan(Visitor visitor, int start) {
        return scan(root, visitor, start, 0);
    }

    private static boolean scan(Node node, Visitor visitor, int start, int shift) {
        Object[] content = node.content;
        if (!(node instanceof Bitmap b)) {
            for (Object o : content) {
                if (!visitor.visit((HostState) o)) {
                    return false;
                }
            }
            return true;
        }
        int first = (start >>> (shift & 31)) & 31;
        // The occupied slots, rotated so that slot `first` is bit 0: taken lowest bit first.
        int slots = Integer.rotateRight(b.dataMap | b.nodeMap, first);
        while (slots != 0) {
            int bit = 1 << ((Integer.numberOfTrailingZeros(slots) + first) & 31);
            slots &= slots - 1;
            boolean more = (b.dataMap & bit) != 0
                    ? visitor.visit((HostState) content[b.dataIndex(bit)])
                    : scan((Node) content[b.nodeIndex(bit)], visitor, start, shift + BITS);
            if (!more) {
                return false;
            }
        }
        return true;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    @Override
    public String toString() {
        return "Snapshot[" + size + " hosts]";
    }

    /** String hashes of similar names differ mostly in low bits; mixing spreads them over every trie level. */
    private static int hash(String key) {
        int h = key.hashCode();
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        return h ^ (h >>> 16);
    }

    private abstract static sealed class Node permits Bitmap, Collision {
        /** Entries first, then sub-nodes; see {@link #dataArity()}. */
        final Object[] content;

        Node(Object[] content) {
            this.content = content;
        }

        abstract int dataArity();

        abstract HostState find(String key, int hash, int shift);

        abstract Node put(HostState value, String key, int hash, int shift);

        abstract Node remove(String key, int hash, int shift);

        /** The only entry when this node holds exactly one and no sub-node, else {@code null}. */
        final HostState single() {
            return content.length == 1 && dataArity() == 1 ? (HostState) content[0] : null;
        }
    }

    /** Sub-nodes are stored from the end of {@code content}, lowest bit last. */
    private static final class Bitmap extends Node {
        static final Bitmap EMPTY = new Bitmap(0, 0, new Object[0]);

        final int dataMap;
        final int nodeMap;

        Bitmap(int dataMap, int nodeMap, Object[] content) {
            super(content);
            this.dataMap = dataMap;
            this.nodeMap = nodeMap;
        }

        @Override
        int dataArity() {
            return Integer.bitCount(dataMap);
        }

        private int dataIndex(int bit) {
            return Integer.bitCount(dataMap & (bit - 1));
        }

        private int nodeIndex(int bit) {
            return content.length - 1 - Integer.bitCount(nodeMap & (bit - 1));
        }

        @Override
        HostState find(String key, int hash, int shift) {
            int bit = 1 << ((hash >>> shift) & 31);
            if ((dataMap & bit) != 0) {
                HostState h = (HostState) content[dataIndex(bit)];
                return h.hostname().equals(key) ? h : null;
            }
            if ((nodeMap & bit) != 0) {
                return ((Node) content[nodeIndex(bit)]).find(key, hash, shift + BITS);
            }
            return null;
        }

        @Override
        Node put(HostState value, String key, int hash, int shift) {
            int bit = 1 << ((hash >>> shift) & 31);
            if ((dataMap & bit) != 0) {
                int i = dataIndex(bit);
                HostState current = (HostState) content[i];
                if (current.hostname().equals(key)) {
                    return new Bitmap(dataMap, nodeMap, copySet(i, value));
                }
                Node sub = merge(current, hash(current.hostname()), value, hash, shift + BITS);
                return dataToNode(bit, sub);
            }
            if ((nodeMap & bit) != 0) {
                int i = nodeIndex(bit);
                Node sub = ((Node) content[i]).put(value, key, hash, shift + BITS);
                return new Bitmap(dataMap, nodeMap, copySet(i, sub));
            }
            int i = dataIndex(bit);
            Object[] out = new Object[content.length + 1];
            System.arraycopy(content, 0, out, 0, i);
            out[i] = value;
            System.arraycopy(content, i, out, i + 1, content.length - i);
            return new Bitmap(dataMap | bit, nodeMap, out);
        }

        @Override
        Node remove(String key, int hash, int shift) {
            int bit = 1 << ((hash >>> shift) & 31);
            if ((dataMap & bit) != 0) {
                int i = dataIndex(bit);
                if (!((HostState) content[i]).hostname().equals(key)) {
                    return this;
                }
                Object[] out = new Object[content.length - 1];
                System.arraycopy(content, 0, out, 0, i);
                System.arraycopy(content, i + 1, out, i, content.length - i - 1);
                return new Bitmap(dataMap ^ bit, nodeMap, out);
            }
            if ((nodeMap & bit) != 0) {
                int i = nodeIndex(bit);
                Node sub = ((Node) content[i]).remove(key, hash, shift + BITS);
                // Keep the trie canonical: a sub-node left with one entry is pulled up into this node.
                HostState only = sub.single();
                if (only != null) {
                    return nodeToData(bit, only);
                }
                return new Bitmap(dataMap, nodeMap, copySet(i, sub));
            }
            return this;
        }

        private Object[] copySet(int i, Object value) {
            Object[] out = content.clone();
            out[i] = value;
            return out;
        }

        private Bitmap dataToNode(int bit, Node sub) {
            int from = dataIndex(bit);
            int to = content.length - 1 - Integer.bitCount(nodeMap & (bit - 1));
            Object[] out = new Object[content.length];
            System.arraycopy(content, 0, out, 0, from);
            System.arraycopy(content, from + 1, out, from, to - from);
            out[to] = sub;
            System.arraycopy(content, to + 1, out, to + 1, content.length - to - 1);
            return new Bitmap(dataMap ^ bit, nodeMap | bit, out);
        }

        private Bitmap nodeToData(int bit, HostState value) {
            int from = nodeIndex(bit);
            int to = dataIndex(bit);
            Object[] out = new Object[content.length];
            System.arraycopy(content, 0, out, 0, to);
            out[to] = value;
            System.arraycopy(content, to, out, to + 1, from - to);
            System.arraycopy(content, from + 1, out, from + 1, content.length - from - 1);
            return new Bitmap(dataMap | bit, nodeMap ^ bit, out);
        }

        private static Node merge(HostState a, int hashA, HostState b, int hashB, int shift) {
            if (shift >= 32) {
                return new Collision(new Object[] {a, b});
            }
            int ma = (hashA >>> shift) & 31;
            int mb = (hashB >>> shift) & 31;
            if (ma != mb) {
                return new Bitmap((1 << ma) | (1 << mb), 0, ma < mb ? new Object[] {a, b} : new Object[] {b, a});
            }
            return new Bitmap(0, 1 << ma, new Object[] {merge(a, hashA, b, hashB, shift + BITS)});
        }
    }

    /** Hosts whose names have the same 32-bit hash. */
    private static final class Collision extends Node {
        Collision(Object[] entries) {
            super(entries);
        }

        @Override
        int dataArity() {
            return content.length;
        }

        @Override
        HostState find(String key, int hash, int shift) {
            for (Object o : content) {
                HostState h = (HostState) o;
                if (h.hostname().equals(key)) {
                    return h;
                }
            }
            return null;
        }

        @Override
        Node put(HostState value, String key, int hash, int shift) {
            for (int i = 0; i < content.length; i++) {
                if (((HostState) content[i]).hostname().equals(key)) {
                    Object[] out = content.clone();
                    out[i] = value;
                    return new Collision(out);
                }
            }
            Object[] out = new Object[content.length + 1];
            System.arraycopy(content, 0, out, 0, content.length);
            out[content.length] = value;
            return new Collision(out);
        }

        @Override
        Node remove(String key, int hash, int shift) {
            for (int i = 0; i < content.length; i++) {
                if (((HostState) content[i]).hostname().equals(key)) {
                    Object[] out = new Object[content.length - 1];
                    System.arraycopy(content, 0, out, 0, i);
                    System.arraycopy(content, i + 1, out, i, content.length - i - 1);
                    return new Collision(out);
                }
            }
            return this;
        }
    }

    /** Depth-first walk with an explicit stack: entries of a node, then its sub-nodes. */
    private static final class Iter implements Iterator<HostState> {
        private final Object[][] arrays = new Object[MAX_DEPTH][];
        private final int[] dataEnd = new int[MAX_DEPTH];
        private final int[] position = new int[MAX_DEPTH];
        private int depth = -1;
        private HostState next;

        Iter(Node root) {
            push(root);
            next = advance();
        }

        private void push(Node node) {
            depth++;
            arrays[depth] = node.content;
            dataEnd[depth] = node.dataArity();
            position[depth] = 0;
        }

        private HostState advance() {
            while (depth >= 0) {
                Object[] a = arrays[depth];
                int p = position[depth];
                if (p < dataEnd[depth]) {
                    position[depth] = p + 1;
                    return (HostState) a[p];
                }
                if (p < a.length) {
                    position[depth] = p + 1;
                    push((Node) a[p]);
                    continue;
                }
                arrays[depth] = null;
                depth--;
            }
            return null;
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public HostState next() {
            HostState h = next;
            if (h == null) {
                throw new NoSuchElementException();
            }
            next = advance();
            return h;
        }
    }
}
