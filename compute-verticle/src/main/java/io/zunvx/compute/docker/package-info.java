/**
 * The Docker implementation of the container runtime port, on docker-java. Only this package touches docker-java's
 * types; its failures leave it as {@link io.zunvx.compute.driver.DriverException}s.
 */
package io.zunvx.compute.docker;
