/*
 * docs_api.h - private to src/docs: query-string helpers shared by the route files, and the 发文
 * handlers (outgoing_api.c) that docs_api.c puts into the one route table of docs_module.
 */
#ifndef JW_DOCS_API_H
#define JW_DOCS_API_H

#include "core/buf.h"
#include "http/http.h"

#include <stdbool.h>
#include <stdint.h>

/* ?key=N within [min, max]; absent leaves *out unchanged. ERR_BAD_REQUEST otherwise. */
int docs_query_int(struct req *r, const char *key, const char *label, int64_t min, int64_t max,
                   int64_t *out, struct err *e);
/* Sends {"items": <items>, "total": N} when rc is 0 (items: a JSON array text); frees items.
 * Returns rc. */
int docs_send_list(struct req *r, int rc, struct buf *items, int64_t total);
/* ?key=1 or ?key=true */
bool docs_query_flag(struct req *r, const char *key);
/* ?key=<code> through a code table; absent leaves *out unchanged. */
int docs_query_code(struct req *r, const char *key, const char *label,
                    int (*from_code)(const char *), int *out, struct err *e);
/* ?doc_type= by code or Chinese name; *code is the code. */
int docs_query_doc_type(struct req *r, const char **code, struct err *e);

int outgoing_api_list(struct req *r, struct err *e);
int outgoing_api_create(struct req *r, struct err *e);
int outgoing_api_get(struct req *r, struct err *e);
int outgoing_api_update(struct req *r, struct err *e);
int outgoing_api_action(struct req *r, struct err *e);
int outgoing_api_versions(struct req *r, struct err *e);
int outgoing_api_version(struct req *r, struct err *e);
int outgoing_api_compare(struct req *r, struct err *e);

/* Anyone doing business work may draft; the rest is need-to-know and the step's rules. */
#define OUTGOING_ROUTES                                                                             \
	{"GET", "/api/v1/outgoing", outgoing_api_list, 0, ROLES_BUSINESS, NULL},                    \
	    {"POST", "/api/v1/outgoing", outgoing_api_create, 0, ROLES_BUSINESS, "outgoing.draft"}, \
	    {"GET", "/api/v1/outgoing/{id}", outgoing_api_get, 0, ROLES_BUSINESS, NULL},            \
	    {"PATCH", "/api/v1/outgoing/{id}", outgoing_api_update,                                 \
	     0,       ROLES_BUSINESS,          "outgoing.update"},                                  \
	    {"POST",                                                                                \
	     "/api/v1/outgoing/{id}/actions",                                                       \
	     outgoing_api_action,                                                                   \
	     0,                                                                                     \
	     ROLES_BUSINESS,                                                                        \
	     "outgoing.action"},                                                                    \
	    {"GET", "/api/v1/outgoing/{id}/versions", outgoing_api_versions, 0, ROLES_BUSINESS,     \
	     NULL},                                                                                 \
	    {"GET", "/api/v1/outgoing/{id}/versions/{no}", outgoing_api_version, 0, ROLES_BUSINESS, \
	     NULL},                                                                                 \
	{                                                                                           \
		"GET", "/api/v1/outgoing/{id}/compare", outgoing_api_compare, 0, ROLES_BUSINESS,    \
		    NULL                                                                            \
	}

#endif
