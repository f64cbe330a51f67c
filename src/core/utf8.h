/*
 * utf8.h - strict UTF-8 checks (no overlongs, no surrogates, nothing above U+10FFFF).
 */
#ifndef JW_UTF8_H
#define JW_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Counts code points; -1 if s is not valid UTF-8. */
int utf8_count(const char *s, size_t len, size_t *count);
/* Decodes one code point at s (len bytes available); returns its byte length, or -1. */
int utf8_decode(const char *s, size_t len, uint32_t *cp);
/* Length in bytes of the longest prefix of s holding at most max_bytes that ends on a character
 * boundary (s must be valid UTF-8). */
size_t utf8_truncate(const char *s, size_t len, size_t max_bytes);

#endif
