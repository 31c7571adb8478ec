package io.zunvx.scheduler.placement;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * An immutable set of CPU ids (a bit set that cannot change), used for the CPUs a host offers for pinning and the
 * ones already pinned. {@link #toString()} is the Linux cpuset list format ({@code 0-3,6}) that Docker's
 * {@code CpusetCpus} accepts.
 */
public final class CpuSet {

    /** The set with no CPU. */
    public static final CpuSet EMPTY = new CpuSet(new long[0]);

    private final long[] words;
    private final int size;

    private CpuSet(long[] words) {
        int len = words.length;
        while (len > 0 && words[len - 1] == 0) {
            len--;
        }
        this.words = len == words.length ? words : Arrays.copyOf(words, len);
        int n = 0;
        for (long w : this.words) {
            n += Long.bitCount(w);
        }
        this.size = n;
    }

    /** The set of the given ids. */
    public static CpuSet of(int... ids) {
        long[] w = new long[0];
        for (int id : ids) {
            w = set(w, id);
        }
        return w.length == 0 ? EMPTY : new CpuSet(w);
    }

    /** The set of the given ids. */
    public static CpuSet of(Collection<Integer> ids) {
        long[] w = new long[0];
        for (int id : ids) {
            w = set(w, id);
        }
        return w.length == 0 ? EMPTY : new CpuSet(w);
    }

    /** The ids {@code from} (inclusive) to {@code to} (exclusive). */
    public static CpuSet range(int from, int to) {
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("bad CPU range " + from + ".." + to);
        }
        if (from == to) {
            return EMPTY;
        }
        long[] w = new long[((to - 1) >>> 6) + 1];
        for (int i = from; i < to; i++) {
            w[i >>> 6] |= 1L << i;
        }
        return new CpuSet(w);
    }

    private static long[] set(long[] w, int id) {
        if (id < 0) {
            throw new IllegalArgumentException("CPU id must not be negative: " + id);
        }
        int word = id >>> 6;
        long[] out = word < w.length ? w : Arrays.copyOf(w, word + 1);
        out[word] |= 1L << id;
        return out;
    }

    public boolean contains(int id) {
        int word = id >>> 6;
        return id >= 0 && word < words.length && (words[word] & (1L << id)) != 0;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public CpuSet union(CpuSet other) {
        if (other.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return other;
        }
        long[] w = Arrays.copyOf(words, Math.max(words.length, other.words.length));
        for (int i = 0; i < other.words.length; i++) {
            w[i] |= other.words[i];
        }
        return new CpuSet(w);
    }

    public CpuSet minus(CpuSet other) {
        if (other.isEmpty() || isEmpty()) {
            return this;
        }
        long[] w = words.clone();
        for (int i = 0; i < Math.min(w.length, other.words.length); i++) {
            w[i] &= ~other.words[i];
        }
        return new CpuSet(w);
    }

    /** How many ids of this set are not in {@code other}, without building the difference. */
    public int sizeMinus(CpuSet other) {
        int n = 0;
        for (int i = 0; i < words.length; i++) {
            long o = i < other.words.length ? other.words[i] : 0L;
            n += Long.bitCount(words[i] & ~o);
        }
        return n;
    }

    /** The {@code count} lowest ids of this set that are not in {@code excluded} (fewer if there are not enough). */
    public List<Integer> lowest(int count, CpuSet excluded) {
        List<Integer> out = new ArrayList<>(Math.max(0, Math.min(count, size)));
        for (int i = 0; i < words.length && out.size() < count; i++) {
            long w = words[i] & ~(i < excluded.words.length ? excluded.words[i] : 0L);
            while (w != 0 && out.size() < count) {
                out.add((i << 6) + Long.numberOfTrailingZeros(w));
                w &= w - 1;
            }
        }
        return List.copyOf(out);
    }

    /** The ids in ascending order. */
    public List<Integer> toList() {
        return lowest(size, EMPTY);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CpuSet other && Arrays.equals(words, other.words);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(words);
    }

    /** Linux cpuset list format, e.g. {@code 0-3,6}; empty string for the empty set. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        List<Integer> ids = toList();
        for (int i = 0; i < ids.size(); ) {
            int start = ids.get(i);
            int j = i;
            while (j + 1 < ids.size() && ids.get(j + 1) == ids.get(j) + 1) {
                j++;
            }
            if (!sb.isEmpty()) {
                sb.append(',');
            }
            sb.append(start);
            if (j > i) {
                sb.append('-').append(ids.get(j));
            }
            i = j + 1;
        }
        return sb.toString();
    }
}
