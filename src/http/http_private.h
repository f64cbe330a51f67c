/*
 * http_private.h - what server.c, router.c, request.c and static.c share. Not for modules.
 */
#ifndef JW_HTTP_PRIVATE_H
#define JW_HTTP_PRIVATE_H

#include "http/http.h"
#include "core/buf.h"

#include <microhttpd.h>
#include <stdint.h>

#define RESP_HEADERS_MAX 8

/* Per-request context: lives from the first handler call to MHD's completion notice. */
struct rctx {
	struct req req;
	struct MHD_Connection *conn;
	char *url;
	char *method;
	char ip[48];
	struct buf body;
	uint64_t body_seen;
	uint64_t
	    discard_max; /* beyond this many body bytes a refused request is answered at once */
	int upload_fd;   /* ROUTE_UPLOAD: where the body goes (struct module.upload_open) */
	uint64_t upload_max;
	struct err early; /* refusal decided while reading headers or body */
	enum session_after session_after; /* what the cookie session needs once the tx ended */
	bool answer_now;
	int answered_status;

	char *pnames[HTTP_ROUTE_PARAMS_MAX];
	char *pvalues[HTTP_ROUTE_PARAMS_MAX];
	int nparams;

	int nheaders;
	char *hname[RESP_HEADERS_MAX];
	char *hvalue[RESP_HEADERS_MAX];

	bool raw_set;
	struct buf raw;
	char raw_type[96];
	int raw_fd;
	uint64_t raw_size;
	struct MHD_Response *static_resp;
};

struct route_ref {
	const struct route *route;
	const struct module *module;
};

struct server_state {
	const struct server_config *cfg;
	struct route_ref *routes;
	size_t route_count;
	const struct module *const *modules;
	size_t module_count;
	char *web_root; /* realpath of the UI directory, or NULL */
};

int server_state_init(struct server_state *s, const struct server_config *cfg,
                      const struct module *const *modules, size_t module_count, struct err *e);
void server_state_free(struct server_state *s);

struct rctx *rctx_new(struct MHD_Connection *conn, const char *url, const char *method);
void rctx_free(struct rctx *c);

/* Matches, authenticates, authorises and runs the handler (router.c). */
int dispatch(struct server_state *s, struct rctx *c, struct err *e);
/* Headers of a ROUTE_UPLOAD request are in: authenticate, authorise and open the module's upload
 * descriptor (router.c). Does nothing for other routes. */
int upload_begin(struct server_state *s, struct rctx *c, struct err *e);
/* Matches a pattern against a path, filling parameters; exposed for unit tests. */
bool route_match(const char *pattern, const char *path, struct rctx *c);

/* Serves a file of the built UI (static.c); 0 and c->static_resp set, or -1 with e. */
int static_serve(struct server_state *s, struct rctx *c, struct err *e);

json_t *error_json(const struct err *e);
/* Appends v as compact JSON (json_out.c). */
void json_emit(struct buf *b, const json_t *v);

#endif
