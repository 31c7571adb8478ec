/**
 * The compute agent's ports to a container runtime, one per concern: {@link io.zunvx.compute.driver.ContainerDriver}
 * (lifecycle, state, list, logs, events), {@link io.zunvx.compute.driver.ImageDriver} (pull, load, inspect, remove,
 * save, commit), {@link io.zunvx.compute.driver.ExecDriver} (exec, attach, terminals, archives),
 * {@link io.zunvx.compute.driver.HostDriver} (the host's resources), {@link io.zunvx.compute.driver.NetworkDriver} and
 * {@link io.zunvx.compute.driver.VolumeDriver}; {@link io.zunvx.compute.driver.RuntimeDriver} is all of them over one
 * connection. Also the records they answer with and {@link io.zunvx.compute.driver.DriverException}. Nothing here
 * depends on a particular runtime.
 */
package io.zunvx.compute.driver;
