package io.zunvx.compute.driver;

/**
 * Every port of one container runtime together, as one connection to it: what the agent is given and closes when it
 * stops. It adds nothing of its own; each of the agent's parts takes only the ports it uses
 * ({@link ContainerDriver}, {@link ImageDriver}, {@link ExecDriver}, {@link HostDriver}, {@link NetworkDriver},
 * {@link VolumeDriver}).
 */
public interface RuntimeDriver extends ContainerDriver, ImageDriver, ExecDriver, HostDriver, NetworkDriver,
        VolumeDriver, AutoCloseable {

    /** Releases the connections to the runtime; streams opened by {@link #events} end. */
    @Override
    void close();
}
