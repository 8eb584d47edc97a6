/** The header a client sends its last D1 bookmarks in, and gets the new ones back in. */
export const D1_BOOKMARK_HEADER = "X-D1-Bookmark";
