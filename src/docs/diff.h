/*
 * diff.h - what changed between two versions of a text (痕迹保留 of the 正文).
 *
 * Two passes, both by the longest common subsequence: lines first, then the characters (Unicode
 * code points) inside each block of changed lines, so that an edit of one word in a paragraph
 * shows as that word, not as the whole paragraph removed and added again. Common prefixes and
 * suffixes are cut first (most edits are small), so the quadratic table covers only the changed
 * middle; a middle larger than DIFF_CELLS_MAX cells is shown as removed and added whole.
 *
 * The result is a JSON array of chunks in reading order, adjacent chunks of one kind merged:
 *   [{"op":"eq","text":"..."}, {"op":"del","text":"..."}, {"op":"ins","text":"..."}, ...]
 * Concatenating eq+del chunks gives the old text; eq+ins chunks give the new text.
 * Inputs are valid UTF-8 (they come from JSON); an invalid byte counts as one character.
 * The returned array is a new reference owned by the caller.
 */
#ifndef JW_DOCS_DIFF_H
#define JW_DOCS_DIFF_H

#include <jansson.h>
#include <stddef.h>

#define DIFF_CELLS_MAX (4u * 1024u * 1024u) /* bytes of the direction table for one block */

struct diff_stats {
	size_t inserted, deleted; /* characters (code points) */
};

json_t *text_diff(const char *a, size_t alen, const char *b, size_t blen, struct diff_stats *stats);

#endif
