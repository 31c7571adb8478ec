package io.zunvx.api.container;

import static io.zunvx.api.http.Requests.fails;
import static io.zunvx.api.http.Requests.invalidValue;
import static io.zunvx.api.http.Requests.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ListQueryTest {

    @Test
    void emptyQueryTakesZunDefaults() {
        ListQuery q = ListQuery.parse(query(""));
        assertEquals(new ListQuery(1000, null, "id", "asc", false, Map.of()), q);
        assertFalse(q.matchesNothing());
    }

    @Test
    void whatTheClientSends() {
        ListQuery q = ListQuery.parse(query("all_projects=1&status=Running"));
        assertTrue(q.allProjects());
        assertEquals(Map.of("status", "Running"), q.filters());
        assertEquals(2, ListQuery.parse(query("limit=2")).limit());
        assertEquals(List.of("image", "name"),
                List.copyOf(ListQuery.parse(query("image=bar&name=foo")).filters().keySet()));
    }

    @Test
    void pagingParameters() {
        UUID marker = UUID.fromString("b0694d40-70af-4488-b104-10f66b593347");
        ListQuery q = ListQuery.parse(query("limit=5000&marker=" + marker + "&sort_key=name&sort_dir=desc"), 1000);
        assertEquals(new ListQuery(1000, marker, "name", "desc", false, Map.of()), q);
        assertEquals(marker, ListQuery.parse(query("marker=B0694D40-70AF-4488-B104-10F66B593347")).marker());
        assertNull(ListQuery.parse(query("marker=")).marker());
        assertEquals(20, ListQuery.parse(query(""), 20).limit());
    }

    @ParameterizedTest
    @ValueSource(strings = {"limit=0", "limit=-3", "limit=abc", "limit="})
    void badLimit(String raw) {
        invalidValue(() -> ListQuery.parse(query(raw)), "Limit must be positive integer");
    }

    @Test
    void badSortDirection() {
        invalidValue(() -> ListQuery.parse(query("sort_dir=sideways")),
                "Invalid sort direction: sideways. Acceptable values are 'asc' or 'desc'");
    }

    @Test
    void sortKeyMustBeAContainerField() {
        fails(() -> ListQuery.parse(query("sort_key=bogus")), 400, "invalid-parameter-value",
                "The sort_key value \"bogus\" is an invalid field for sorting");
        assertEquals("created_at", ListQuery.parse(query("sort_key=created_at")).sortKey());
    }

    @Test
    void markerThatIsNoUuidFindsNothing() {
        fails(() -> ListQuery.parse(query("marker=abc")), 404, "container-not-found",
                "Container abc could not be found.");
    }

    @Test
    void unknownParameters() {
        invalidValue(() -> ListQuery.parse(query("name=a&foo=1&bar=2")), "Unknown parameters: foo, bar");
        invalidValue(() -> ListQuery.parse(query("timeout=1")), "Unknown parameters: timeout");
        // Zun pops these two from the parameters without using them.
        assertEquals(Map.of(), ListQuery.parse(query("expand=1&resource_url=x")).filters());
    }

    @Test
    void allProjectsUsesOsloBooleans() {
        assertTrue(ListQuery.parse(query("all_projects=True")).allProjects());
        assertFalse(ListQuery.parse(query("all_projects=False")).allProjects());
        invalidValue(() -> ListQuery.parse(query("all_projects=maybe")),
                "Valid all_projects values are: 1, t, true, on, y, yes, 0, f, false, off, n, no");
    }

    @Test
    void checksRunInZunsOrder() {
        invalidValue(() -> ListQuery.parse(query("all_projects=x&limit=0")),
                "Valid all_projects values are: 1, t, true, on, y, yes, 0, f, false, off, n, no");
        invalidValue(() -> ListQuery.parse(query("limit=0&sort_dir=x")), "Limit must be positive integer");
        invalidValue(() -> ListQuery.parse(query("foo=1&sort_key=bogus")), "Unknown parameters: foo");
    }

    @Test
    void everyAllowedFilter() {
        ListQuery q = ListQuery.parse(query("name=n&image=i&project_id=p&user_id=u&memory=512&host=h"
                + "&task_state=image_pulling&status=Created&auto_remove=True"));
        assertEquals(ListQuery.FILTERS, List.copyOf(q.filters().keySet()));
        assertFalse(q.matchesNothing());
        assertEquals(Boolean.TRUE, q.autoRemove());
    }

    @ParameterizedTest
    @CsvSource({"status=running,true", "status=Bogus,true", "status=Stopped,false", "task_state=bogus,true",
            "task_state=container_creating,false", "memory=512M,true", "memory=256,false", "auto_remove=maybe,true",
            "auto_remove=0,false", "name=anything,false"})
    void filtersNoContainerCanMatch(String raw, boolean nothing) {
        assertEquals(nothing, ListQuery.parse(query(raw)).matchesNothing());
    }
}
