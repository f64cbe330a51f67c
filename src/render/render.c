/*
 * render.c - sinks, font roles and UTF-8 helpers shared by the renderers (see render.h).
 */
#include "render/render.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fontconfig/fontconfig.h>
#include <cairo.h>
#include <pango/pango.h>
#include <pango/pangocairo.h>

#include "core/log.h"
#include "core/utf8.h"

/* Where Debian's texlive-lang-chinese puts the Fandol fonts; fontconfig does not scan it. */
#define FANDOL_DIR "/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol"

/* Licensed names first (Windows: FangSong/KaiTi/SimHei/SimSun; Founder: 方正小标宋), then the free
 * fonts Debian ships. The 小标宋 stand-in is FandolSong Bold (the real 小标宋 is a heavy Song). The
 * Fandol faces (TeX Live's, 4-8 MB each) come before Noto CJK (18-25 MB collections) because cairo
 * copies a CFF font's whole outline table into every PDF it subsets the font for: with Noto the
 * copies cost ~50 ms per document, with Fandol ~30 ms (bench/render). Noto stays as the fallback.
 */
static const char *const default_fonts[FONT_ROLE_COUNT] = {
    [ROLE_FANGSONG] = "FangSong_GB2312,仿宋_GB2312,FangSong,仿宋,FandolFang,Noto Serif CJK SC",
    [ROLE_XIAOBIAOSONG] = "方正小标宋简体,FZXiaoBiaoSong-B05S,方正小标宋_GBK,FZXiaoBiaoSong-B05,"
                          "Noto Serif CJK SC Bold",
    [ROLE_SONG] = "SimSun,宋体,FandolSong,Noto Serif CJK SC",
    [ROLE_HEITI] = "SimHei,黑体,FandolHei,Noto Sans CJK SC",
    [ROLE_KAITI] = "KaiTi_GB2312,楷体_GB2312,KaiTi,楷体,AR PL UKai CN",
};

static int sink_file_write(void *ctx, const void *data, size_t len)
{
	return fwrite(data, 1, len, (FILE *)ctx) == len ? 0 : -1;
}

static int sink_buf_write(void *ctx, const void *data, size_t len)
{
	struct render_buf *b = ctx;
	size_t max = b->max ? b->max : RENDER_BUF_DEFAULT_MAX;

	if (len > max - b->len)
		return -1;
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap : 16384;
		unsigned char *p;

		while (cap < b->len + len)
			cap = cap > max / 2 ? max : cap * 2;
		p = realloc(b->data, cap);
		if (!p)
			return -1;
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
	return 0;
}

struct render_sink render_sink_file(FILE *f)
{
	struct render_sink s = {sink_file_write, f};
	return s;
}

struct render_sink render_sink_buf(struct render_buf *b)
{
	struct render_sink s = {sink_buf_write, b};
	return s;
}

void render_buf_free(struct render_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

int render_write(const struct render_sink *s, const void *data, size_t len)
{
	if (len == 0)
		return 0;
	return s->write(s->ctx, data, len);
}

int render_to_path(const char *path,
                   int (*fn)(const struct render_sink *s, void *arg, struct err *e), void *arg,
                   struct err *e)
{
	FILE *f = fopen(path, "wb");
	struct render_sink s;
	int rc;

	if (!f)
		return err_internal(e, "render: cannot create %s: %s", path, strerror(errno));
	s = render_sink_file(f);
	rc = fn(&s, arg, e);
	if (fclose(f) != 0 && rc == 0)
		rc = err_internal(e, "render: cannot write %s: %s", path, strerror(errno));
	if (rc != 0)
		unlink(path);
	return rc;
}

const char *render_font_default(enum render_role role)
{
	return (unsigned)role < FONT_ROLE_COUNT ? default_fonts[role] : default_fonts[ROLE_FANGSONG];
}

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t fc_lock = PTHREAD_MUTEX_INITIALIZER;

static void init_fonts(void)
{
	struct stat st;

	if (!FcInit()) {
		log_error("render: fontconfig initialisation failed");
		return;
	}
	if (stat(FANDOL_DIR, &st) == 0 && S_ISDIR(st.st_mode) &&
	    !FcConfigAppFontAddDir(NULL, (const FcChar8 *)FANDOL_DIR))
		log_warn("render: cannot add fonts from %s", FANDOL_DIR);
}

void render_init(void)
{
	pthread_once(&init_once, init_fonts);
}

void render_shutdown(void)
{
	pango_cairo_font_map_set_default(NULL);
	cairo_debug_reset_static_data();
	FcFini();
}

int render_fonts_add_dir(const char *dir, struct err *e)
{
	struct stat st;
	int ok;

	render_init();
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return err_set(e, ERR_VALIDATION, "字体目录不存在：%s", dir);
	pthread_mutex_lock(&fc_lock);
	ok = FcConfigAppFontAddDir(NULL, (const FcChar8 *)dir);
	pthread_mutex_unlock(&fc_lock);
	if (!ok)
		return err_internal(e, "render: cannot add fonts from %s", dir);
	return 0;
}

/* True when fontconfig knows a font whose family (any of its localised names) is family. */
static int family_installed(const char *family)
{
	FcPattern *pat = FcPatternCreate();
	FcObjectSet *os = FcObjectSetBuild(FC_FAMILY, (char *)NULL);
	FcFontSet *fs = NULL;
	int found = 0;

	if (!pat || !os)
		goto out;
	FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)family);
	pthread_mutex_lock(&fc_lock);
	fs = FcFontList(NULL, pat, os);
	pthread_mutex_unlock(&fc_lock);
	found = fs && fs->nfont > 0;
out:
	if (fs)
		FcFontSetDestroy(fs);
	if (os)
		FcObjectSetDestroy(os);
	if (pat)
		FcPatternDestroy(pat);
	return found;
}

static void trim(char *s)
{
	size_t n = strlen(s), i = 0;

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	while (s[i] == ' ' || s[i] == '\t')
		i++;
	memmove(s, s + i, n - i + 1);
}

int render_font_resolve(const char *list, char *out, struct err *e)
{
	char buf[RENDER_FONT_LIST_MAX];
	char *save = NULL, *cand;
	int found = 0;

	render_init();
	if (!list || strlen(list) >= sizeof(buf) || render_utf8_check(list, strlen(list)) != 0)
		return err_field(e, ERR_VALIDATION, "fonts", "字体设置无效");
	strcpy(buf, list);
	out[0] = '\0';
	for (cand = strtok_r(buf, ",", &save); cand; cand = strtok_r(NULL, ",", &save)) {
		PangoFontDescription *d;
		const char *family;

		trim(cand);
		if (!*cand)
			continue;
		d = pango_font_description_from_string(cand);
		family = pango_font_description_get_family(d);
		found = family && family_installed(family);
		pango_font_description_free(d);
		strcpy(out, cand);
		if (found)
			break;
	}
	if (!out[0])
		return err_field(e, ERR_VALIDATION, "fonts", "字体设置为空");
	if (!found)
		log_warn("render: none of the fonts \"%s\" is installed; using a substitute", list);
	return 0;
}

int render_utf8_check(const char *s, size_t n)
{
	size_t count;

	return utf8_count(s, n, &count);
}
