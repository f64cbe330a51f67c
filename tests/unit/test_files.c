/* Unit tests of attachments: typing by content, names, content-addressed storage with
 * de-duplication, need-to-know, and verification that finds changed and vanished blobs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "db/db.h"
#include "files/files.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64], dbpath[128];

static int setup(void **state)
{
	struct err e = ERR_INIT;
	struct db *db;

	snprintf(dir, sizeof dir, "/tmp/jw-unit-files-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(dbpath, sizeof dbpath, "%s/t.db", dir);
	db = db_open(dbpath, &e);
	if (db == NULL || db_migrate(db, &e))
		return -1;
	if (db_exec(
	        db,
	        "INSERT INTO org (id, name, code, created_at) VALUES (1, '定边县人民检察院', "
	        "'定检', 0);"
	        "INSERT INTO department (id, org_id, code, name) VALUES (1, 1, 'BGS', '办公室');"
	        "INSERT INTO app_user (id, org_id, username, name, department_id, password_hash,"
	        " created_at, updated_at) VALUES (1, 1, 'chenj', '陈杰', 1, 'x', 0, 0),"
	        " (2, 1, 'xuf', '徐芳', 1, 'x', 0, 0), (3, 1, 'zhaol', '赵丽', 1, 'x', 0, 0);",
	        &e))
		return -1;
	*state = db;
	return 0;
}

static int teardown(void **state)
{
	char cmd[256];

	db_close(*state);
	snprintf(cmd, sizeof cmd, "chmod -R u+w %s; rm -rf %s", dir, dir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char pdf[] = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

/* A minimal ZIP with one stored entry (libmagic looks at the headers, not the CRC). */
static size_t make_zip(const char *entry, const char *data, unsigned char *out)
{
	size_t nlen = strlen(entry), dlen = strlen(data), n = 0, cd;
	unsigned char lfh[30] = {'P', 'K', 3, 4, 20, 0};

	lfh[18] = lfh[22] = (unsigned char)dlen;
	lfh[26] = (unsigned char)nlen;
	memcpy(out, lfh, 30), n = 30;
	memcpy(out + n, entry, nlen), n += nlen;
	memcpy(out + n, data, dlen), n += dlen;
	cd = n;
	unsigned char cdh[46] = {'P', 'K', 1, 2, 20, 0, 20, 0};
	cdh[20] = cdh[24] = (unsigned char)dlen;
	cdh[28] = (unsigned char)nlen;
	memcpy(out + n, cdh, 46), n += 46;
	memcpy(out + n, entry, nlen), n += nlen;
	unsigned char eocd[22] = {'P', 'K', 5, 6};
	eocd[8] = eocd[10] = 1;
	eocd[12] = (unsigned char)(46 + nlen);
	eocd[16] = (unsigned char)cd;
	memcpy(out + n, eocd, 22), n += 22;
	return n;
}

static void sniff_accepts_allowed_kinds_by_content(void **state)
{
	struct err e = ERR_INIT;
	const char *kind, *mime;
	const char text[] = "关于开展2026年度检务督察工作的通知\n各部门：\n请按要求执行。\n";
	unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0,    0,    0,
	                       13,   'I', 'H', 'D', 'R',  0,    0,    0,    1,    0,    0,
	                       0,    1,   8,   2,   0,    0,    0,    0x90, 0x77, 0x53, 0xde};
	unsigned char zip[512];
	size_t zlen;

	(void)state;
	assert_int_equal(files_sniff(pdf, sizeof pdf - 1, "公文.pdf", &kind, &mime, &e), 0);
	assert_string_equal(kind, "pdf");
	assert_string_equal(mime, "application/pdf");
	/* the content decides: a PDF named .txt is a PDF */
	assert_int_equal(files_sniff(pdf, sizeof pdf - 1, "说明.txt", &kind, &mime, &e), 0);
	assert_string_equal(kind, "pdf");
	assert_int_equal(files_sniff(text, sizeof text - 1, "通知.txt", &kind, &mime, &e), 0);
	assert_string_equal(kind, "txt");
	assert_int_equal(files_sniff(png, sizeof png, "图.png", &kind, &mime, &e), 0);
	assert_string_equal(kind, "png");
	/* ZIP containers: OFD by its root entry and the name, else a plain zip */
	zlen = make_zip("OFD.xml", "<ofd:OFD/>", zip);
	assert_int_equal(files_sniff(zip, zlen, "公文.ofd", &kind, &mime, &e), 0);
	assert_string_equal(kind, "ofd");
	assert_int_equal(files_sniff(zip, zlen, "公文.zip", &kind, &mime, &e), 0);
	assert_string_equal(kind, "zip");
	zlen = make_zip("readme.txt", "hello", zip);
	assert_int_equal(files_sniff(zip, zlen, "假的.ofd", &kind, &mime, &e), 0);
	assert_string_equal(kind, "zip");
}

static void sniff_refuses_other_content(void **state)
{
	static const char html[] =
	    "<!DOCTYPE html><html><body><script>alert(1)</script></body></html>";
	struct err e = ERR_INIT;
	const char *kind, *mime;
	char elf[4096];
	int fd = open("/proc/self/exe", O_RDONLY);
	ssize_t n;

	(void)state;
	assert_true(fd >= 0);
	n = read(fd, elf, sizeof elf);
	close(fd);
	assert_true(n > 64);
	assert_int_equal(files_sniff(html, sizeof html - 1, "公文.pdf", &kind, &mime, &e), -1);
	assert_int_equal(e.kind, ERR_UNSUPPORTED_MEDIA);
	assert_non_null(strstr(e.msg, "不支持的文件类型"));
	err_clear(&e);
	assert_int_equal(files_sniff(elf, (size_t)n, "公文.pdf", &kind, &mime, &e), -1);
	assert_int_equal(e.kind, ERR_UNSUPPORTED_MEDIA);
	err_clear(&e);
	assert_int_equal(files_sniff("#!/bin/sh\nrm -rf /\n", 19, "a.txt", &kind, &mime, &e), -1);
	assert_int_equal(e.kind, ERR_UNSUPPORTED_MEDIA);
	err_clear(&e);
	assert_int_equal(files_sniff("", 0, "a.txt", &kind, &mime, &e), -1);
	assert_int_equal(e.kind, ERR_VALIDATION);
}

static void upload_limit_is_configurable(void **state)
{
	struct db *db = *state;
	struct err e = ERR_INIT;

	assert_true(files_max_bytes(db, 1) == FILES_MAX_BYTES_DEFAULT);
	assert_int_equal(
	    db_exec(
	        db,
	        "INSERT INTO setting (org_id, key, value) VALUES (1, 'files.max_bytes', '65536')",
	        &e),
	    0);
	assert_true(files_max_bytes(db, 1) == 65536);
	assert_int_equal(
	    db_exec(db, "UPDATE setting SET value = '99999999999999' WHERE key = 'files.max_bytes'",
	            &e),
	    0);
	assert_true(files_max_bytes(db, 1) == FILES_MAX_BYTES_CEILING);
	assert_int_equal(
	    db_exec(db, "UPDATE setting SET value = 'abc' WHERE key = 'files.max_bytes'", &e), 0);
	assert_true(files_max_bytes(db, 1) == FILES_MAX_BYTES_DEFAULT);
	assert_int_equal(db_exec(db, "DELETE FROM setting", &e), 0);
}

static void names_are_checked_not_interpreted(void **state)
{
	struct err e = ERR_INIT;
	char longname[FILES_NAME_MAX + 2];

	(void)state;
	assert_int_equal(files_name_check("关于\"印发\"的通知（定稿）.docx", &e), 0);
	assert_int_equal(files_name_check("../../etc/passwd", &e), 0); /* kept; never a path */
	assert_int_equal(files_name_check("a\nb.pdf", &e), -1);
	err_clear(&e);
	assert_int_equal(files_name_check("", &e), -1);
	err_clear(&e);
	memset(longname, 'a', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	assert_int_equal(files_name_check(longname, &e), -1);
	longname[FILES_NAME_MAX] = '\0';
	err_clear(&e);
	assert_int_equal(files_name_check(longname, &e), 0);
}

static void download_names_carry_the_real_kind(void **state)
{
	static const struct {
		const char *name, *kind, *expect;
	} cases[] = {
	    {"公文.pdf", "pdf", "公文.pdf"},
	    {"公文.PDF", "pdf", "公文.PDF"},
	    {"页面.html", "txt", "页面.html.txt"},
	    {"照片.jpeg", "jpg", "照片.jpeg"},
	    {"扫描件.TIFF", "tif", "扫描件.TIFF"},
	    {"无扩展名", "docx", "无扩展名.docx"},
	    {"报告.pdf.exe", "pdf", "报告.pdf.exe.pdf"},
	    {"a.", "txt", "a..txt"},
	};
	char out[FILES_NAME_MAX + 16];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct file_info fi = {0};
		snprintf(fi.name, sizeof fi.name, "%s", cases[i].name);
		snprintf(fi.kind, sizeof fi.kind, "%s", cases[i].kind);
		files_download_name(&fi, out, sizeof out);
		assert_string_equal(out, cases[i].expect);
	}
}

static int64_t store(struct db *db, const struct principal *who, const char *data, const char *name,
                     bool *dedup)
{
	struct err e = ERR_INIT;
	json_t *j = NULL;
	int64_t id;
	int fd = files_spool_open(db, &e);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, strlen(data)), (ssize_t)strlen(data));
	assert_int_equal(db_begin(db, &e), 0);
	assert_int_equal(files_store(db, who, fd, strlen(data), name, &j, dedup, &e), 0);
	assert_int_equal(db_commit(db, &e), 0);
	close(fd);
	id = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	return id;
}

static void stores_once_and_verify_finds_changes(void **state)
{
	struct db *db = *state;
	struct principal chen = {.user_id = 1, .org_id = 1, .roles = 1u << 7};
	struct err e = ERR_INIT;
	struct file_info fi;
	char path[512];
	int64_t a, b, checked, bad;
	bool dedup;
	FILE *devnull = fopen("/dev/null", "w");
	int fd;

	a = store(db, &chen, pdf, "一.pdf", &dedup);
	assert_false(dedup);
	b = store(db, &chen, pdf, "二.pdf", &dedup);
	assert_true(dedup);
	assert_true(a != b);
	assert_int_equal(files_get(db, &chen, b, &fi, &e), 0);
	assert_string_equal(fi.name, "二.pdf");
	snprintf(path, sizeof path, "%s/files/%.2s/%s", dir, fi.sm3, fi.sm3 + 2);
	assert_int_equal(access(path, R_OK), 0);
	fd = files_open_blob(db, &fi, &e);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(files_verify(dbpath, devnull, &checked, &bad, &e), 0);
	assert_int_equal(checked, 1);
	/* same size, one byte changed */
	chmod(path, 0640);
	fd = open(path, O_WRONLY);
	assert_int_equal(pwrite(fd, "X", 1, 3), 1);
	close(fd);
	assert_int_equal(files_verify(dbpath, devnull, &checked, &bad, &e), 1);
	assert_int_equal(bad, 1);
	unlink(path);
	assert_int_equal(files_verify(dbpath, devnull, &checked, &bad, &e), 1);
	assert_int_equal(bad, 1);
	/* a new upload of the same content replaces the vanished blob */
	store(db, &chen, pdf, "三.pdf", &dedup);
	assert_false(dedup);
	assert_int_equal(files_verify(dbpath, devnull, &checked, &bad, &e), 0);
	fclose(devnull);
}

static void need_to_know(void **state)
{
	struct db *db = *state;
	struct principal chen = {.user_id = 1, .org_id = 1, .roles = 1u << 7};
	struct principal xu = {.user_id = 2, .org_id = 1, .roles = 1u << 7};
	struct principal zhao = {.user_id = 3, .org_id = 1, .roles = 1u << 3}; /* clerk */
	struct principal other = {.user_id = 1, .org_id = 2, .roles = 1u << 3};
	struct err e = ERR_INIT;
	bool ok, dedup;
	int64_t id = store(db, &chen, "附件正文\n", "附件.txt", &dedup);
	json_t *list;

	assert_int_equal(files_readable(db, &chen, id, &ok, &e), 0);
	assert_true(ok);
	assert_int_equal(files_readable(db, &xu, id, &ok, &e), 0);
	assert_false(ok);
	assert_int_equal(files_readable(db, &zhao, id, &ok, &e), 0);
	assert_false(ok); /* not attached to anything yet: the uploader's alone */
	assert_int_equal(files_readable(db, &other, id, &ok, &e), 0);
	assert_false(ok);
	assert_int_equal(db_begin(db, &e), 0);
	assert_int_equal(files_attach(db, id, "incoming", 42, &e), 0);
	assert_int_equal(files_attach(db, id, "incoming", 42, &e), 0); /* twice: no-op */
	assert_int_equal(files_attach(db, 9999, "incoming", 42, &e), -1);
	err_clear(&e);
	assert_int_equal(db_commit(db, &e), 0);
	assert_int_equal(files_readable(db, &zhao, id, &ok, &e), 0);
	assert_true(ok); /* the office sees every object of its org */
	assert_int_equal(files_readable(db, &xu, id, &ok, &e), 0);
	assert_false(ok);
	assert_int_equal(db_exec(db,
	                         "INSERT INTO acl (org_id, kind, object_id, user_id, reason)"
	                         " VALUES (1, 'incoming', 42, 2, 'circulated')",
	                         &e),
	                 0);
	assert_int_equal(files_readable(db, &xu, id, &ok, &e), 0);
	assert_true(ok);
	assert_int_equal(files_readable(db, &other, id, &ok, &e), 0);
	assert_false(ok);
	list = files_of_object(db, 1, "incoming", 42, &e);
	assert_int_equal(json_array_size(list), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "name")),
	                    "附件.txt");
	json_decref(list);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(sniff_accepts_allowed_kinds_by_content),
	    cmocka_unit_test(sniff_refuses_other_content),
	    cmocka_unit_test(upload_limit_is_configurable),
	    cmocka_unit_test(names_are_checked_not_interpreted),
	    cmocka_unit_test(download_names_carry_the_real_kind),
	    cmocka_unit_test(stores_once_and_verify_finds_changes),
	    cmocka_unit_test(need_to_know),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
