package io.zunvx.compute.app;

import io.zunvx.compute.driver.RuntimeDriver;

/**
 * How the compute role's runtime driver is wrapped before its parts get it. Production wiring uses {@link #NONE}; a
 * test passes a wrapper that watches or interrupts the runtime calls (stopping the agent right after the engine created
 * a container, as a crash would), so no test hook lives in the agent itself.
 */
@FunctionalInterface
public interface DriverSeam {
    /** The driver as it is. */
    DriverSeam NONE = driver -> driver;

    /** The driver the agent's parts will use, given the one connected to the runtime. */
    RuntimeDriver wrap(RuntimeDriver driver);
}
