/*
 * files.h - attachments: uploads streamed to disk, content-addressed by SM3, de-duplicated, typed
 * from their content, and read only on a need-to-know basis.
 *
 * Storage: the files directory is "<directory of the SQLite database>/files". A stored blob is
 * named by its SM3 digest (64 hex digits): files/ab/cdef... (the first two digits are the
 * subdirectory). Identical content is stored once, however many uploads (file rows) name it.
 * A blob is written completely and fsync'ed before it gets its name, so a name always holds a
 * whole file; blobs are never modified afterwards (mode 0440), and `jianwu files verify`
 * re-hashes them to prove it. Uploads in progress live as unnamed files (O_TMPFILE) in
 * files/tmp and vanish if the request fails.
 *
 * A file row is one upload: org, digest, size, detected type, the original file name exactly as
 * given (UTF-8, at most FILES_NAME_MAX bytes, no control characters; it is never used as a path,
 * only sent back in Content-Disposition), uploader and time.
 *
 * Type: libmagic looks at the content; the result must be one of the allowed kinds (pdf, ofd,
 * doc, docx, wps, xls, xlsx, jpg, png, tif, txt, zip), else 415. The file name's extension only
 * tells apart formats that share a container (OFD and ZIP; WPS, DOC and XLS in OLE files).
 *
 * Need-to-know: a file is readable by its uploader, and by whoever may see an object it is
 * attached to (file_link (file_id, kind, object_id)): the office and leader roles of its org, or
 * a user with an acl row for that object (the contract of src/docs/acl.h). Anything else: 404.
 *
 * Functions taking a struct db run inside the caller's transaction unless noted.
 */
#ifndef JW_FILES_H
#define JW_FILES_H

#include "auth/auth.h"
#include "core/err.h"
#include "db/db.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Upload limit unless configured; a configured limit is capped at the ceiling. */
#define FILES_MAX_BYTES_DEFAULT (50ull * 1024 * 1024)
#define FILES_MAX_BYTES_CEILING (2ull * 1024 * 1024 * 1024)
/* Per-org setting (table setting) holding the upload limit in bytes. */
#define FILES_SETTING_MAX_BYTES "files.max_bytes"
#define FILES_NAME_MAX          255           /* bytes of an original file name */
#define FILES_SNIFF_BYTES       (1024 * 1024) /* bytes of content libmagic looks at */
#define FILES_SM3_HEX           65            /* 64 hex digits + NUL */
#define FILES_LINK_KIND_MAX     32            /* "incoming", "outgoing", "task", ... */
#define FILES_PATH_MAX          4096

struct file_info {
	int64_t id;
	int64_t org_id;
	int64_t size;
	int64_t uploader_id;
	char sm3[FILES_SM3_HEX];
	char kind[16]; /* "pdf" */
	char mime[96]; /* the Content-Type it is served with */
	char name[FILES_NAME_MAX + 1];
};

/* "<db dir>/files" for the store at db_uri. ERR_BAD_REQUEST for a store without a directory. */
int files_dir_for(const char *db_uri, char *out, size_t outlen, struct err *e);
/* The upload limit of an org (setting FILES_SETTING_MAX_BYTES, else the default). Runs outside a
 * transaction too. */
uint64_t files_max_bytes(struct db *db, int64_t org_id);

/* A new unnamed file in files/tmp to upload into; the descriptor (>= 0) or -1 with e. */
int files_spool_open(struct db *db, struct err *e);

/* Checks an original file name: valid UTF-8 (the caller ensures it), 1..FILES_NAME_MAX bytes, no
 * control characters. */
int files_name_check(const char *name, struct err *e);
/* Decides the kind from content (head: the first bytes, len of them; name: the original name for
 * its extension). Sets *kind ("pdf") and *mime (the Content-Type to serve), both static strings.
 * ERR_UNSUPPORTED_MEDIA (415) with a Chinese message naming what was detected; ERR_VALIDATION for
 * an empty file. Thread-safe (one libmagic handle per thread). */
int files_sniff(const void *head, size_t len, const char *name, const char **kind,
                const char **mime, struct err *e);
/* SM3 of the first size bytes of fd (read with pread), as 64 lowercase hex digits. */
int files_sm3_fd(int fd, uint64_t size, char hex[FILES_SM3_HEX], struct err *e);

/*
 * Stores an upload: fd holds size bytes (the spool file). Hashes, sniffs, gives the blob its
 * content name unless identical content is already stored, and inserts the file row of `who`.
 * *dedup says whether the content was already there. Returns the new file's metadata as JSON
 * (new reference) in *out.
 */
int files_store(struct db *db, const struct principal *who, int fd, uint64_t size, const char *name,
                json_t **out, bool *dedup, struct err *e);

/* The metadata of a file the caller may read; ERR_NOT_FOUND otherwise (also for other orgs). */
int files_get(struct db *db, const struct principal *who, int64_t file_id, struct file_info *fi,
              struct err *e);
/* May who read the file? Never an error for "no": *ok = false. */
int files_readable(struct db *db, const struct principal *who, int64_t file_id, bool *ok,
                   struct err *e);
/* Opens the stored blob of fi for reading; the descriptor or -1 (ERR_INTERNAL if it vanished). */
int files_open_blob(struct db *db, const struct file_info *fi, struct err *e);
/* The name a download is saved under: the original name, plus the extension of the detected
 * kind when the name's own extension is not one of that kind's ("页面.html" holding plain text
 * downloads as "页面.html.txt"), so that a saved file never opens as something it is not. */
void files_download_name(const struct file_info *fi, char *out, size_t outlen);
/* The metadata of a file as the API shows it (new reference). */
json_t *files_info_json(const struct file_info *fi, int64_t created_at);

/*
 * Attachments, for the modules that own objects (documents, tasks). files_attach links a file to
 * (kind, object_id): everyone who may see that object may then read the file. The caller
 * decides whether the object may carry attachments at all (e.g. documents refuse them for 秘密
 * and above on a non-classified network) and must check, with files_readable(), that the user
 * who names the file may read it (which also proves it is in the user's org): otherwise a user
 * could expose someone else's file by attaching its id. ERR_VALIDATION (field "file_id") if the
 * file does not exist. Linking twice is a no-op.
 */
int files_attach(struct db *db, int64_t file_id, const char *kind, int64_t object_id,
                 struct err *e);
int files_detach(struct db *db, int64_t file_id, const char *kind, int64_t object_id,
                 struct err *e);
/* The files attached to an object, oldest first, as a JSON array of files_info_json objects. */
json_t *files_of_object(struct db *db, int64_t org_id, const char *kind, int64_t object_id,
                        struct err *e);

/*
 * Re-hashes every stored blob of the store at db_uri (all orgs) and writes one line per blob that
 * changed or vanished to out, then a summary. Opens its own connection. Returns 0 if all are
 * intact, 1 if any changed or vanished, -1 on error.
 */
int files_verify(const char *db_uri, FILE *out, int64_t *checked, int64_t *bad, struct err *e);
/* `jianwu files verify --db PATH`: exit status 0 intact, 1 changed/vanished or error, 2 usage. */
int files_cli(int argc, char **argv);

struct module;
extern const struct module files_module; /* files_api.c */

#endif
