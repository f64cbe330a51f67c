/*
 * files_api.c - /api/v1/files: upload (the raw body, streamed to disk by the server: ROUTE_UPLOAD),
 * download with the original name (RFC 5987) and metadata. Every business role may upload; a
 * file is read on a need-to-know basis (files.h), else it does not exist (404).
 *
 * Upload: POST /api/v1/files?name=<original file name, URL-encoded UTF-8> with the file as the
 * body (any Content-Type; the type is decided from the content). 201 with the file's metadata.
 */
#include "files/files.h"
#include "core/utf8.h"
#include "http/http.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *upload_name(struct req *r, struct err *e)
{
	const char *name = req_query(r, "name");

	if (name == NULL) {
		err_field(e, ERR_VALIDATION, "name", "请在地址参数 name 中提供原文件名");
		return NULL;
	}
	return files_name_check(name, e) ? NULL : name;
}

/* struct module.upload_open: before the body arrives. */
static int files_upload_open(struct req *r, uint64_t *max_bytes, struct err *e)
{
	if (upload_name(r, e) == NULL)
		return -1;
	*max_bytes = files_max_bytes(r->db, r->who.org_id);
	return files_spool_open(r->db, e);
}

static int post_file(struct req *r, struct err *e)
{
	const char *name = upload_name(r, e);
	uint64_t size;
	json_t *j = NULL;
	bool dedup = false;
	size_t cut;
	int fd;

	if (name == NULL || (fd = req_upload(r, &size, e)) < 0)
		return -1;
	if (files_store(r->db, &r->who, fd, size, name, &j, &dedup, e))
		return -1;
	req_audit_object(r, "file", (int64_t)json_integer_value(json_object_get(j, "id")));
	snprintf(r->audit_detail, sizeof r->audit_detail, "%.16s %s ",
	         json_string_value(json_object_get(j, "sm3")),
	         json_string_value(json_object_get(j, "type")));
	cut =
	    utf8_truncate(name, strlen(name), sizeof r->audit_detail - strlen(r->audit_detail) - 1);
	strncat(r->audit_detail, name, cut);
	req_reply(r, 201, j);
	return 0;
}

static int get_file(struct req *r, struct err *e)
{
	struct file_info fi;
	char name[FILES_NAME_MAX + 16];
	int64_t id;
	int fd;

	if (req_param_id(r, "id", &id, e) || files_get(r->db, &r->who, id, &fi, e))
		return -1;
	if ((fd = files_open_blob(r->db, &fi, e)) < 0)
		return -1;
	files_download_name(&fi, name, sizeof name);
	req_send_fd(r, fd, (uint64_t)fi.size, fi.mime, name);
	return 0;
}

static int get_file_meta(struct req *r, struct err *e)
{
	struct file_info fi;
	int64_t id, created = 0;
	bool found;

	if (req_param_id(r, "id", &id, e) || files_get(r->db, &r->who, id, &fi, e))
		return -1;
	if (db_query_int(r->db, e, &created, &found, "SELECT created_at FROM file WHERE id = $1",
	                 "I", id))
		return -1;
	req_reply(r, 200, files_info_json(&fi, created));
	return 0;
}

static const struct route files_routes[] = {
    {"POST", "/api/v1/files", post_file, ROUTE_UPLOAD, ROLES_BUSINESS, "file.upload"},
    {"GET", "/api/v1/files/{id}", get_file, 0, ROLES_BUSINESS, NULL},
    {"GET", "/api/v1/files/{id}/meta", get_file_meta, 0, ROLES_BUSINESS, NULL},
};

const struct module files_module = {
    .name = "files",
    .routes = files_routes,
    .route_count = sizeof files_routes / sizeof files_routes[0],
    .upload_open = files_upload_open,
};
