/*
 * static.c - the built UI (web/dist): files under the web root only, index.html for client-side
 * routes, long cache lifetimes for hashed assets, pre-compressed .gz when the browser takes gzip.
 */
#include "http/http_private.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct {
	const char *ext;
	const char *type;
} mime_types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".woff", "font/woff"},
    {".ttf", "font/ttf"},
    {".txt", "text/plain; charset=utf-8"},
};

static const char *mime_for(const char *path)
{
	const char *dot = strrchr(path, '.');

	for (size_t i = 0; dot && i < sizeof mime_types / sizeof mime_types[0]; i++)
		if (strcmp(dot, mime_types[i].ext) == 0)
			return mime_types[i].type;
	return "application/octet-stream";
}

static bool safe_path(const char *url)
{
	if (url[0] != '/' || strstr(url, "..") || strchr(url, '\\') || strstr(url, "//"))
		return false;
	for (const char *p = url; *p; p++)
		if ((unsigned char)*p < 0x20)
			return false;
	return true;
}

static bool accepts_gzip(struct rctx *c)
{
	const char *ae = req_header(&c->req, "Accept-Encoding");
	return ae && strstr(ae, "gzip");
}

static int open_regular(const char *path, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return -1;
	if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		return -1;
	}
	return fd;
}

int static_serve(struct server_state *s, struct rctx *c, struct err *e)
{
	char path[PATH_MAX], gz[PATH_MAX + 4];
	const char *rel = c->url;
	bool gzipped = false;
	struct stat st;
	int fd = -1;
	struct MHD_Response *resp;

	if (s->web_root == NULL || !safe_path(rel))
		return err_set(e, ERR_NOT_FOUND, "页面不存在");
	if (strcmp(rel, "/") == 0)
		rel = "/index.html";
	if (snprintf(path, sizeof path, "%s%s", s->web_root, rel) >= (int)sizeof path)
		return err_set(e, ERR_NOT_FOUND, "页面不存在");
	if (accepts_gzip(c) && snprintf(gz, sizeof gz, "%s.gz", path) < (int)sizeof gz &&
	    (fd = open_regular(gz, &st)) >= 0)
		gzipped = true;
	if (fd < 0)
		fd = open_regular(path, &st);
	if (fd < 0) {
		/* A client-side route (no extension): the single-page app handles it. */
		if (strchr(strrchr(rel, '/'), '.'))
			return err_set(e, ERR_NOT_FOUND, "文件不存在：%s", rel);
		rel = "/index.html";
		snprintf(path, sizeof path, "%s/index.html", s->web_root);
		if (accepts_gzip(c) && snprintf(gz, sizeof gz, "%s.gz", path) < (int)sizeof gz &&
		    (fd = open_regular(gz, &st)) >= 0)
			gzipped = true;
		if (fd < 0 && (fd = open_regular(path, &st)) < 0)
			return err_set(e, ERR_NOT_FOUND, "页面不存在");
	}
	resp = MHD_create_response_from_fd64((uint64_t)st.st_size, fd);
	if (resp == NULL) {
		close(fd);
		return err_internal(e, "cannot create static response");
	}
	MHD_add_response_header(resp, "Content-Type", mime_for(rel));
	MHD_add_response_header(resp, "Vary", "Accept-Encoding");
	if (gzipped)
		MHD_add_response_header(resp, "Content-Encoding", "gzip");
	MHD_add_response_header(
	    resp, "Cache-Control",
	    strncmp(rel, "/assets/", 8) == 0 ? "public, max-age=31536000, immutable" : "no-cache");
	c->static_resp = resp;
	c->req.status = 200;
	return 0;
}
