/*
 * server.c - libmicrohttpd glue: the request lifecycle, limits, authentication, transactions,
 * audit and responses. MHD calls the access handler at least three times per request: once with
 * the headers, once per body chunk (we consume it and set *upload_data_size = 0), and a last
 * time with no data, where we answer.
 */
#include "http/http_private.h"
#include "audit/audit.h"
#include "core/log.h"
#include "core/utf8.h"
#include "version.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sodium.h>
#include <unistd.h>

/* Bodies above the limit are read and discarded up to this size, so the client can read our
 * 413; beyond it we answer at once and close. */
#define HTTP_BODY_DISCARD_MAX (8 * HTTP_BODY_MAX)

static atomic_int inflight;
static atomic_bool shutting_down;
static struct server_state srv;

static const char csp[] = "default-src 'self'; img-src 'self' data: blob:; style-src 'self' "
                          "'unsafe-inline'; font-src 'self' data:; object-src 'none'; "
                          "frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

/* A PDF may be framed by our own pages (the print preview), nothing else may be framed at all. */
static const char csp_pdf[] = "default-src 'self'; img-src 'self' data: blob:; style-src 'self' "
                              "'unsafe-inline'; font-src 'self' data:; object-src 'self'; "
                              "frame-ancestors 'self'; base-uri 'self'; form-action 'self'";

static void add_common_headers(struct MHD_Response *resp, bool pdf)
{
	MHD_add_response_header(resp, "Content-Security-Policy", pdf ? csp_pdf : csp);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", pdf ? "SAMEORIGIN" : "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
}

static enum MHD_Result queue(struct MHD_Connection *conn, int status, struct MHD_Response *resp,
                             struct rctx *c)
{
	enum MHD_Result ret;

	add_common_headers(resp, c && strncmp(c->raw_type, "application/pdf", 15) == 0);
	if (c) {
		for (int i = 0; i < c->nheaders; i++)
			MHD_add_response_header(resp, c->hname[i], c->hvalue[i]);
		c->answered_status = status;
	}
	ret = MHD_queue_response(conn, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result queue_json(struct MHD_Connection *conn, int status, json_t *json,
                                  struct rctx *c)
{
	struct buf out = BUF_INIT;
	struct MHD_Response *resp;
	size_t len;
	char *text;

	json_emit(&out, json);
	text = buf_detach(&out, &len);
	resp = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	return queue(conn, status, resp, c);
}

/* Never NULL: a message jansson refuses (err.c keeps messages valid UTF-8, but this is the last
 * line before a NULL reaches json_emit) falls back to the kind's code and a fixed message. */
json_t *error_json(const struct err *e)
{
	json_t *inner = json_pack("{s:s, s:s}", "code", err_code(e->kind), "message", e->msg);
	json_t *j;

	if (inner == NULL)
		inner =
		    json_pack("{s:s, s:s}", "code", err_code(e->kind), "message", "请求无法处理");
	if (inner && e->field[0]) {
		json_t *field = json_string(e->field);
		if (field)
			json_object_set_new(inner, "field", field);
	}
	j = inner ? json_pack("{s:o}", "error", inner) : NULL;
	return j ? j
	         : json_pack("{s:{s:s, s:s}}", "error", "code", "internal", "message", "内部错误");
}

static enum MHD_Result queue_error(struct MHD_Connection *conn, const struct err *e, struct rctx *c)
{
	json_t *j = error_json(e);
	enum MHD_Result ret = queue_json(conn, err_http_status(e->kind), j, c);

	json_decref(j);
	return ret;
}

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value)
{
	size_t *total = cls;

	*total += strlen(key) + (value ? strlen(value) : 0) + 4;
	return MHD_YES;
}

static enum MHD_Result check_arg_utf8(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
	bool *bad = cls;
	size_t n;

	if (utf8_count(key, strlen(key), &n) || (value && utf8_count(value, strlen(value), &n)))
		*bad = true;
	return MHD_YES;
}

static void client_ip(struct MHD_Connection *conn, char *out, size_t len)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

	snprintf(out, len, "?");
	if (ci == NULL || ci->client_addr == NULL)
		return;
	if (ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, out,
		          (socklen_t)len);
	else if (ci->client_addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr, out,
		          (socklen_t)len);
}

/* The first call: headers are in. Decide early refusals; the answer is sent on the last call. */
static void on_headers(struct rctx *c, struct MHD_Connection *conn, const char *url)
{
	size_t header_bytes = 0;
	bool bad_utf8 = false;
	const char *cl, *expect;

	MHD_get_connection_values(conn, MHD_HEADER_KIND, count_header, &header_bytes);
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, check_arg_utf8, &bad_utf8);
	if (atomic_load(&shutting_down))
		err_set(&c->early, ERR_UNAVAILABLE, "服务正在停止，请稍后重试");
	else if (header_bytes > HTTP_HEADERS_MAX)
		err_set(&c->early, ERR_HEADER_TOO_LARGE, "请求头过大（上限%d字节）",
		        HTTP_HEADERS_MAX);
	else if (strlen(url) > HTTP_URL_MAX)
		err_set(&c->early, ERR_BAD_REQUEST, "请求地址过长");
	else if (bad_utf8 || utf8_count(url, strlen(url), &header_bytes))
		err_set(&c->early, ERR_BAD_REQUEST, "请求地址或参数不是有效的 UTF-8");
	c->discard_max = HTTP_BODY_DISCARD_MAX;
	if (c->early.kind == ERR_NONE && upload_begin(&srv, c, &c->early) == 0 && c->upload_fd >= 0)
		c->discard_max = c->upload_max + HTTP_BODY_DISCARD_MAX;
	cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
	if (cl && c->upload_fd >= 0 && strtoull(cl, NULL, 10) > c->upload_max) {
		err_set(&c->early, ERR_TOO_LARGE, "文件过大（上限%llu字节）",
		        (unsigned long long)c->upload_max);
		c->answer_now = strtoull(cl, NULL, 10) > c->discard_max;
	} else if (cl && c->upload_fd < 0 && strtoull(cl, NULL, 10) > HTTP_BODY_MAX) {
		err_set(&c->early, ERR_TOO_LARGE, "请求体过大（上限%d字节）", HTTP_BODY_MAX);
		if (strtoull(cl, NULL, 10) > HTTP_BODY_DISCARD_MAX)
			c->answer_now = true;
	}
	/* a client that waits for "100 Continue" gets the refusal instead of sending the body */
	expect = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Expect");
	if (c->early.kind != ERR_NONE && expect && strcasecmp(expect, "100-continue") == 0)
		c->answer_now = true;
}

/* ROUTE_UPLOAD: the body goes to the module's descriptor as it arrives. */
static void on_upload(struct rctx *c, const char *data, size_t size)
{
	if (c->body_seen > c->upload_max) {
		err_set(&c->early, ERR_TOO_LARGE, "文件过大（上限%llu字节）",
		        (unsigned long long)c->upload_max);
		return;
	}
	while (size > 0) {
		ssize_t n = write(c->upload_fd, data, size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err_internal(&c->early, "upload write: %s", strerror(errno));
			return;
		}
		data += n;
		size -= (size_t)n;
	}
}

static void on_body(struct rctx *c, const char *data, size_t size)
{
	c->body_seen += size;
	if (c->early.kind != ERR_NONE)
		return;
	if (c->upload_fd >= 0) {
		on_upload(c, data, size);
		return;
	}
	if (c->body.len + size > HTTP_BODY_MAX) {
		err_set(&c->early, ERR_TOO_LARGE, "请求体过大（上限%d字节）", HTTP_BODY_MAX);
		buf_free(&c->body);
		return;
	}
	buf_add(&c->body, data, size);
}

static enum MHD_Result send_result(struct MHD_Connection *conn, struct rctx *c)
{
	struct req *r = &c->req;
	struct MHD_Response *resp;

	if (c->raw_fd >= 0) {
		resp = MHD_create_response_from_fd64(c->raw_size, c->raw_fd);
		c->raw_fd = -1;
		MHD_add_response_header(resp, "Content-Type", c->raw_type);
		MHD_add_response_header(resp, "Cache-Control", "no-store");
		return queue(conn, r->status, resp, c);
	}
	if (c->raw_set) {
		resp =
		    MHD_create_response_from_buffer(c->raw.len, c->raw.data, MHD_RESPMEM_MUST_COPY);
		MHD_add_response_header(resp, "Content-Type", c->raw_type);
		MHD_add_response_header(resp, "Cache-Control", "no-store");
		return queue(conn, r->status, resp, c);
	}
	if (r->json == NULL)
		r->json = json_object();
	return queue_json(conn, r->status, r->json, c);
}

static enum MHD_Result answer(struct MHD_Connection *conn, struct rctx *c)
{
	struct err e = ERR_INIT;

	if (c->early.kind != ERR_NONE)
		return queue_error(conn, &c->early, c);
	if (dispatch(&srv, c, &e) != 0)
		return queue_error(conn, &e, c);
	if (c->static_resp)
		return queue(conn, c->req.status, c->static_resp, c);
	return send_result(conn, c);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
	struct rctx *c = *con_cls;

	if (c == NULL) {
		c = rctx_new(conn, url, method);
		*con_cls = c;
		atomic_fetch_add(&inflight, 1);
		client_ip(conn, c->ip, sizeof c->ip);
		on_headers(c, conn, url);
		if (c->answer_now)
			return queue_error(conn, &c->early, c);
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		on_body(c, upload_data, *upload_data_size);
		*upload_data_size = 0;
		if (c->body_seen > c->discard_max)
			return queue_error(conn, &c->early, c);
		return MHD_YES;
	}
	if (c->answered_status)
		return MHD_YES;
	return answer(conn, c);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	struct rctx *c = *con_cls;

	if (c == NULL)
		return;
	rctx_free(c);
	*con_cls = NULL;
	atomic_fetch_sub(&inflight, 1);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[512];

	vsnprintf(line, sizeof line, fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	log_warn("mhd: %s", line);
}

static int parse_listen(const char *listen, struct sockaddr_in *sa, struct err *e)
{
	char host[64];
	const char *colon = strrchr(listen, ':');
	char *end;
	long port;

	if (colon == NULL || (size_t)(colon - listen) >= sizeof host)
		return err_set(e, ERR_BAD_REQUEST,
		               "监听地址格式应为 主机:端口，例如 127.0.0.1:8080");
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	port = strtol(colon + 1, &end, 10);
	if (*end || port < 0 || port > 65535)
		return err_set(e, ERR_BAD_REQUEST, "端口无效：%s", colon + 1);
	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host[0] ? host : "127.0.0.1", &sa->sin_addr) != 1)
		return err_set(e, ERR_BAD_REQUEST, "监听地址无效：%s（需要 IPv4 地址）", host);
	return 0;
}

static void wait_for_inflight(void)
{
	for (int i = 0; i < HTTP_SHUTDOWN_GRACE_S * 20 && atomic_load(&inflight) > 0; i++)
		usleep(50 * 1000);
}

int server_run(const struct server_config *cfg, const struct module *const *modules,
               size_t module_count, struct err *e)
{
	struct MHD_Daemon *d = NULL;
	const union MHD_DaemonInfo *info;
	struct sockaddr_in sa;
	char host[INET_ADDRSTRLEN];
	sigset_t sigs;
	int sig, rc = -1;

	if (parse_listen(cfg->listen, &sa, e))
		return -1;
	if (server_state_init(&srv, cfg, modules, module_count, e))
		return -1;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL); /* worker threads inherit the mask */
	signal(SIGPIPE, SIG_IGN);
	/* one option and its value(s) per line */
	// clang-format off
	d = MHD_start_daemon(
	    MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG, 0, NULL, NULL,
	    on_request, NULL,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, /* first: MHD logs through it from here on */
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_THREAD_POOL_SIZE, cfg->threads ? cfg->threads : HTTP_THREADS_DEFAULT,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)HTTP_CONN_MAX,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)HTTP_CONN_PER_IP_MAX,
	    MHD_OPTION_CONNECTION_TIMEOUT,
	    cfg->idle_timeout_s ? cfg->idle_timeout_s : (unsigned)HTTP_IDLE_TIMEOUT_S,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_MHD_POOL_SIZE,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
	    MHD_OPTION_END);
	// clang-format on
	if (d == NULL) {
		err_set(e, ERR_INTERNAL, "无法在 %s 上监听：%s", cfg->listen, strerror(errno));
		goto out;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	inet_ntop(AF_INET, &sa.sin_addr, host, sizeof host);
	printf("jianwu: listening on http://%s:%u\n", host, info ? info->port : 0);
	fflush(stdout);
	log_info("jianwu %s serving %s", JW_VERSION, cfg->db_uri);
	if (sigwait(&sigs, &sig) == 0)
		log_info("signal %d: finishing requests in flight", sig);
	atomic_store(&shutting_down, true);
	MHD_quiesce_daemon(d);
	wait_for_inflight();
	rc = 0;
out:
	if (d)
		MHD_stop_daemon(d);
	server_state_free(&srv);
	db_thread_close_all();
	log_info("stopped");
	return rc;
}
