/**
 * The limits of `POST /messages`, as `../shared/webex/FACTS.md` states them.
 *
 * Written here, not taken from the client: when the client and the fake
 * read the service differently, a test against the fake must show it.
 *
 * @module
 */

/** The largest `text`, and the largest `markdown`, in UTF-8 bytes: 7439 each. */
export const MAX_TEXT_BYTES = 7439;

/**
 * The largest file a message may carry. Webex documents "100 MB"; the fake
 * reads it as 100 MiB, the larger reading, so that it never refuses a file
 * the real service would take.
 */
export const MAX_FILE_BYTES = 100 * 1024 * 1024;

/** How many files one message may carry. */
export const MAX_FILES_PER_MESSAGE = 1;

/** How many times a message may be edited (`PUT /messages/{id}` in the spec). */
export const MAX_EDITS_PER_MESSAGE = 10;
