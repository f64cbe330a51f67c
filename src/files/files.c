/*
 * files.c - storing, typing, reading and verifying uploaded files (rules in files.h; no HTTP).
 */
#include "files/files.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/utf8.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <magic.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define HASH_CHUNK (256 * 1024)
#define BLOB_MODE  0440

/* Paths */

int files_dir_for(const char *db_uri, char *out, size_t outlen, struct err *e)
{
	char copy[FILES_PATH_MAX];
	int n;

	if (strstr(db_uri, "://"))
		return err_set(e, ERR_BAD_REQUEST, "此存储不支持附件目录：%s", db_uri);
	if (strlen(db_uri) >= sizeof copy)
		return err_set(e, ERR_BAD_REQUEST, "数据库路径过长");
	snprintf(copy, sizeof copy, "%s", db_uri);
	n = snprintf(out, outlen, "%s/files", dirname(copy));
	if (n < 0 || (size_t)n >= outlen)
		return err_set(e, ERR_BAD_REQUEST, "附件目录路径过长");
	return 0;
}

static int make_dir(const char *path, struct err *e)
{
	if (mkdir(path, 0750) == 0 || errno == EEXIST)
		return 0;
	return err_internal(e, "mkdir %s: %s", path, strerror(errno));
}

/* files/ab/cdef... for a digest; creates files/ and files/ab/ when create is set. */
static int blob_path(const char *db_uri, const char *sm3, bool create, char *out, size_t outlen,
                     struct err *e)
{
	char dir[FILES_PATH_MAX], sub[FILES_PATH_MAX + 4];
	int n;

	if (files_dir_for(db_uri, dir, sizeof dir, e))
		return -1;
	n = snprintf(sub, sizeof sub, "%s/%.2s", dir, sm3);
	if (n < 0 || (size_t)n >= sizeof sub)
		return err_set(e, ERR_BAD_REQUEST, "附件目录路径过长");
	if (create && (make_dir(dir, e) || make_dir(sub, e)))
		return -1;
	n = snprintf(out, outlen, "%s/%s", sub, sm3 + 2);
	if (n < 0 || (size_t)n >= outlen)
		return err_set(e, ERR_BAD_REQUEST, "附件目录路径过长");
	return 0;
}

uint64_t files_max_bytes(struct db *db, int64_t org_id)
{
	struct err e = ERR_INIT;
	struct db_stmt *st =
	    db_query(db, &e, "SELECT value FROM setting WHERE org_id = $1 AND key = $2", "Is",
	             org_id, FILES_SETTING_MAX_BYTES);
	uint64_t v = 0;
	bool valid = false;
	char *end;

	if (st == NULL)
		return FILES_MAX_BYTES_DEFAULT;
	if (db_step(st, &e) == DB_ROW && db_col_text(st, 0)) {
		v = strtoull(db_col_text(st, 0), &end, 10);
		valid = *end == '\0'; /* before db_reset: the text belongs to the statement */
	}
	db_reset(st);
	if (v == 0 || !valid)
		return FILES_MAX_BYTES_DEFAULT;
	return v > FILES_MAX_BYTES_CEILING ? FILES_MAX_BYTES_CEILING : v;
}

int files_spool_open(struct db *db, struct err *e)
{
	char dir[FILES_PATH_MAX], tmp[FILES_PATH_MAX + 8], name[FILES_PATH_MAX + 32];
	int fd;

	if (files_dir_for(db_uri(db), dir, sizeof dir, e))
		return -1;
	snprintf(tmp, sizeof tmp, "%s/tmp", dir);
	if (make_dir(dir, e) || make_dir(tmp, e))
		return -1;
	fd = open(tmp, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	/* file systems without O_TMPFILE: a named file, unlinked at once */
	snprintf(name, sizeof name, "%s/upload-XXXXXX", tmp);
	fd = mkostemp(name, O_CLOEXEC);
	if (fd < 0)
		return err_internal(e, "spool file in %s: %s", tmp, strerror(errno));
	unlink(name);
	return fd;
}

/* Names and types */

int files_name_check(const char *name, struct err *e)
{
	size_t len = strlen(name), chars;

	if (len == 0)
		return err_field(e, ERR_VALIDATION, "name", "文件名不能为空");
	if (len > FILES_NAME_MAX)
		return err_field(e, ERR_VALIDATION, "name", "文件名过长（最多%d字节）",
		                 FILES_NAME_MAX);
	if (utf8_count(name, len, &chars))
		return err_field(e, ERR_VALIDATION, "name", "文件名不是有效的 UTF-8");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return err_field(e, ERR_VALIDATION, "name", "文件名不能包含控制字符");
	return 0;
}

static pthread_key_t magic_key;
static pthread_once_t magic_once = PTHREAD_ONCE_INIT;

static void magic_free(void *m)
{
	magic_close(m);
}

static void magic_key_init(void)
{
	pthread_key_create(&magic_key, magic_free);
}

/* libmagic handles are not thread-safe: one per thread, closed when the thread ends. */
static magic_t magic_handle(void)
{
	magic_t m;

	pthread_once(&magic_once, magic_key_init);
	m = pthread_getspecific(magic_key);
	if (m)
		return m;
	m = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
	if (m && magic_load(m, NULL) != 0) {
		log_error("libmagic: %s", magic_error(m));
		magic_close(m);
		return NULL;
	}
	pthread_setspecific(magic_key, m);
	return m;
}

static const struct {
	const char *kind, *mime;
} served[] = {
    {"pdf", "application/pdf"},
    {"ofd", "application/ofd"},
    {"doc", "application/msword"},
    {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    {"wps", "application/octet-stream"}, /* Kingsoft WPS has no registered type */
    {"xls", "application/vnd.ms-excel"},
    {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    {"jpg", "image/jpeg"},
    {"png", "image/png"},
    {"tif", "image/tiff"},
    {"txt", "text/plain"},
    {"zip", "application/zip"},
};

/* Which allowed kind a detected MIME type is; ext (lowercase, may be "") settles shared
 * containers. NULL if not allowed. */
static const char *kind_of(const char *mime, const char *ext, const void *head, size_t len)
{
	static const char *const ole[] = {"application/vnd.ms-office", "application/CDFV2",
	                                  "application/x-ole-storage", "application/msword",
	                                  "application/vnd.ms-excel",  NULL};

	if (strcmp(mime, "application/pdf") == 0)
		return "pdf";
	if (strcmp(mime, "application/zip") == 0) {
		if (strcmp(ext, "ofd") == 0 && memmem(head, len, "OFD.xml", 7))
			return "ofd";
		if (strcmp(ext, "docx") == 0 || strcmp(ext, "xlsx") == 0)
			return strcmp(ext, "docx") == 0 ? "docx" : "xlsx";
		return "zip";
	}
	if (strcmp(mime, served[3].mime) == 0)
		return "docx";
	if (strcmp(mime, served[6].mime) == 0)
		return "xlsx";
	for (int i = 0; ole[i]; i++) {
		if (strcmp(mime, ole[i]) != 0)
			continue;
		if (strcmp(ext, "doc") == 0 || strcmp(ext, "wps") == 0 || strcmp(ext, "xls") == 0)
			return strcmp(ext, "doc") == 0   ? "doc"
			       : strcmp(ext, "wps") == 0 ? "wps"
			                                 : "xls";
		if (strcmp(mime, "application/msword") == 0)
			return "doc";
		if (strcmp(mime, "application/vnd.ms-excel") == 0)
			return "xls";
		return NULL;
	}
	if (strcmp(mime, "image/jpeg") == 0)
		return "jpg";
	if (strcmp(mime, "image/png") == 0)
		return "png";
	if (strcmp(mime, "image/tiff") == 0)
		return "tif";
	if (strcmp(mime, "text/plain") == 0)
		return "txt";
	return NULL;
}

int files_sniff(const void *head, size_t len, const char *name, const char **kind,
                const char **mime, struct err *e)
{
	const char *dot = name ? strrchr(name, '.') : NULL, *detected, *k;
	char ext[8] = "";
	magic_t m;

	if (len == 0)
		return err_field(e, ERR_VALIDATION, "file", "文件为空");
	if (dot && strlen(dot + 1) < sizeof ext) {
		for (size_t i = 0; dot[1 + i]; i++)
			ext[i] = (char)((dot[1 + i] >= 'A' && dot[1 + i] <= 'Z') ? dot[1 + i] + 32
			                                                         : dot[1 + i]);
		ext[strlen(dot + 1)] = '\0';
	}
	if ((m = magic_handle()) == NULL)
		return err_internal(e, "libmagic unavailable");
	detected = magic_buffer(m, head, len);
	if (detected == NULL)
		return err_internal(e, "libmagic: %s", magic_error(m));
	k = kind_of(detected, ext, head, len);
	if (k == NULL)
		return err_field(
		    e, ERR_UNSUPPORTED_MEDIA, "file",
		    "不支持的文件类型（检测为 %.60s）。允许上传：PDF、OFD、DOC、DOCX、WPS、"
		    "XLS、XLSX、JPG、PNG、TIF、TXT、ZIP",
		    detected);
	for (size_t i = 0; i < sizeof served / sizeof served[0]; i++)
		if (strcmp(served[i].kind, k) == 0)
			*kind = served[i].kind, *mime = served[i].mime;
	return 0;
}

void files_download_name(const struct file_info *fi, char *out, size_t outlen)
{
	static const struct {
		const char *kind, *exts;
	} alias[] = {{"jpg", " jpg jpeg "}, {"tif", " tif tiff "}};
	const char *dot = strrchr(fi->name, '.'), *exts = NULL;
	char ext[16] = " ", want[24];
	size_t i, n;

	for (i = 0; i < sizeof alias / sizeof alias[0]; i++)
		if (strcmp(alias[i].kind, fi->kind) == 0)
			exts = alias[i].exts;
	snprintf(want, sizeof want, " %s ", fi->kind);
	if (dot && (n = strlen(dot + 1)) > 0 && n < sizeof ext - 2) {
		for (i = 0; i < n; i++)
			ext[1 + i] = (char)(dot[1 + i] >= 'A' && dot[1 + i] <= 'Z' ? dot[1 + i] + 32
			                                                           : dot[1 + i]);
		ext[1 + n] = ' ';
		ext[2 + n] = '\0';
		if (strstr(exts ? exts : want, ext)) {
			snprintf(out, outlen, "%s", fi->name);
			return;
		}
	}
	snprintf(out, outlen, "%s.%s", fi->name, fi->kind);
}

/* Digests */

static void to_hex(const unsigned char *md, unsigned len, char *hex)
{
	static const char digits[] = "0123456789abcdef";

	for (unsigned i = 0; i < len; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[2 * len] = '\0';
}

int files_sm3_fd(int fd, uint64_t size, char hex[FILES_SM3_HEX], struct err *e)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	char *chunk = malloc(HASH_CHUNK);
	uint64_t off = 0;
	int rc = -1;

	if (ctx == NULL || chunk == NULL || !EVP_DigestInit_ex(ctx, EVP_sm3(), NULL)) {
		err_internal(e, "SM3 digest unavailable");
		goto out;
	}
	while (off < size) {
		size_t want = size - off < HASH_CHUNK ? (size_t)(size - off) : HASH_CHUNK;
		ssize_t n = pread(fd, chunk, want, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err_internal(e, "read for SM3: %s", n < 0 ? strerror(errno) : "short file");
			goto out;
		}
		if (!EVP_DigestUpdate(ctx, chunk, (size_t)n)) {
			err_internal(e, "SM3 update failed");
			goto out;
		}
		off += (uint64_t)n;
	}
	if (!EVP_DigestFinal_ex(ctx, md, &mdlen) || mdlen != 32) {
		err_internal(e, "SM3 final failed");
		goto out;
	}
	to_hex(md, mdlen, hex);
	rc = 0;
out:
	free(chunk);
	EVP_MD_CTX_free(ctx);
	return rc;
}

/* Storing */

static int copy_fd(int from, int to, uint64_t size, struct err *e)
{
	char *chunk = malloc(HASH_CHUNK);
	uint64_t off = 0;
	int rc = -1;

	if (chunk == NULL)
		abort();
	while (off < size) {
		size_t want = size - off < HASH_CHUNK ? (size_t)(size - off) : HASH_CHUNK;
		ssize_t n = pread(from, chunk, want, (off_t)off), w = 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err_internal(e, "copy read: %s", n < 0 ? strerror(errno) : "short file");
			goto out;
		}
		while (w < n) {
			ssize_t k = write(to, chunk + w, (size_t)(n - w));
			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0) {
				err_internal(e, "copy write: %s", strerror(errno));
				goto out;
			}
			w += k;
		}
		off += (uint64_t)n;
	}
	rc = 0;
out:
	free(chunk);
	return rc;
}

static void fsync_dir(const char *path)
{
	char copy[FILES_PATH_MAX];
	int fd;

	snprintf(copy, sizeof copy, "%s", path);
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/*
 * Gives the spooled content its name: first under a temporary name in the same directory
 * (linking the O_TMPFILE file, or copying when that is impossible), then rename(2) over the final
 * name, so that the name appears only with the whole, synced content.
 */
static int blob_commit(int fd, uint64_t size, const char *path, struct err *e)
{
	char tmp[FILES_PATH_MAX + 16], proc[64];
	int out = -1;

	if (fsync(fd) != 0)
		return err_internal(e, "fsync upload: %s", strerror(errno));
	snprintf(tmp, sizeof tmp, "%s.XXXXXX", path);
	out = mkostemp(tmp, O_CLOEXEC);
	if (out < 0)
		return err_internal(e, "blob temp %s: %s", tmp, strerror(errno));
	close(out);
	unlink(tmp); /* only the unique name was wanted: linkat needs it free */
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	if (linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW) == 0) {
		chmod(tmp, BLOB_MODE);
	} else {
		out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (out < 0)
			return err_internal(e, "blob temp %s: %s", tmp, strerror(errno));
		if (copy_fd(fd, out, size, e) || fsync(out) != 0 || fchmod(out, BLOB_MODE) != 0) {
			close(out);
			unlink(tmp);
			return err_internal(e, "writing blob %s", tmp);
		}
		close(out);
	}
	if (rename(tmp, path) != 0) {
		unlink(tmp);
		return err_internal(e, "rename blob %s: %s", path, strerror(errno));
	}
	fsync_dir(path);
	return 0;
}

static int read_head(int fd, uint64_t size, char **head, size_t *len, struct err *e)
{
	size_t want = size < FILES_SNIFF_BYTES ? (size_t)size : FILES_SNIFF_BYTES, got = 0;

	*head = malloc(want ? want : 1);
	if (*head == NULL)
		abort();
	while (got < want) {
		ssize_t n = pread(fd, *head + got, want - got, (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return err_internal(e, "read upload head: %s",
			                    n < 0 ? strerror(errno) : "short");
		got += (size_t)n;
	}
	*len = got;
	return 0;
}

json_t *files_info_json(const struct file_info *fi, int64_t created_at)
{
	char when[TIME_ISO_MAX];

	time_iso(created_at, when);
	return json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:I, s:s}", "id", (json_int_t)fi->id,
	                 "name", fi->name, "size", (json_int_t)fi->size, "type", fi->kind, "mime",
	                 fi->mime, "sm3", fi->sm3, "uploader_id", (json_int_t)fi->uploader_id,
	                 "created_at", when);
}

int files_store(struct db *db, const struct principal *who, int fd, uint64_t size, const char *name,
                json_t **out, bool *dedup, struct err *e)
{
	struct file_info fi = {.org_id = who->org_id, .uploader_id = who->user_id};
	const char *kind, *mime;
	char *head = NULL, path[FILES_PATH_MAX];
	size_t len = 0;
	struct stat sb;
	struct db_stmt *st;
	int64_t now = time_now();
	int rc = -1;

	if (files_name_check(name, e))
		return -1;
	if (size == 0)
		return err_field(e, ERR_VALIDATION, "file", "文件为空");
	if (read_head(fd, size, &head, &len, e) || files_sniff(head, len, name, &kind, &mime, e) ||
	    files_sm3_fd(fd, size, fi.sm3, e) ||
	    blob_path(db_uri(db), fi.sm3, true, path, sizeof path, e))
		goto out;
	/* identical content already stored: keep it (a blob of the wrong size is replaced) */
	*dedup = stat(path, &sb) == 0 && (uint64_t)sb.st_size == size;
	if (!*dedup && blob_commit(fd, size, path, e))
		goto out;
	snprintf(fi.kind, sizeof fi.kind, "%s", kind);
	snprintf(fi.mime, sizeof fi.mime, "%s", mime);
	snprintf(fi.name, sizeof fi.name, "%s", name);
	fi.size = (int64_t)size;
	st = db_query(
	    db, e,
	    "INSERT INTO file (org_id, sm3, size, kind, mime, name, uploader_id, created_at)"
	    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
	    "IsIsssII", fi.org_id, fi.sm3, fi.size, fi.kind, fi.mime, fi.name, fi.uploader_id, now);
	if (st == NULL)
		goto out;
	if (db_step(st, e) == DB_ROW)
		fi.id = db_col_int(st, 0);
	db_reset(st);
	if (fi.id == 0)
		goto out;
	*out = files_info_json(&fi, now);
	json_object_set_new(*out, "deduplicated", json_boolean(*dedup));
	rc = 0;
out:
	free(head);
	return rc;
}

/* Reading */

static int load_row(struct db *db, int64_t org_id, int64_t file_id, struct file_info *fi,
                    int64_t *created_at, struct err *e)
{
	struct db_stmt *st = db_query(db, e,
	                              "SELECT id, org_id, sm3, size, kind, mime, name, uploader_id,"
	                              " created_at FROM file WHERE id = $1 AND org_id = $2",
	                              "II", file_id, org_id);
	int rc;

	if (st == NULL)
		return -1;
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		fi->id = db_col_int(st, 0);
		fi->org_id = db_col_int(st, 1);
		snprintf(fi->sm3, sizeof fi->sm3, "%s", db_col_text(st, 2));
		fi->size = db_col_int(st, 3);
		snprintf(fi->kind, sizeof fi->kind, "%s", db_col_text(st, 4));
		snprintf(fi->mime, sizeof fi->mime, "%s", db_col_text(st, 5));
		snprintf(fi->name, sizeof fi->name, "%s", db_col_text(st, 6));
		fi->uploader_id = db_col_int(st, 7);
		if (created_at)
			*created_at = db_col_int(st, 8);
	}
	db_reset(st);
	if (rc < 0)
		return -1;
	return rc == DB_ROW ? 0 : err_set(e, ERR_NOT_FOUND, "文件不存在");
}

/* The need-to-know rule of files.h for a row already known to be in who's org. */
static int may_read(struct db *db, const struct principal *who, const struct file_info *fi,
                    bool *ok, struct err *e)
{
	int64_t one;

	*ok = fi->uploader_id == who->user_id;
	if (*ok)
		return 0;
	if (who->roles & (ROLES_OFFICE | ROLES_LEADERS))
		return db_query_int(db, e, &one, ok, "SELECT 1 FROM file_link WHERE file_id = $1",
		                    "I", fi->id);
	return db_query_int(
	    db, e, &one, ok,
	    "SELECT 1 FROM file_link l JOIN acl a ON a.kind = l.kind"
	    " AND a.object_id = l.object_id AND a.user_id = $2 WHERE l.file_id = $1",
	    "II", fi->id, who->user_id);
}

int files_readable(struct db *db, const struct principal *who, int64_t file_id, bool *ok,
                   struct err *e)
{
	struct file_info fi;
	struct err notfound = ERR_INIT;

	*ok = false;
	if (load_row(db, who->org_id, file_id, &fi, NULL, &notfound))
		return notfound.kind == ERR_NOT_FOUND
		           ? 0
		           : err_set(e, notfound.kind, "%s", notfound.msg);
	return may_read(db, who, &fi, ok, e);
}

int files_get(struct db *db, const struct principal *who, int64_t file_id, struct file_info *fi,
              struct err *e)
{
	bool ok;

	if (load_row(db, who->org_id, file_id, fi, NULL, e) || may_read(db, who, fi, &ok, e))
		return -1;
	return ok ? 0 : err_set(e, ERR_NOT_FOUND, "文件不存在");
}

int files_open_blob(struct db *db, const struct file_info *fi, struct err *e)
{
	char path[FILES_PATH_MAX];
	struct stat sb;
	int fd;

	if (blob_path(db_uri(db), fi->sm3, false, path, sizeof path, e))
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_internal(e, "stored file %s of file %" PRId64 ": %s", path, fi->id,
		                    strerror(errno));
	if (fstat(fd, &sb) != 0 || sb.st_size != fi->size) {
		close(fd);
		return err_internal(e, "stored file %s of file %" PRId64 " has the wrong size",
		                    path, fi->id);
	}
	return fd;
}

/* Links */

static int link_kind_check(const char *kind, struct err *e)
{
	size_t n = kind ? strlen(kind) : 0;

	if (n == 0 || n > FILES_LINK_KIND_MAX)
		return err_internal(e, "file link kind '%s' invalid", kind ? kind : "");
	return 0;
}

int files_attach(struct db *db, int64_t file_id, const char *kind, int64_t object_id, struct err *e)
{
	int64_t one;
	bool found;

	if (link_kind_check(kind, e))
		return -1;
	if (db_query_int(db, e, &one, &found, "SELECT 1 FROM file WHERE id = $1", "I", file_id))
		return -1;
	if (!found)
		return err_field(e, ERR_VALIDATION, "file_id", "附件不存在（文件 %" PRId64 "）",
		                 file_id);
	return db_execf(
	           db, e,
	           "INSERT INTO file_link (file_id, kind, object_id, created_at)"
	           " VALUES ($1, $2, $3, $4) ON CONFLICT (file_id, kind, object_id) DO NOTHING",
	           "IsII", file_id, kind, object_id, time_now()) < 0
	           ? -1
	           : 0;
}

int files_detach(struct db *db, int64_t file_id, const char *kind, int64_t object_id, struct err *e)
{
	if (link_kind_check(kind, e))
		return -1;
	return db_execf(db, e,
	                "DELETE FROM file_link WHERE file_id = $1 AND kind = $2 AND object_id = $3",
	                "IsI", file_id, kind, object_id) < 0
	           ? -1
	           : 0;
}

json_t *files_of_object(struct db *db, int64_t org_id, const char *kind, int64_t object_id,
                        struct err *e)
{
	struct db_stmt *st;
	json_t *items;
	int rc;

	if (link_kind_check(kind, e))
		return NULL;
	st = db_query(
	    db, e,
	    "SELECT f.id, f.sm3, f.size, f.kind, f.mime, f.name, f.uploader_id, f.created_at"
	    " FROM file_link l JOIN file f ON f.id = l.file_id"
	    " WHERE l.kind = $1 AND l.object_id = $2 AND f.org_id = $3"
	    " ORDER BY l.created_at, f.id",
	    "sII", kind, object_id, org_id);
	if (st == NULL)
		return NULL;
	items = json_array();
	while ((rc = db_step(st, e)) == DB_ROW) {
		struct file_info fi = {.id = db_col_int(st, 0), .org_id = org_id};
		snprintf(fi.sm3, sizeof fi.sm3, "%s", db_col_text(st, 1));
		fi.size = db_col_int(st, 2);
		snprintf(fi.kind, sizeof fi.kind, "%s", db_col_text(st, 3));
		snprintf(fi.mime, sizeof fi.mime, "%s", db_col_text(st, 4));
		snprintf(fi.name, sizeof fi.name, "%s", db_col_text(st, 5));
		fi.uploader_id = db_col_int(st, 6);
		json_array_append_new(items, files_info_json(&fi, db_col_int(st, 7)));
	}
	db_reset(st);
	if (rc < 0) {
		json_decref(items);
		return NULL;
	}
	return items;
}

/* Verification */

/* 0 intact, 1 changed, 2 vanished, -1 error. */
static int verify_blob(const char *db_uri, const char *sm3, int64_t size, struct err *e)
{
	char path[FILES_PATH_MAX], hex[FILES_SM3_HEX];
	struct stat sb;
	int fd, rc;

	if (blob_path(db_uri, sm3, false, path, sizeof path, e))
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 2 : err_internal(e, "open %s: %s", path, strerror(errno));
	if (fstat(fd, &sb) != 0 || sb.st_size != size) {
		close(fd);
		return 1;
	}
	rc = files_sm3_fd(fd, (uint64_t)size, hex, e);
	close(fd);
	if (rc)
		return -1;
	return strcmp(hex, sm3) == 0 ? 0 : 1;
}

static void verify_report(struct db *db, const char *sm3, int what, FILE *out)
{
	struct err e = ERR_INIT;
	struct db_stmt *st;

	fprintf(out, "%s：%s\n", what == 1 ? "已改变" : "已丢失", sm3);
	st = db_query(db, &e, "SELECT id, name FROM file WHERE sm3 = $1 ORDER BY id", "s", sm3);
	if (st == NULL)
		return;
	while (db_step(st, &e) == DB_ROW)
		fprintf(out, "  文件 %" PRId64 "「%s」\n", db_col_int(st, 0), db_col_text(st, 1));
	db_reset(st);
}

int files_verify(const char *db_uri_s, FILE *out, int64_t *checked, int64_t *bad, struct err *e)
{
	struct db *db = db_open(db_uri_s, e);
	struct db_stmt *st;
	json_t *blobs = NULL;
	size_t i;
	int rc = -1;

	*checked = *bad = 0;
	if (db == NULL)
		return -1;
	/* the list first, so the per-blob report queries do not disturb the cursor */
	st = db_query(db, e, "SELECT DISTINCT sm3, size FROM file ORDER BY sm3", NULL);
	if (st == NULL)
		goto out;
	blobs = json_array();
	while ((rc = db_step(st, e)) == DB_ROW)
		json_array_append_new(
		    blobs, json_pack("[s, I]", db_col_text(st, 0), (json_int_t)db_col_int(st, 1)));
	db_reset(st);
	if (rc < 0)
		goto out;
	for (i = 0; i < json_array_size(blobs); i++) {
		json_t *b = json_array_get(blobs, i);
		const char *sm3 = json_string_value(json_array_get(b, 0));
		int what = verify_blob(db_uri_s, sm3, json_integer_value(json_array_get(b, 1)), e);
		if (what < 0) {
			rc = -1;
			goto out;
		}
		(*checked)++;
		if (what > 0) {
			(*bad)++;
			verify_report(db, sm3, what, out);
		}
	}
	rc = *bad ? 1 : 0;
out:
	json_decref(blobs);
	db_close(db);
	return rc;
}

int files_cli(int argc, char **argv)
{
	struct err e = ERR_INIT;
	const char *db = NULL;
	int64_t checked, bad;
	int rc;

	if (argc < 1 || strcmp(argv[0], "verify") != 0) {
		fputs("用法：jianwu files verify --db PATH\n", stderr);
		return 2;
	}
	for (int i = 1; i < argc; i += 2) {
		if (strcmp(argv[i], "--db") != 0 || i + 1 >= argc) {
			fprintf(stderr, "jianwu: 无法识别的参数：%s\n", argv[i]);
			return 2;
		}
		db = argv[i + 1];
	}
	if (db == NULL) {
		fputs("jianwu: 缺少参数 --db\n", stderr);
		return 2;
	}
	rc = files_verify(db, stdout, &checked, &bad, &e);
	if (rc < 0) {
		fprintf(stderr, "jianwu: 附件校验失败：%s\n", e.msg);
		return 1;
	}
	printf("已校验 %" PRId64 " 个存储文件：完好 %" PRId64 "，已改变或丢失 %" PRId64 "\n",
	       checked, checked - bad, bad);
	return rc;
}
