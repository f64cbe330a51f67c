/*
 * fuzz_route.c - the request path as the router sees it: every pattern of the real route table
 * (jw_modules) against an arbitrary path, the path parameters (req_param, req_param_id), and the
 * RFC 5987 Content-Disposition the server builds from a file name (req_send_fd).
 *
 * Input: the path (cut at its first NUL, as MHD hands it over). Invariants:
 *   - a match yields at most HTTP_ROUTE_PARAMS_MAX parameters, each non-empty and without '/',
 *     named as in the pattern, and putting them back into the pattern gives the path exactly;
 *   - the result agrees with a segment-wise matcher written here independently;
 *   - no match leaves no parameters behind;
 *   - req_param_id accepts exactly a positive decimal without leading zero, up to 18 digits;
 *   - Content-Disposition holds only RFC 5987 attr-chars after filename*=UTF-8'' and decodes back
 *     to the name; never CR, LF or a quote in the encoded part.
 */
#include "fuzz_util.h"
#include "http/http_private.h"
#include "modules.h"

#include <ctype.h>

/* One pattern segment at a time; a segment has at most one {param} in the real table. */
static int ref_segment(const char *p, size_t plen, const char *q, size_t qlen)
{
	const char *open = memchr(p, '{', plen), *close;
	size_t pre, suf;

	if (open == NULL)
		return plen == qlen && memcmp(p, q, plen) == 0;
	close = memchr(open, '}', plen - (size_t)(open - p));
	if (close == NULL || memchr(close, '{', plen - (size_t)(close - p)))
		return -1; /* not a shape this reference knows */
	pre = (size_t)(open - p);
	suf = plen - (size_t)(close + 1 - p);
	return qlen > pre + suf && memcmp(p, q, pre) == 0 &&
	       memcmp(close + 1, q + qlen - suf, suf) == 0;
}

/* 1 match, 0 no match, -1 unknown (pattern shape outside the reference). */
static int ref_match(const char *p, const char *q)
{
	for (;;) {
		size_t pl = strcspn(p, "/"), ql = strcspn(q, "/");
		int r = ref_segment(p, pl, q, ql);

		if (r <= 0)
			return r;
		p += pl;
		q += ql;
		if (*p == '\0' || *q == '\0')
			return *p == '\0' && *q == '\0';
		p++, q++;
	}
}

static void check_params(const char *pattern, const char *path, struct rctx *c)
{
	char rebuilt[HTTP_URL_MAX * 2 + 64];
	size_t n = 0;
	int k = 0;

	FUZZ_CHECK(c->nparams <= HTTP_ROUTE_PARAMS_MAX, "%d parameters", c->nparams);
	for (const char *p = pattern; *p;) {
		if (*p == '{') {
			const char *pe = strchr(p, '}');
			FUZZ_CHECK(pe && k < c->nparams, "pattern %s", pattern);
			FUZZ_CHECK(strlen(c->pnames[k]) == (size_t)(pe - p - 1) &&
			               memcmp(c->pnames[k], p + 1, (size_t)(pe - p - 1)) == 0,
			           "name %s in %s", c->pnames[k], pattern);
			FUZZ_CHECK(c->pvalues[k][0] && !strchr(c->pvalues[k], '/'), "value '%s'",
			           c->pvalues[k]);
			FUZZ_CHECK(req_param(&c->req, c->pnames[k]) != NULL, "lookup %s",
			           c->pnames[k]);
			if (n + strlen(c->pvalues[k]) < sizeof rebuilt) {
				memcpy(rebuilt + n, c->pvalues[k], strlen(c->pvalues[k]));
				n += strlen(c->pvalues[k]);
			}
			k++;
			p = pe + 1;
		} else {
			if (n < sizeof rebuilt)
				rebuilt[n++] = *p;
			p++;
		}
	}
	FUZZ_CHECK(k == c->nparams, "%d of %d parameters used", k, c->nparams);
	FUZZ_CHECK(n == strlen(path) && memcmp(rebuilt, path, n) == 0, "%s does not rebuild %s",
	           pattern, path);
}

static void check_id(struct rctx *c, const char *name)
{
	const char *v = req_param(&c->req, name);
	struct err e = ERR_INIT;
	int64_t id = 0;
	size_t len = strlen(v);
	int ok = len >= 1 && len <= 18 && v[0] >= '1' && v[0] <= '9';

	for (size_t i = 0; ok && i < len; i++)
		ok = isdigit((unsigned char)v[i]);
	if (req_param_id(&c->req, name, &id, &e) == 0) {
		FUZZ_CHECK(ok && id > 0 && id == strtoll(v, NULL, 10), "id '%s' -> %lld", v,
		           (long long)id);
	} else {
		FUZZ_CHECK(!ok && e.kind == ERR_NOT_FOUND, "id '%s' refused", v);
	}
}

static int hexval(char h)
{
	return h >= '0' && h <= '9' ? h - '0' : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
}

static void check_disposition(struct rctx *c, const char *name)
{
	static const char prefix[] = "attachment; filename=\"download\"; filename*=UTF-8''";
	const char *v;
	size_t i, n = 0, want = strlen(name);

	req_send_fd(&c->req, -1, 0, "application/octet-stream", name);
	FUZZ_CHECK(c->nheaders == 1 && strcmp(c->hname[0], "Content-Disposition") == 0,
	           "%d headers", c->nheaders);
	v = c->hvalue[0];
	FUZZ_CHECK(strncmp(v, prefix, sizeof prefix - 1) == 0, "header %s", v);
	for (i = sizeof prefix - 1; v[i]; n++) {
		unsigned char ch = (unsigned char)v[i];
		int b;

		if (ch == '%') {
			FUZZ_CHECK(hexval(v[i + 1]) >= 0 && hexval(v[i + 2]) >= 0, "escape in %s",
			           v);
			b = hexval(v[i + 1]) * 16 + hexval(v[i + 2]);
			i += 3;
		} else {
			FUZZ_CHECK(isalnum(ch) || strchr("!#$&+-.^_`|~", ch), "byte 0x%02x in %s",
			           ch, v);
			b = ch;
			i++;
		}
		FUZZ_CHECK(n < want && (unsigned char)name[n] == b, "decodes differently at %zu",
		           n);
	}
	FUZZ_CHECK(n == want, "decoded %zu of %zu bytes", n, want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *path = fuzz_cstr(data, size);
	struct rctx *c;

	if (strlen(path) > HTTP_URL_MAX) { /* refused by server.c before routing */
		free(path);
		return 0;
	}
	c = rctx_new(NULL, path, "GET");
	for (size_t m = 0; m < jw_module_count; m++) {
		const struct module *mod = jw_modules[m];
		for (size_t r = 0; r < mod->route_count; r++) {
			const char *pattern = mod->routes[r].pattern;
			bool hit = route_match(pattern, path, c);
			int ref = ref_match(pattern, path);

			FUZZ_CHECK(ref < 0 || ref == hit, "%s vs %s: router %d, reference %d",
			           pattern, path, hit, ref);
			if (!hit) {
				FUZZ_CHECK(c->nparams == 0, "%d parameters left", c->nparams);
				continue;
			}
			check_params(pattern, path, c);
			for (int k = 0; k < c->nparams; k++)
				check_id(c, c->pnames[k]);
		}
	}
	check_disposition(c, path);
	rctx_free(c);
	free(path);
	return 0;
}
