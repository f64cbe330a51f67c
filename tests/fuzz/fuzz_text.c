/*
 * fuzz_text.c - the small parsers of untrusted text in src/core and src/files: strict UTF-8
 * (core/utf8.c), dates and ISO 8601 instants (core/timeutil.c), upload file names
 * (files_name_check) and the download name built from them (files_download_name).
 *
 * Invariants:
 *   - utf8_count accepts exactly what an RFC 3629 table-driven decoder written here accepts, and
 *     counts the same characters; utf8_decode agrees at every offset;
 *   - utf8_truncate returns the longest prefix within the limit that ends on a character;
 *   - an accepted date formats back to the same text; an accepted instant, formatted in China time
 *     and parsed again, is the same instant;
 *   - an accepted file name is valid UTF-8 without control characters, at most FILES_NAME_MAX
 *     bytes, and its download name (with each served kind) is valid UTF-8 and fits the buffer
 *     files_api.c gives it.
 */
#include "core/timeutil.h"
#include "core/utf8.h"
#include "files/files.h"
#include "fuzz_util.h"

static void check_utf8(const char *s, size_t n)
{
	size_t count = 0, ref = 0, i = 0;
	int valid = 1;

	while (i < n) {
		int k = fuzz_utf8_seq_len((const unsigned char *)s + i, n - i);
		uint32_t cp = 0;
		int d = utf8_decode(s + i, n - i, &cp);

		FUZZ_CHECK(d == k || (k < 0 && d < 0), "utf8_decode at %zu: %d, reference %d", i, d,
		           k);
		if (k < 0) {
			valid = 0;
			i++;
			continue;
		}
		ref++;
		i += (size_t)k;
	}
	FUZZ_CHECK((utf8_count(s, n, &count) == 0) == valid, "utf8_count validity");
	FUZZ_CHECK(!valid || count == ref, "utf8_count %zu, reference %zu", count, ref);
	if (valid) {
		size_t max = n ? (unsigned char)s[0] % (n + 2) : 0, t = utf8_truncate(s, n, max);
		FUZZ_CHECK(t <= max && t <= n && fuzz_utf8_valid(s, t), "truncate(%zu) = %zu", max,
		           t);
		for (size_t longer = t + 1; longer <= max && longer <= n; longer++)
			FUZZ_CHECK(!fuzz_utf8_valid(s, longer), "truncate(%zu) = %zu, %zu is whole",
			           max, t, longer);
	}
}

static void check_time(const char *s)
{
	int days;
	int64_t t, back;
	char out[TIME_ISO_MAX], d[DATE_STR_MAX];

	if (date_parse(s, &days) == 0) {
		date_format(days, d);
		FUZZ_CHECK(strcmp(d, s) == 0, "date %s formats as %s", s, d);
	}
	if (time_parse_iso(s, &t) == 0) {
		time_iso(t, out);
		FUZZ_CHECK(time_parse_iso(out, &back) == 0 && back == t, "%s -> %lld -> %s", s,
		           (long long)t, out);
	}
}

static void check_name(const char *s)
{
	static const char *const kinds[] = {"pdf",  "ofd", "doc", "docx", "wps", "xls",
	                                    "xlsx", "jpg", "png", "tif",  "txt", "zip"};
	struct err e = ERR_INIT;
	struct file_info fi = {0};
	char out[FILES_NAME_MAX + 16]; /* as files_api.c get_file */

	if (files_name_check(s, &e) != 0) {
		FUZZ_CHECK(e.kind == ERR_VALIDATION && fuzz_utf8_valid(e.msg, strlen(e.msg)),
		           "refusal");
		return;
	}
	FUZZ_CHECK(strlen(s) <= FILES_NAME_MAX && fuzz_utf8_valid(s, strlen(s)), "name %s", s);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		FUZZ_CHECK(*p >= 0x20 && *p != 0x7f, "control byte in an accepted name");
	snprintf(fi.name, sizeof fi.name, "%s", s);
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		snprintf(fi.kind, sizeof fi.kind, "%s", kinds[k]);
		files_download_name(&fi, out, sizeof out);
		FUZZ_CHECK(strncmp(out, s, strlen(s)) == 0 && strlen(out) < sizeof out - 1 &&
		               fuzz_utf8_valid(out, strlen(out)),
		           "download name '%s' for '%s' (%s)", out, s, kinds[k]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);

	check_utf8((const char *)data, size);
	check_time(s);
	check_name(s);
	free(s);
	return 0;
}
