package io.zunvx.compute.agent;

import io.zunvx.compute.app.DriverSeam;
import io.zunvx.compute.driver.ContainerDriver;
import io.zunvx.compute.driver.RuntimeDriver;
import io.zunvx.compute.driver.RuntimePorts;
import io.zunvx.compute.driver.VolumeDriver;
import io.zunvx.model.Container;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.UUID;

/**
 * Places where fault-injection tests stop the agent as a crash would, as a {@link DriverSeam}: the agent's container
 * port is wrapped so that the test's code runs right after a runtime call returned, on the agent's runtime thread.
 */
public interface CrashPoints extends DriverSeam {
    /** No crash point: the driver as it is. */
    CrashPoints NONE = new CrashPoints() {
        @Override
        public RuntimeDriver wrap(RuntimeDriver driver) {
            return driver;
        }
    };

    /** After the runtime created the container (or found it created) and before the agent recorded it. */
    default void afterDockerCreate(UUID uuid) {
    }

    /** After the runtime removed a container (by its Docker id) and before the agent deleted its row. */
    default void afterDockerRemove(String dockerId) {
    }

    /** After the runtime made a volume's storage and before the agent recorded it. */
    default void afterVolumeStorage(UUID volume) {
    }

    /** Before the runtime removes a volume's storage (its row is {@code deleting} by then). */
    default void beforeVolumeRemoved(UUID volume) {
    }

    @Override
    default RuntimeDriver wrap(RuntimeDriver driver) {
        VolumeDriver volumes = (VolumeDriver) Proxy.newProxyInstance(VolumeDriver.class.getClassLoader(),
                new Class<?>[] {VolumeDriver.class}, (proxy, method, args) -> {
                    if ("remove".equals(method.getName())) {
                        beforeVolumeRemoved((UUID) args[0]);
                    }
                    Object result;
                    try {
                        result = method.invoke(driver, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if ("create".equals(method.getName())) {
                        afterVolumeStorage((UUID) args[0]);
                    }
                    return result;
                });
        ContainerDriver containers = (ContainerDriver) Proxy.newProxyInstance(ContainerDriver.class.getClassLoader(),
                new Class<?>[] {ContainerDriver.class}, (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(driver, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if ("create".equals(method.getName())) {
                        afterDockerCreate(((Container) args[0]).uuid());
                    }
                    if ("remove".equals(method.getName()) && args != null && args[0] instanceof String id) {
                        afterDockerRemove(id);
                    }
                    return result;
                });
        return new RuntimePorts(containers, driver, driver, driver, driver, volumes, driver::close);
    }
}
