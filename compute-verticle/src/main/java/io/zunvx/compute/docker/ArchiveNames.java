package io.zunvx.compute.docker;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A {@code docker save} archive without the names it carries: {@code RepoTags} of {@code manifest.json} emptied, the
 * legacy {@code repositories} file dropped, and the image-name annotations of an OCI {@code index.json} removed. The
 * engine then loads the image by id only and renames nothing on the host; the platform names it itself. The archive
 * is rewritten as it streams, on a virtual thread, in bounded memory.
 */
final class ArchiveNames {
    private static final int MAX_JSON_BYTES = 16 << 20;
    private static final int PIPE_BYTES = 1 << 20;
    private static final String[] NAME_ANNOTATIONS = {"io.containerd.image.name", "org.opencontainers.image.ref.name"};

    private ArchiveNames() {
    }

    /**
     * The archive read from {@code tar} with its names removed. A failure to read or parse {@code tar} is thrown by
     * the returned stream's reads; closing it closes {@code tar}.
     */
    static InputStream strip(InputStream tar) throws IOException {
        AtomicReference<IOException> failure = new AtomicReference<>();
        PipedInputStream in = new PipedInputStream(PIPE_BYTES);
        PipedOutputStream pipe = new PipedOutputStream(in);
        Thread writer = Thread.ofVirtual().name("zunvx-archive-names").start(() -> {
            try (tar) {
                TarArchiveOutputStream out = new TarArchiveOutputStream(pipe);
                out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                copy(new TarArchiveInputStream(tar), out);
                out.finish();
                out.flush();
            } catch (IOException | RuntimeException e) {
                failure.compareAndSet(null, e instanceof IOException io ? io : new IOException(e.getMessage(), e));
            } finally {
                try {
                    pipe.close();
                } catch (IOException ignored) {
                    // the reader is gone
                }
            }
        });
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                return b < 0 ? failedOr(b) : b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                return n < 0 ? failedOr(n) : n;
            }

            private int failedOr(int eof) throws IOException {
                try {
                    writer.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while reading the archive", e);
                }
                IOException e = failure.get();
                if (e != null) {
                    throw e;
                }
                return eof;
            }
        };
    }

    private static void copy(TarArchiveInputStream in, TarArchiveOutputStream out) throws IOException {
        TarArchiveEntry e;
        while ((e = in.getNextEntry()) != null) {
            String name = e.getName().startsWith("./") ? e.getName().substring(2) : e.getName();
            if (name.equals("repositories")) {
                continue;
            }
            if (e.isFile() && (name.equals("manifest.json") || name.equals("index.json"))) {
                byte[] json = name.equals("manifest.json") ? withoutRepoTags(readSmall(in, name))
                        : withoutNameAnnotations(readSmall(in, name));
                TarArchiveEntry changed = new TarArchiveEntry(e.getName());
                changed.setMode(e.getMode());
                changed.setModTime(e.getModTime());
                changed.setSize(json.length);
                out.putArchiveEntry(changed);
                out.write(json);
                out.closeArchiveEntry();
                continue;
            }
            out.putArchiveEntry(e);
            if (e.isFile()) {
                in.transferTo(out);
            }
            out.closeArchiveEntry();
        }
    }

    private static byte[] readSmall(InputStream in, String name) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) >= 0) {
            b.write(buf, 0, n);
            if (b.size() > MAX_JSON_BYTES) {
                throw new IOException(name + " of the archive is larger than " + MAX_JSON_BYTES + " bytes");
            }
        }
        return b.toByteArray();
    }

    private static byte[] withoutRepoTags(byte[] json) throws IOException {
        try {
            JsonArray manifest = new JsonArray(new String(json, StandardCharsets.UTF_8));
            for (Object o : manifest) {
                if (o instanceof JsonObject entry) {
                    entry.remove("RepoTags");
                }
            }
            return manifest.encode().getBytes(StandardCharsets.UTF_8);
        } catch (DecodeException e) {
            throw new IOException("manifest.json of the archive is not a JSON array: " + e.getMessage(), e);
        }
    }

    private static byte[] withoutNameAnnotations(byte[] json) throws IOException {
        try {
            JsonObject index = new JsonObject(new String(json, StandardCharsets.UTF_8));
            JsonArray manifests = index.getValue("manifests") instanceof JsonArray a ? a : new JsonArray();
            for (Object o : manifests) {
                if (o instanceof JsonObject m && m.getValue("annotations") instanceof JsonObject ann) {
                    for (String key : NAME_ANNOTATIONS) {
                        ann.remove(key);
                    }
                }
            }
            return index.encode().getBytes(StandardCharsets.UTF_8);
        } catch (DecodeException | ClassCastException e) {
            throw new IOException("index.json of the archive is not a JSON object: " + e.getMessage(), e);
        }
    }
}
