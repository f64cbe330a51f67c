/*
 * fuzz_util.h - what the libFuzzer targets of tests/fuzz share: the invariant check that turns a
 * broken property into a crash libFuzzer records, and a NUL-terminated copy of the input.
 */
#ifndef JW_FUZZ_UTIL_H
#define JW_FUZZ_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A property that must hold for every input: report it and abort (libFuzzer saves the input). */
#define FUZZ_CHECK(cond, ...)                                                                      \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz: invariant failed at %s:%d: %s: ", __FILE__,         \
			        __LINE__, #cond);                                                  \
			fprintf(stderr, __VA_ARGS__);                                              \
			fputc('\n', stderr);                                                       \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* The input as a C string (cut at its first NUL, as a C API receives it); malloc'd. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Strict UTF-8 (RFC 3629 table 3-7), written apart from src/core/utf8.c to check it. */
static inline int fuzz_utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	int k;
	unsigned char lo = 0x80, hi = 0xbf;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		k = 2;
	else if (c >= 0xe0 && c <= 0xef)
		k = 3, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
	else if (c >= 0xf0 && c <= 0xf4)
		k = 4, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
	else
		return -1;
	if (n < (size_t)k || s[1] < lo || s[1] > hi)
		return -1;
	for (int i = 2; i < k; i++)
		if ((s[i] & 0xc0) != 0x80)
			return -1;
	return k;
}

static inline int fuzz_utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		int k = fuzz_utf8_seq_len(s + i, n - i);
		if (k < 0)
			return 0;
		i += (size_t)k;
	}
	return 1;
}

#endif
