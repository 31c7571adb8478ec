/**
 * The compute agent's port to a container runtime: {@link io.zunvx.compute.driver.ContainerDriver}, the records it
 * answers with, and {@link io.zunvx.compute.driver.DriverException}. Nothing here depends on a particular runtime.
 */
package io.zunvx.compute.driver;
