package io.zunvx.compute.driver;

import java.util.List;

/**
 * The processes of a container as {@code ps} lists them inside it.
 *
 * @param titles    column titles, e.g. {@code UID}, {@code PID}, {@code CMD}
 * @param processes one row per process, one value per title
 */
public record ProcessList(List<String> titles, List<List<String>> processes) {
    public ProcessList {
        titles = titles == null ? List.of() : List.copyOf(titles);
        processes = processes == null ? List.of() : processes.stream().map(List::copyOf).toList();
    }
}
