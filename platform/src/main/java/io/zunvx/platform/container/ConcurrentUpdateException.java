package io.zunvx.platform.container;

import java.util.UUID;

/** The container row changed between read and write; the caller may read again and retry. */
public final class ConcurrentUpdateException extends RuntimeException {
    public ConcurrentUpdateException(UUID uuid) {
        super("container " + uuid + " was changed concurrently", null, false, false);
    }
}
