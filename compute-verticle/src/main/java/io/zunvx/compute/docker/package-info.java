/**
 * The Docker implementation of the container runtime ports, on docker-java: one class per port
 * ({@link io.zunvx.compute.docker.DockerContainers}, {@link io.zunvx.compute.docker.DockerImages},
 * {@link io.zunvx.compute.docker.DockerExec}, {@link io.zunvx.compute.docker.DockerHost},
 * {@link io.zunvx.compute.docker.DockerNetworks}) over the shared connections of
 * {@link io.zunvx.compute.docker.DockerClients}, put together by {@link io.zunvx.compute.docker.DockerContainerDriver}.
 * Only this package touches docker-java's types; its failures leave it as
 * {@link io.zunvx.compute.driver.DriverException}s.
 */
package io.zunvx.compute.docker;
