/*
 * http.h - requests, responses and routes, as seen by module code. Only src/http/ includes
 * microhttpd.h; modules see this header and nothing of MHD.
 *
 * A module exposes a route table (struct route[]) through a struct module (src/modules.c lists
 * them). The server matches method + pattern, authenticates, checks the route's roles, runs the
 * handler, and maps its result to a response:
 *   - handler returns 0: the response is r->status (default 200) and r->json (may be NULL: {}),
 *     or a raw body/file set with req_send_*.
 *   - handler returns -1 with e filled: the JSON error shape of architecture.md §4.
 * State-changing routes (anything but GET/HEAD) run inside one write transaction together with
 * their audit row; a handler that fails is rolled back unless it set r->commit_on_error (sign-in
 * failures must persist for the lockout). GET handlers run inside a read snapshot.
 *
 * Memory: r->json belongs to the request and is released after sending. Strings from req_param(),
 * req_query() and req_header() live until the request ends. r->body is borrowed.
 */
#ifndef JW_HTTP_H
#define JW_HTTP_H

#include "auth/auth.h"
#include "core/err.h"
#include "core/limits.h"
#include "db/db.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* Route flags */
#define ROUTE_PUBLIC     0x01u /* no authentication (health, sign-in) */
#define ROUTE_PW_EXPIRED 0x02u /* allowed while the password must be changed */
#define ROUTE_NO_AUDIT   0x04u /* state-changing but audited by the handler itself */
#define ROUTE_RAW_BODY   0x08u /* body is not JSON: handler reads req_body_raw() */
#define ROUTE_UPLOAD     0x10u /* body streamed to disk, not memory: see struct module.upload_open */
#define ROUTE_AUDIT_READ 0x20u /* a GET worth a trace (exports, printed copies): audited after it */

struct req;

struct route {
	const char *method;  /* "GET", "POST", "PATCH", "PUT", "DELETE" */
	const char *pattern; /* "/api/v1/users/{id}": {name} matches one path segment */
	int (*handler)(struct req *r, struct err *e);
	unsigned flags;
	unsigned roles;     /* enum role bits allowed; 0 = any signed-in user */
	const char *action; /* audit action, "user.create" */
};

struct module {
	const char *name;
	const struct route *routes;
	size_t route_count;
	/* Optional: called once at server start (e.g. a scheduler thread) and at stop. */
	int (*start)(const char *db_uri, struct err *e);
	void (*stop)(void);
	/* Optional: `jianwu demo` fills the org with this module's realistic data (in a
	 * transaction). */
	int (*demo)(struct db *db, int64_t org_id, struct err *e);
	/*
	 * Required by ROUTE_UPLOAD routes (file uploads larger than HTTP_BODY_MAX). Called once the
	 * request headers are in and the caller is authenticated and authorised for the route,
	 * before any body byte is read, outside a transaction (r->who, r->db and path parameters
	 * are set). Returns a descriptor open for writing, to which the server writes the raw body
	 * as it arrives (the server closes it when the request ends), and sets *max_bytes: a longer
	 * body gets 413 (announced by Content-Length: at once). -1 with e refuses the upload. The
	 * handler then runs as usual and finds the body with req_upload().
	 */
	int (*upload_open)(struct req *r, uint64_t *max_bytes, struct err *e);
};

struct req {
	/* request */
	const char *method;
	const char *path;
	const struct route *route;
	json_t *body; /* parsed JSON object for requests with a JSON body, else NULL */
	const char *ip;
	struct db *db;
	struct principal who; /* zeroed for public routes without a session */
	bool authenticated;

	/* response */
	int status;
	json_t *json;
	bool commit_on_error;

	/* audit: the server fills action/actor/result; handlers name the object */
	char audit_object_type[32];
	char audit_object_id[32];
	char audit_detail[256];

	void *impl; /* private to src/http */
};

/* Path parameter by name ("id" for {id}); NULL if absent. */
const char *req_param(struct req *r, const char *name);
/* Path parameter as a positive id; -1 with ERR_NOT_FOUND if malformed. */
int req_param_id(struct req *r, const char *name, int64_t *out, struct err *e);
/* Query-string value, NULL if absent. */
const char *req_query(struct req *r, const char *key);
/* ?limit= and ?offset= with the list defaults and maximum of architecture.md §4. */
int req_paging(struct req *r, int64_t *limit, int64_t *offset, struct err *e);
const char *req_header(struct req *r, const char *name);
const char *req_cookie(struct req *r, const char *name);
/* Raw request body (ROUTE_RAW_BODY routes). */
const char *req_body_raw(struct req *r, size_t *len);
/* ROUTE_UPLOAD routes: the descriptor from upload_open (borrowed; its offset is unspecified, read
 * it with pread) holding *size body bytes. -1 with ERR_BAD_REQUEST if the request has none. */
int req_upload(struct req *r, uint64_t *size, struct err *e);

/* Responses */
void req_reply(struct req *r, int status, json_t *json); /* steals json */
void req_set_header(struct req *r, const char *name, const char *value);
/* A raw body (copied) with its content type, e.g. a PDF or an .ics feed. */
void req_send_bytes(struct req *r, int status, const char *content_type, const void *data,
                    size_t len);
/* A file streamed from an open descriptor (the server closes it). filename may be NULL; when set
 * it is sent as an RFC 5987 attachment name. */
void req_send_fd(struct req *r, int fd, uint64_t size, const char *content_type,
                 const char *filename);
void req_audit_object(struct req *r, const char *type, int64_t id);

/* {"items": items, "total": total}; steals items. */
json_t *json_list(json_t *items, int64_t total);

struct server_config {
	const char *db_uri;
	const char *listen;  /* "127.0.0.1:8080" */
	const char *web_dir; /* built UI, or NULL */
	unsigned threads;
	unsigned idle_timeout_s; /* 0 = HTTP_IDLE_TIMEOUT_S */
};

/* Runs until SIGTERM/SIGINT; prints "jianwu: listening on http://HOST:PORT" on stdout. */
int server_run(const struct server_config *cfg, const struct module *const *modules,
               size_t module_count, struct err *e);

#endif
