/*
 * router.c - from a matched route to an answer: authentication, CSRF, password-change gate,
 * roles, JSON body, transaction and audit row. The order of checks is the security policy:
 * 404/405 before 401 would leak the route list only, which is public anyway.
 *
 * Transactions: a GET runs in a read snapshot of the thread's connection. A state change runs,
 * from authentication to its audit row, in its own savepoint of the write transaction that
 * concurrent state changes share (db_group_begin/db_group_end, db.h: group commit); r->db is then
 * the store's writer connection, valid until the savepoint ends. A failure rolls back to the
 * savepoint (only this request's changes go) and its trace is written in a savepoint of its own.
 * The answer is queued only after the shared transaction committed.
 */
#include "http/http_private.h"
#include "audit/audit.h"
#include "core/log.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SESSION_COOKIE "jw_session"

int server_state_init(struct server_state *s, const struct server_config *cfg,
                      const struct module *const *modules, size_t module_count, struct err *e)
{
	size_t n = 0, k = 0;

	memset(s, 0, sizeof *s);
	s->cfg = cfg;
	s->modules = modules;
	s->module_count = module_count;
	for (size_t i = 0; i < module_count; i++)
		n += modules[i]->route_count;
	s->routes = calloc(n ? n : 1, sizeof *s->routes);
	if (s->routes == NULL)
		abort();
	for (size_t i = 0; i < module_count; i++)
		for (size_t j = 0; j < modules[i]->route_count; j++)
			s->routes[k++] = (struct route_ref){&modules[i]->routes[j], modules[i]};
	s->route_count = n;
	if (cfg->web_dir) {
		s->web_root = realpath(cfg->web_dir, NULL);
		if (s->web_root == NULL)
			log_warn("web directory %s not found; serving the API only", cfg->web_dir);
	}
	return 0;
}

void server_state_free(struct server_state *s)
{
	free(s->routes);
	free(s->web_root);
	s->routes = NULL;
	s->web_root = NULL;
}

/*
 * Walks pattern and path together. With c == NULL it only answers whether they match; with c it
 * also copies the parameters. Every request tries many patterns, so the copying is done only for
 * the one that matched.
 * A parameter spans its path segment, less a literal suffix the pattern puts after it in the same
 * segment ("{secret}.ics").
 */
static bool walk_pattern(const char *p, const char *q, struct rctx *c)
{
	while (*p && *q) {
		if (*p == '{') {
			const char *pe = strchr(p, '}');
			size_t seg = strcspn(q, "/"), vlen = seg;
			size_t suffix = pe ? strcspn(pe + 1, "/{") : 0;
			if (pe == NULL)
				return false;
			if (suffix) {
				if (seg <= suffix || memcmp(q + seg - suffix, pe + 1, suffix) != 0)
					return false;
				vlen = seg - suffix;
			}
			if (vlen == 0)
				return false;
			if (c) {
				if (c->nparams >= HTTP_ROUTE_PARAMS_MAX)
					return false;
				c->pvalues[c->nparams] = strndup(q, vlen);
				c->pnames[c->nparams] = strndup(p + 1, (size_t)(pe - p - 1));
				c->nparams++;
			}
			p = pe + 1;
			q += vlen;
			continue;
		}
		if (*p != *q)
			return false;
		p++, q++;
	}
	return *p == '\0' && *q == '\0';
}

static void free_params(struct rctx *c)
{
	for (int i = 0; i < c->nparams; i++) {
		free(c->pvalues[i]);
		free(c->pnames[i]);
	}
	c->nparams = 0;
}

bool route_match(const char *pattern, const char *path, struct rctx *c)
{
	free_params(c); /* an earlier match (upload_begin) */
	if (!walk_pattern(pattern, path, NULL))
		return false;
	if (walk_pattern(pattern, path, c))
		return true;
	free_params(c); /* more parameters than HTTP_ROUTE_PARAMS_MAX */
	return false;
}

static int authenticate(struct rctx *c, struct err *e)
{
	struct req *r = &c->req;
	const char *authz = req_header(r, "Authorization");
	const char *cookie = req_cookie(r, SESSION_COOKIE);
	bool found = false;

	if (authz && strncasecmp(authz, "Bearer ", 7) == 0) {
		if (token_lookup(r->db, authz + 7, &r->who, &found, e))
			return -1;
	} else if (cookie && *cookie) {
		if (session_lookup(r->db, cookie, &r->who, &found, &c->session_after, e))
			return -1;
	}
	r->authenticated = found;
	return 0;
}

static bool is_read(const char *method)
{
	return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
}

/* Session bookkeeping (idle clock, expired rows) after the request's transaction, so that reads
 * never write inside their snapshot. Failures only cost a slightly stale idle clock. */
static void finish_session(struct rctx *c)
{
	struct err e = ERR_INIT;
	const char *cookie = req_cookie(&c->req, SESSION_COOKIE);

	if (c->session_after != SESSION_KEEP && cookie && c->req.db &&
	    session_after_request(c->req.db, cookie, c->session_after, &e))
		log_warn("session bookkeeping failed: %s", e.msg);
	c->session_after = SESSION_KEEP;
}

static int authorise(struct rctx *c, struct err *e)
{
	struct req *r = &c->req;
	const struct route *rt = r->route;
	const char *token;

	if (rt->flags & ROUTE_PUBLIC)
		return 0;
	if (!r->authenticated)
		return err_set(e, ERR_UNAUTHENTICATED, "请先登录（会话不存在或已过期）");
	if (!r->who.via_token && !is_read(r->method)) {
		token = req_header(r, "X-CSRF-Token");
		if (token == NULL || strlen(token) != strlen(r->who.csrf) ||
		    sodium_memcmp(token, r->who.csrf, strlen(token)) != 0)
			return err_set(e, ERR_FORBIDDEN, "安全校验失败（CSRF），请刷新页面后重试");
	}
	if (r->who.must_change && !(rt->flags & ROUTE_PW_EXPIRED))
		return err_set(e, ERR_FORBIDDEN, "请先修改初始密码后再继续操作");
	if (rt->roles && !(r->who.roles & rt->roles))
		return err_set(e, ERR_FORBIDDEN, "您的角色无权执行此操作");
	return 0;
}

static int parse_body(struct rctx *c, struct err *e)
{
	struct req *r = &c->req;
	const char *ctype;
	json_error_t jerr;

	if (c->body.len == 0 || (r->route->flags & ROUTE_RAW_BODY))
		return 0;
	ctype = req_header(r, "Content-Type");
	if (ctype == NULL || strncasecmp(ctype, "application/json", 16) != 0)
		return err_set(e, ERR_UNSUPPORTED_MEDIA,
		               "请求体须为 JSON（Content-Type: application/json）");
	r->body = json_loadb(c->body.data, c->body.len, JSON_REJECT_DUPLICATES, &jerr);
	if (r->body == NULL)
		return err_set(e, ERR_BAD_REQUEST, "JSON 格式错误（第%d行第%d列）：%s", jerr.line,
		               jerr.column,
		               strstr(jerr.text, "duplicate") ? "字段重复"
		               : strstr(jerr.text, "UTF-8")   ? "不是有效的 UTF-8"
		                                              : "无法解析");
	if (!json_is_object(r->body))
		return err_set(e, ERR_BAD_REQUEST, "请求体须为 JSON 对象");
	return 0;
}

static void audit_request(struct rctx *c, const struct err *failure)
{
	struct req *r = &c->req;
	char result[64];
	struct err e = ERR_INIT;
	struct audit_entry a = {
	    .org_id = r->who.org_id,
	    .actor_id = r->who.user_id,
	    .actor = r->who.username[0] ? r->who.username : "",
	    .ip = c->ip,
	    .action = r->route->action ? r->route->action : r->route->pattern,
	    .object_type = r->audit_object_type,
	    .object_id = r->audit_object_id,
	    .result = result,
	    .detail = r->audit_detail,
	};

	if (failure)
		snprintf(result, sizeof result, "fail:%s", err_code(failure->kind));
	else
		snprintf(result, sizeof result, "ok");
	if (audit_append(r->db, &a, &e))
		log_error("audit append failed for %s: %s", a.action, e.msg);
}

/* A trace in a savepoint of its own: failed state changes, and audited reads (failure NULL). */
static void audit_failure(struct rctx *c, const struct err *failure)
{
	struct db *thread_db = c->req.db;
	struct err e = ERR_INIT;

	if (db_group_begin(&c->req.db, &e) == 0) {
		audit_request(c, failure);
		if (db_group_end(c->req.db, true, &e))
			log_error("audit commit failed: %s", e.msg);
	} else {
		log_error("audit begin failed: %s", e.msg);
	}
	c->req.db = thread_db;
}

/* Ends a state change's savepoint (keep or roll back to it) and waits for the shared commit;
 * r->db is the thread's connection again afterwards. */
static int end_write(struct rctx *c, struct db *thread_db, bool keep, struct err *e)
{
	int rc = db_group_end(c->req.db, keep, e);

	c->req.db = thread_db;
	return rc;
}

/* Runs the handler inside the transaction dispatch() opened; commits with the audit row. */
static int run_handler(struct rctx *c, struct db *thread_db, struct err *e)
{
	struct req *r = &c->req;
	bool write = !is_read(r->method);
	bool audit = write && !(r->route->flags & ROUTE_NO_AUDIT);
	int rc;

	rc = r->route->handler(r, e);
	if (!write) {
		if (rc != 0) {
			db_rollback(r->db);
			return -1;
		}
		/* a read snapshot cannot write: commit it, then trace an audited read apart */
		if (db_commit(r->db, e) != 0)
			return -1;
		if (r->route->flags & ROUTE_AUDIT_READ)
			audit_failure(c, NULL);
		return 0;
	}
	if (rc == 0 || r->commit_on_error) {
		if (audit)
			audit_request(c, rc == 0 ? NULL : e);
		if (end_write(c, thread_db, true, rc == 0 ? e : &(struct err)ERR_INIT) != 0)
			return -1;
		return rc;
	}
	end_write(c, thread_db, false, &(struct err)ERR_INIT);
	if (audit)
		audit_failure(c, e);
	return -1;
}

static const struct route_ref *find_route(struct server_state *s, struct rctx *c, bool *path_known)
{
	*path_known = false;
	for (size_t i = 0; i < s->route_count; i++) {
		const struct route *rt = s->routes[i].route;
		if (!route_match(rt->pattern, c->url, c))
			continue;
		if (strcmp(rt->method, c->method) == 0 ||
		    (strcmp(c->method, "HEAD") == 0 && strcmp(rt->method, "GET") == 0))
			return &s->routes[i];
		*path_known = true;
		free_params(c); /* the parameters of the wrong-method match */
	}
	return NULL;
}

int upload_begin(struct server_state *s, struct rctx *c, struct err *e)
{
	struct req *r = &c->req;
	const struct route_ref *ref;
	bool path_known;
	int fd;

	ref = find_route(s, c, &path_known);
	if (ref == NULL || !(ref->route->flags & ROUTE_UPLOAD))
		return 0;
	r->route = ref->route;
	if ((r->db = db_thread(e)) == NULL || authenticate(c, e))
		return -1;
	finish_session(c);
	if (authorise(c, e)) {
		if (!(r->route->flags & ROUTE_NO_AUDIT))
			audit_failure(c, e);
		return -1;
	}
	if (ref->module->upload_open == NULL)
		return err_internal(e, "upload route %s without upload_open", ref->route->pattern);
	if ((fd = ref->module->upload_open(r, &c->upload_max, e)) < 0)
		return -1;
	c->upload_fd = fd;
	return 0;
}

int dispatch(struct server_state *s, struct rctx *c, struct err *e)
{
	struct req *r = &c->req;
	const struct route_ref *ref;
	struct db *thread_db;
	bool path_known, read;
	int rc;

	ref = find_route(s, c, &path_known);
	if (ref == NULL) {
		if (path_known)
			return err_set(e, ERR_METHOD, "此地址不支持 %s 方法", c->method);
		if (strncmp(c->url, "/api/", 5) == 0 || strcmp(c->url, "/api") == 0)
			return err_set(e, ERR_NOT_FOUND, "接口不存在：%s", c->url);
		if (is_read(c->method))
			return static_serve(s, c, e);
		return err_set(e, ERR_METHOD, "此地址不支持 %s 方法", c->method);
	}
	r->route = ref->route;
	r->db = thread_db = db_thread(e);
	if (r->db == NULL)
		return -1;
	/* One transaction from authentication to the audit row: a read snapshot for GET, a
	 * savepoint of the shared write transaction for changes (writers queue, then commit in
	 * groups: db_group_begin). */
	read = is_read(r->method);
	if ((read ? db_begin_read(r->db, e) : db_group_begin(&r->db, e)) != 0) {
		r->db = thread_db;
		return -1;
	}
	if (authenticate(c, e) || authorise(c, e) || parse_body(c, e)) {
		if (read)
			db_rollback(r->db);
		else
			end_write(c, thread_db, false, &(struct err)ERR_INIT);
		finish_session(c);
		/* refused sign-ins and CSRF failures on state changes are worth a trace */
		if (!read && !(r->route->flags & ROUTE_NO_AUDIT))
			audit_failure(c, e);
		return -1;
	}
	rc = run_handler(c, thread_db, e);
	finish_session(c);
	if (rc != 0 && e->kind == ERR_NONE)
		err_internal(e, "handler for %s returned -1 without an error", r->route->pattern);
	return rc;
}
