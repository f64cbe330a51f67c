/*
 * request.c - the per-request context and the req_* accessors modules use.
 */
#include "http/http_private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct rctx *rctx_new(struct MHD_Connection *conn, const char *url, const char *method)
{
	struct rctx *c = calloc(1, sizeof *c);

	if (c == NULL)
		abort();
	c->conn = conn;
	c->url = strdup(url);
	c->method = strdup(method);
	c->body = (struct buf)BUF_INIT;
	c->raw = (struct buf)BUF_INIT;
	c->raw_fd = -1;
	c->upload_fd = -1;
	c->req.method = c->method;
	c->req.path = c->url;
	c->req.ip = c->ip;
	c->req.status = 200;
	c->req.impl = c;
	return c;
}

void rctx_free(struct rctx *c)
{
	for (int i = 0; i < c->nparams; i++) {
		free(c->pnames[i]);
		free(c->pvalues[i]);
	}
	for (int i = 0; i < c->nheaders; i++) {
		free(c->hname[i]);
		free(c->hvalue[i]);
	}
	if (c->raw_fd >= 0)
		close(c->raw_fd);
	if (c->upload_fd >= 0)
		close(c->upload_fd);
	json_decref(c->req.json);
	json_decref(c->req.body);
	buf_free(&c->body);
	buf_free(&c->raw);
	free(c->url);
	free(c->method);
	free(c);
}

const char *req_param(struct req *r, const char *name)
{
	struct rctx *c = r->impl;

	for (int i = 0; i < c->nparams; i++)
		if (strcmp(c->pnames[i], name) == 0)
			return c->pvalues[i];
	return NULL;
}

int req_param_id(struct req *r, const char *name, int64_t *out, struct err *e)
{
	const char *s = req_param(r, name);
	char *end;
	long long v;

	if (s == NULL || *s < '1' || *s > '9' || strlen(s) > 18)
		return err_set(e, ERR_NOT_FOUND, "记录不存在");
	v = strtoll(s, &end, 10);
	if (*end)
		return err_set(e, ERR_NOT_FOUND, "记录不存在");
	*out = v;
	return 0;
}

const char *req_query(struct req *r, const char *key)
{
	struct rctx *c = r->impl;
	const char *v = MHD_lookup_connection_value(c->conn, MHD_GET_ARGUMENT_KIND, key);

	return v && *v ? v : NULL;
}

static int query_int(struct req *r, const char *key, int64_t dflt, int64_t min, int64_t max,
                     int64_t *out, struct err *e)
{
	const char *s = req_query(r, key);
	char *end;
	long long v;

	if (s == NULL) {
		*out = dflt;
		return 0;
	}
	v = strtoll(s, &end, 10);
	if (*end || end == s || v < min || v > max)
		return err_field(e, ERR_BAD_REQUEST, key, "参数 %s 应为 %lld 到 %lld 之间的整数",
		                 key, (long long)min, (long long)max);
	*out = v;
	return 0;
}

int req_paging(struct req *r, int64_t *limit, int64_t *offset, struct err *e)
{
	if (query_int(r, "limit", HTTP_QUERY_LIMIT_DEFAULT, 1, HTTP_QUERY_LIMIT_MAX, limit, e))
		return -1;
	return query_int(r, "offset", 0, 0, INT32_MAX, offset, e);
}

const char *req_header(struct req *r, const char *name)
{
	struct rctx *c = r->impl;

	return MHD_lookup_connection_value(c->conn, MHD_HEADER_KIND, name);
}

const char *req_cookie(struct req *r, const char *name)
{
	struct rctx *c = r->impl;

	return MHD_lookup_connection_value(c->conn, MHD_COOKIE_KIND, name);
}

const char *req_body_raw(struct req *r, size_t *len)
{
	struct rctx *c = r->impl;

	*len = c->body.len;
	return c->body.data;
}

int req_upload(struct req *r, uint64_t *size, struct err *e)
{
	struct rctx *c = r->impl;

	if (c->upload_fd < 0)
		return err_set(e, ERR_BAD_REQUEST, "没有收到上传的文件内容");
	*size = c->body_seen;
	return c->upload_fd;
}

void req_reply(struct req *r, int status, json_t *json)
{
	json_decref(r->json);
	r->status = status;
	r->json = json;
}

void req_set_header(struct req *r, const char *name, const char *value)
{
	struct rctx *c = r->impl;

	if (c->nheaders >= RESP_HEADERS_MAX)
		return;
	c->hname[c->nheaders] = strdup(name);
	c->hvalue[c->nheaders] = strdup(value);
	c->nheaders++;
}

void req_send_bytes(struct req *r, int status, const char *content_type, const void *data,
                    size_t len)
{
	struct rctx *c = r->impl;

	r->status = status;
	c->raw_set = true;
	buf_reset(&c->raw);
	buf_add(&c->raw, data, len);
	snprintf(c->raw_type, sizeof c->raw_type, "%s", content_type);
}

/* RFC 5987: filename*=UTF-8''percent-encoded, plus an ASCII fallback. */
static void content_disposition(const char *filename, struct buf *out)
{
	static const char keep[] = "-._~";

	buf_adds(out, "attachment; filename=\"download\"; filename*=UTF-8''");
	for (const unsigned char *p = (const unsigned char *)filename; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || (*p && strchr(keep, *p)))
			buf_addc(out, (char)*p);
		else
			buf_addf(out, "%%%02X", *p);
	}
}

void req_send_fd(struct req *r, int fd, uint64_t size, const char *content_type,
                 const char *filename)
{
	struct rctx *c = r->impl;

	if (c->raw_fd >= 0)
		close(c->raw_fd);
	c->raw_fd = fd;
	c->raw_size = size;
	snprintf(c->raw_type, sizeof c->raw_type, "%s", content_type);
	if (filename) {
		struct buf cd = BUF_INIT;
		content_disposition(filename, &cd);
		req_set_header(r, "Content-Disposition", cd.data);
		buf_free(&cd);
	}
}

void req_audit_object(struct req *r, const char *type, int64_t id)
{
	snprintf(r->audit_object_type, sizeof r->audit_object_type, "%s", type);
	snprintf(r->audit_object_id, sizeof r->audit_object_id, "%lld", (long long)id);
}

json_t *json_list(json_t *items, int64_t total)
{
	return json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)total);
}
