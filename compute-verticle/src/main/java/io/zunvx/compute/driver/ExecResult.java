package io.zunvx.compute.driver;

import java.util.Objects;

/**
 * What a command run to completion inside a container produced.
 *
 * @param output   standard output and standard error, interleaved as written, decoded as UTF-8
 * @param exitCode the command's exit code
 */
public record ExecResult(String output, int exitCode) {
    public ExecResult {
        Objects.requireNonNull(output, "output");
    }
}
