package io.zunvx.api.container;

import io.vertx.core.buffer.Buffer;
import io.zunvx.platform.error.ZunException;
import io.zunvx.platform.image.DockerArchive;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * What a put_archive may write: a readable tar archive (at least one member, every header valid) whose members stay
 * where their names say. A member whose name has a {@code ..} component, or whose path goes through a symbolic or
 * hard link an earlier member made, or a hard link to a path with {@code ..}, is refused with 400
 * {@code container.invalid} before anything reaches the host.
 */
final class ArchiveCheck {
    private ArchiveCheck() {
    }

    static Buffer check(Buffer tar) {
        Set<String> links = new HashSet<>();
        int members = 0;
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar.getBytes()))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                members++;
                String name = normalize(e.getName());
                if (hasDotDot(name)) {
                    throw ZunException.invalid("The archive member '" + e.getName() + "' leaves the target "
                            + "directory.");
                }
                String dir = name;
                for (int slash = dir.lastIndexOf('/'); slash > 0; slash = dir.lastIndexOf('/')) {
                    dir = dir.substring(0, slash);
                    if (links.contains(dir)) {
                        throw ZunException.invalid("The archive member '" + e.getName() + "' goes through the link '"
                                + dir + "' the archive makes.");
                    }
                }
                if (e.isSymbolicLink() || e.isLink()) {
                    if (e.isLink() && hasDotDot(normalize(e.getLinkName()))) {
                        throw ZunException.invalid("The archive member '" + e.getName() + "' links outside the "
                                + "target directory.");
                    }
                    links.add(name);
                }
            }
        } catch (IOException | IllegalArgumentException ex) {
            throw ZunException.invalid("The archive is not a readable tar archive.");
        }
        if (members == 0) {
            throw ZunException.invalid("The archive is empty or not a tar archive.");
        }
        return tar;
    }

    private static String normalize(String name) {
        String n = DockerArchive.normalize(name);
        while (n.endsWith("/")) {
            n = n.substring(0, n.length() - 1);
        }
        return n.replaceAll("/+", "/").replace("/./", "/");
    }

    private static boolean hasDotDot(String name) {
        for (String part : name.split("/")) {
            if (part.equals("..")) {
                return true;
            }
        }
        return false;
    }
}
