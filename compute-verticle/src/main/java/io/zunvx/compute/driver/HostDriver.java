package io.zunvx.compute.driver;

/** What the runtime tells about the host it runs on. Blocks; failures are reported as {@link DriverException}. */
public interface HostDriver {

    /** The host's resources, runtimes and container counts. */
    HostInfo info();
}
