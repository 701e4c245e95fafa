package dev.perfgate.sut.domain;

import java.util.List;

/**
 * One page of a list, as the API answers it. Offset paging ({@code page=}) answers {@link Numbered}: the page, its
 * size, the sort, the total and whether another page follows. Keyset paging ({@code cursor=}) answers
 * {@link AfterCursor}: no page number and no total (counting is what keyset paging avoids), and the cursor of the
 * next page, null on the last.
 */
public sealed interface Page<T> permits Page.Numbered, Page.AfterCursor {
    List<T> items();

    /** {@code items, page, size, sort, total, hasNext}. */
    record Numbered<T>(List<T> items, int page, int size, String sort, long total, boolean hasNext)
            implements Page<T> {
    }

    /** {@code items, size, sort, hasNext, nextCursor}. */
    record AfterCursor<T>(List<T> items, int size, String sort, boolean hasNext, String nextCursor)
            implements Page<T> {
    }
}
