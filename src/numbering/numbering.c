/*
 * numbering.c - 发文字号 series, counters and the ledger (rules in numbering.h; no HTTP here).
 */
#include "numbering/numbering.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "http/http.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PH_CODE "{code}"
#define PH_YEAR "{year}"
#define PH_SEQ  "{seq}"

static size_t count_of(const char *s, const char *needle)
{
	size_t n = 0, len = strlen(needle);

	for (const char *p = strstr(s, needle); p; p = strstr(p + len, needle))
		n++;
	return n;
}

int numbering_format_check(const char *format, struct err *e)
{
	size_t len = strlen(format), chars;
	const char *p, *seq;

	if (len == 0 || len > NUMBERING_FORMAT_MAX)
		return err_field(e, ERR_VALIDATION, "format", "文号格式长度应为1到%d字节",
		                 NUMBERING_FORMAT_MAX);
	if (utf8_count(format, len, &chars))
		return err_field(e, ERR_VALIDATION, "format", "文号格式不是有效的 UTF-8");
	if (count_of(format, PH_SEQ) != 1 || count_of(format, PH_YEAR) != 1)
		return err_field(e, ERR_VALIDATION, "format",
		                 "文号格式须各含一次 {year} 和 {seq}，如 {code}〔{year}〕{seq}号");
	if (count_of(format, PH_CODE) > 1)
		return err_field(e, ERR_VALIDATION, "format", "文号格式中 {code} 最多出现一次");
	for (p = strchr(format, '{'); p; p = strchr(p + 1, '{'))
		if (strncmp(p, PH_CODE, strlen(PH_CODE)) && strncmp(p, PH_YEAR, strlen(PH_YEAR)) &&
		    strncmp(p, PH_SEQ, strlen(PH_SEQ)))
			return err_field(e, ERR_VALIDATION, "format",
			                 "文号格式只能使用 {code}、{year}、{seq} 三个占位符");
	if (strpbrk(format, "[]") || strstr(format, "【") || strstr(format, "】") ||
	    strstr(format, "［") || strstr(format, "］"))
		return err_field(e, ERR_VALIDATION, "format",
		                 "年份须用六角括号〔〕（U+3014/U+3015），不能用方括号");
	seq = strstr(format, PH_SEQ);
	if (seq - format >= 3 && memcmp(seq - 3, "第", 3) == 0)
		return err_field(e, ERR_VALIDATION, "format", "发文字号的序号前不加“第”字");
	return 0;
}

int numbering_format(const char *format, const char *code, int year, int64_t seq, char *out,
                     size_t outlen, struct err *e)
{
	size_t n = 0;
	char num[24];
	const char *p = format, *add;
	size_t addlen;

	while (*p) {
		if (strncmp(p, PH_CODE, strlen(PH_CODE)) == 0) {
			add = code, addlen = strlen(code), p += strlen(PH_CODE);
		} else if (strncmp(p, PH_YEAR, strlen(PH_YEAR)) == 0) {
			snprintf(num, sizeof num, "%d", year);
			add = num, addlen = strlen(num), p += strlen(PH_YEAR);
		} else if (strncmp(p, PH_SEQ, strlen(PH_SEQ)) == 0) {
			snprintf(num, sizeof num, "%" PRId64, seq);
			add = num, addlen = strlen(num), p += strlen(PH_SEQ);
		} else {
			add = p, addlen = 1, p++;
		}
		if (n + addlen >= outlen)
			return err_set(e, ERR_VALIDATION, "文号过长（最多%zu字节）",
			               outlen ? outlen - 1 : 0);
		memcpy(out + n, add, addlen);
		n += addlen;
	}
	if (outlen == 0)
		return err_set(e, ERR_VALIDATION, "文号过长");
	out[n] = '\0';
	return 0;
}

static int code_check(const char *code, struct err *e)
{
	size_t len = strlen(code), chars;

	if (len == 0 || len > NUMBERING_CODE_MAX)
		return err_field(e, ERR_VALIDATION, "code", "机关代字长度应为1到%d字节",
		                 NUMBERING_CODE_MAX);
	if (utf8_count(code, len, &chars))
		return err_field(e, ERR_VALIDATION, "code", "机关代字不是有效的 UTF-8");
	if (strpbrk(code, "{}[]/\\ \t\r\n") || strstr(code, "〔") || strstr(code, "〕"))
		return err_field(e, ERR_VALIDATION, "code",
		                 "机关代字不能包含空白、括号或斜杠（年份和序号由格式添加）");
	return 0;
}

int numbering_series_create(struct db *db, int64_t org_id, const char *code, const char *format,
                            const char *name, int64_t *id, struct err *e)
{
	struct db_stmt *st;
	int rc;

	if (format == NULL)
		format = NUMBERING_DEFAULT_FORMAT;
	if (code_check(code, e) || numbering_format_check(format, e))
		return -1;
	st = db_query(db, e,
	              "INSERT INTO number_series (org_id, code, format, name, created_at)"
	              " VALUES ($1, $2, $3, $4, $5) RETURNING id",
	              "IsssI", org_id, code, format, name ? name : "", time_now());
	if (st == NULL)
		return -1;
	rc = db_step(st, e);
	if (rc == DB_ROW)
		*id = db_col_int(st, 0);
	db_reset(st);
	if (rc < 0 && e->kind == ERR_CONFLICT) {
		err_clear(e);
		return err_field(e, ERR_CONFLICT, "code", "机关代字“%s”的文号系列已存在", code);
	}
	return rc == DB_ROW ? 0 : -1;
}

int numbering_series_by_code(struct db *db, int64_t org_id, const char *code, int64_t *id,
                             struct err *e)
{
	bool found;

	if (db_query_int(db, e, id, &found,
	                 "SELECT id FROM number_series WHERE org_id = $1 AND code = $2", "Is",
	                 org_id, code))
		return -1;
	return found ? 0 : err_set(e, ERR_NOT_FOUND, "文号系列不存在：%s", code);
}

struct series {
	char code[NUMBERING_CODE_MAX + 1];
	char format[NUMBERING_FORMAT_MAX + 1];
	bool active;
};

static int series_load(struct db *db, int64_t org_id, int64_t series_id, struct series *s,
                       struct err *e)
{
	struct db_stmt *st = db_query(db, e,
	                              "SELECT code, format, active FROM number_series"
	                              " WHERE id = $1 AND org_id = $2",
	                              "II", series_id, org_id);
	int rc;

	if (st == NULL)
		return -1;
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		snprintf(s->code, sizeof s->code, "%s", db_col_text(st, 0));
		snprintf(s->format, sizeof s->format, "%s", db_col_text(st, 1));
		s->active = db_col_int(st, 2) != 0;
	}
	db_reset(st);
	if (rc < 0)
		return -1;
	return rc == DB_ROW ? 0 : err_set(e, ERR_NOT_FOUND, "文号系列不存在");
}

static int year_check(int year, struct err *e)
{
	if (year < NUMBERING_YEAR_MIN || year > NUMBERING_YEAR_MAX)
		return err_field(e, ERR_VALIDATION, "year", "年份应在%d到%d之间",
		                 NUMBERING_YEAR_MIN, NUMBERING_YEAR_MAX);
	return 0;
}

/* The one place a sequence is handed out: counter + ledger row, in the caller's transaction. */
static int issue(struct db *db, int64_t org_id, int64_t series_id, int year, const char *state,
                 int64_t object_id, const char *object_kind, int64_t user_id, const char *purpose,
                 char *out, size_t outlen, int64_t *seq, struct err *e)
{
	struct series s;
	struct db_stmt *st;
	int rc;

	if (!db_in_tx(db))
		return err_internal(e, "numbering outside a transaction");
	if (year_check(year, e) || series_load(db, org_id, series_id, &s, e))
		return -1;
	if (!s.active)
		return err_set(e, ERR_VALIDATION, "文号系列“%s”已停用", s.code);
	if (object_kind && strlen(object_kind) > NUMBERING_KIND_MAX)
		return err_internal(e, "object kind too long");
	st = db_query(db, e,
	              "INSERT INTO number_counter (series_id, year, last_seq) VALUES ($1, $2, 1)"
	              " ON CONFLICT (series_id, year) DO UPDATE"
	              " SET last_seq = number_counter.last_seq + 1 RETURNING last_seq",
	              "Ii", series_id, year);
	if (st == NULL)
		return -1;
	rc = db_step(st, e);
	if (rc == DB_ROW)
		*seq = db_col_int(st, 0);
	db_reset(st);
	if (rc != DB_ROW)
		return rc < 0 ? -1 : err_internal(e, "counter upsert returned no row");
	if (numbering_format(s.format, s.code, year, *seq, out, outlen, e))
		return -1;
	if (db_execf(db, e,
	             "INSERT INTO number_issued (org_id, series_id, year, seq, number, state,"
	             " object_kind, object_id, purpose, issued_by, issued_at)"
	             " VALUES ($1, $2, $3, $4, $5, $6, $7, nullif($8, 0), $9, nullif($10, 0), $11)",
	             "IIiIsssIsII", org_id, series_id, year, *seq, out, state, object_kind,
	             object_id, purpose ? purpose : "", user_id, time_now()) < 0)
		return -1;
	return 0;
}

int numbering_take(struct db *db, int64_t org_id, int64_t series_id, int year, int64_t object_id,
                   const char *object_kind, char *out, size_t outlen, int64_t *seq, struct err *e)
{
	return issue(db, org_id, series_id, year, NUMBER_USED, object_id, object_kind, 0, NULL, out,
	             outlen, seq, e);
}

int numbering_reserve(struct db *db, int64_t org_id, int64_t series_id, int year, int64_t user_id,
                      const char *purpose, char *out, size_t outlen, int64_t *seq, struct err *e)
{
	if (purpose && strlen(purpose) > NUMBERING_PURPOSE_MAX)
		return err_field(e, ERR_VALIDATION, "purpose", "预留用途过长（最多%d字节）",
		                 NUMBERING_PURPOSE_MAX);
	return issue(db, org_id, series_id, year, NUMBER_RESERVED, 0, NULL, user_id, purpose, out,
	             outlen, seq, e);
}

/* The state and number of one ledger row; ERR_NOT_FOUND if it was never issued. */
static int ledger_row(struct db *db, int64_t org_id, int64_t series_id, int year, int64_t seq,
                      char *state, size_t statelen, char *out, size_t outlen, struct err *e)
{
	struct db_stmt *st = db_query(db, e,
	                              "SELECT state, number FROM number_issued WHERE series_id = $1"
	                              " AND year = $2 AND seq = $3 AND org_id = $4",
	                              "IiII", series_id, year, seq, org_id);
	int rc;

	if (st == NULL)
		return -1;
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		snprintf(state, statelen, "%s", db_col_text(st, 0));
		snprintf(out, outlen, "%s", db_col_text(st, 1));
	}
	db_reset(st);
	if (rc < 0)
		return -1;
	return rc == DB_ROW
	           ? 0
	           : err_set(e, ERR_NOT_FOUND, "该文号尚未编发（%d年第%" PRId64 "号）", year, seq);
}

int numbering_claim(struct db *db, int64_t org_id, int64_t series_id, int year, int64_t seq,
                    int64_t object_id, const char *object_kind, char *out, size_t outlen,
                    struct err *e)
{
	char state[16];

	if (ledger_row(db, org_id, series_id, year, seq, state, sizeof state, out, outlen, e))
		return -1;
	if (strcmp(state, NUMBER_RESERVED) != 0)
		return err_set(e, ERR_CONFLICT, "文号 %s 不是预留状态，不能使用", out);
	return db_execf(db, e,
	                "UPDATE number_issued SET state = 'used', object_kind = $1, object_id = $2"
	                " WHERE series_id = $3 AND year = $4 AND seq = $5 AND state = 'reserved'",
	                "sIIiI", object_kind, object_id, series_id, year, seq) == 1
	           ? 0
	           : err_set(e, ERR_CONFLICT, "文号 %s 已被他人使用", out);
}

int numbering_void(struct db *db, int64_t org_id, int64_t series_id, int year, int64_t seq,
                   int64_t user_id, const char *reason, char *out, size_t outlen, struct err *e)
{
	char state[16];

	if (reason == NULL || strspn(reason, " \t\r\n") == strlen(reason))
		return err_field(e, ERR_VALIDATION, "reason", "作废原因不能为空");
	if (strlen(reason) > NUMBERING_REASON_MAX)
		return err_field(e, ERR_VALIDATION, "reason", "作废原因过长（最多%d字节）",
		                 NUMBERING_REASON_MAX);
	if (ledger_row(db, org_id, series_id, year, seq, state, sizeof state, out, outlen, e))
		return -1;
	if (strcmp(state, NUMBER_VOID) == 0)
		return err_set(e, ERR_CONFLICT, "文号 %s 已作废", out);
	return db_execf(db, e,
	                "UPDATE number_issued SET state = 'void', void_reason = $1, voided_by = "
	                "nullif($2, 0),"
	                " voided_at = $3 WHERE series_id = $4 AND year = $5 AND seq = $6"
	                " AND state <> 'void'",
	                "sIIIiI", reason, user_id, time_now(), series_id, year, seq) == 1
	           ? 0
	           : err_set(e, ERR_CONFLICT, "文号 %s 已作废", out);
}

json_t *numbering_series_json(struct db *db, int64_t org_id, int64_t series_id, int year,
                              struct err *e)
{
	struct db_stmt *st =
	    db_query(db, e,
	             "SELECT s.id, s.code, s.format, s.name, s.active, s.version,"
	             " coalesce(c.last_seq, 0) FROM number_series s"
	             " LEFT JOIN number_counter c ON c.series_id = s.id AND c.year = $3"
	             " WHERE s.id = $1 AND s.org_id = $2",
	             "IIi", series_id, org_id, year);
	char next[NUMBERING_NUMBER_MAX] = "";
	json_t *j = NULL;
	int rc;

	if (st == NULL)
		return NULL;
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		struct err ignored = ERR_INIT; /* formats are checked on the way in; fits */
		numbering_format(db_col_text(st, 2), db_col_text(st, 1), year,
		                 db_col_int(st, 6) + 1, next, sizeof next, &ignored);
		j = json_pack("{s:I, s:s, s:s, s:s, s:b, s:I, s:i, s:I, s:s}", "id",
		              (json_int_t)db_col_int(st, 0), "code", db_col_text(st, 1), "format",
		              db_col_text(st, 2), "name", db_col_text(st, 3), "active",
		              (int)db_col_int(st, 4), "version", (json_int_t)db_col_int(st, 5),
		              "year", year, "last_seq", (json_int_t)db_col_int(st, 6), "next",
		              next);
	}
	db_reset(st);
	if (rc == DB_DONE)
		err_set(e, ERR_NOT_FOUND, "文号系列不存在");
	return j;
}

static json_t *ledger_entry(struct db_stmt *st)
{
	char when[TIME_ISO_MAX];
	json_t *o = json_pack("{s:I, s:s}", "seq", (json_int_t)db_col_int(st, 0), "number",
	                      db_col_text(st, 2));

	if (strcmp(db_col_text(st, 1), NUMBER_VOID) == 0) {
		time_iso(db_col_int(st, 5), when);
		json_object_set_new(o, "reason", json_string(db_col_text(st, 3)));
		json_object_set_new(o, "voided_at", json_string(when));
		json_object_set_new(o, "voided_by", db_col_json(st, 4));
		json_object_set_new(o, "voided_by_name", db_col_json(st, 6));
	} else {
		time_iso(db_col_int(st, 8), when);
		json_object_set_new(o, "purpose", json_string(db_col_text(st, 7)));
		json_object_set_new(o, "reserved_at", json_string(when));
		json_object_set_new(o, "reserved_by_name", db_col_json(st, 9));
	}
	return o;
}

/* Walks the ledger in sequence order: counts, voided and reserved rows, missing sequences. */
static int gaps_walk(struct db *db, int64_t series_id, int year, int64_t last_seq, json_t *report,
                     struct err *e)
{
	struct db_stmt *st = db_query(
	    db, e,
	    "SELECT n.seq, n.state, n.number, n.void_reason, n.voided_by, n.voided_at, v.name,"
	    " n.purpose, n.issued_at, i.name FROM number_issued n"
	    " LEFT JOIN app_user v ON v.id = n.voided_by"
	    " LEFT JOIN app_user i ON i.id = n.issued_by"
	    " WHERE n.series_id = $1 AND n.year = $2 ORDER BY n.seq",
	    "Ii", series_id, year);
	json_t *voided = json_array(), *reserved = json_array(), *missing = json_array();
	int64_t expect = 1, used = 0, nvoid = 0, nres = 0, beyond = 0, nmissing = 0;
	int rc;

	if (st == NULL)
		goto fail;
	while ((rc = db_step(st, e)) == DB_ROW) {
		int64_t seq = db_col_int(st, 0);
		const char *state = db_col_text(st, 1);
		for (; expect < seq && expect <= last_seq; expect++, nmissing++)
			if (json_array_size(missing) < NUMBERING_MISSING_MAX)
				json_array_append_new(missing, json_integer(expect));
		expect = seq + 1;
		if (seq > last_seq)
			beyond++;
		if (strcmp(state, NUMBER_VOID) == 0) {
			nvoid++;
			json_array_append_new(voided, ledger_entry(st));
		} else if (strcmp(state, NUMBER_RESERVED) == 0) {
			nres++;
			json_array_append_new(reserved, ledger_entry(st));
		} else {
			used++;
		}
	}
	db_reset(st);
	if (rc < 0)
		goto fail;
	for (; expect <= last_seq; expect++, nmissing++)
		if (json_array_size(missing) < NUMBERING_MISSING_MAX)
			json_array_append_new(missing, json_integer(expect));
	json_object_set_new(report, "counts",
	                    json_pack("{s:I, s:I, s:I, s:I}", "issued",
	                              (json_int_t)(used + nvoid + nres), "used", (json_int_t)used,
	                              "reserved", (json_int_t)nres, "void", (json_int_t)nvoid));
	json_object_set_new(report, "voided", voided);
	json_object_set_new(report, "reserved", reserved);
	json_object_set_new(report, "missing", missing);
	json_object_set_new(report, "missing_count", json_integer(nmissing));
	json_object_set_new(report, "complete", json_boolean(nmissing == 0 && beyond == 0));
	return 0;
fail:
	json_decref(voided);
	json_decref(reserved);
	json_decref(missing);
	return -1;
}

json_t *numbering_gaps(struct db *db, int64_t org_id, int64_t series_id, int year, struct err *e)
{
	json_t *series, *report;
	int64_t last;

	if (year_check(year, e))
		return NULL;
	series = numbering_series_json(db, org_id, series_id, year, e);
	if (series == NULL)
		return NULL;
	last = json_integer_value(json_object_get(series, "last_seq"));
	report = json_pack("{s:{s:O, s:O}, s:i, s:I}", "series", "id",
	                   json_object_get(series, "id"), "code", json_object_get(series, "code"),
	                   "year", year, "last_seq", (json_int_t)last);
	json_decref(series);
	if (gaps_walk(db, series_id, year, last, report, e)) {
		json_decref(report);
		return NULL;
	}
	return report;
}

/* `jianwu demo`: the org's usual families, from its own 机关代字 (定检 -> 定检发, 定检办发,
 * 定检函). */
int numbering_demo(struct db *db, int64_t org_id, struct err *e)
{
	static const struct {
		const char *suffix, *name;
	} families[] = {{"发", "院文件"}, {"办发", "办公室文件"}, {"函", "函件"}};
	struct db_stmt *st;
	char org_code[NUMBERING_CODE_MAX], code[NUMBERING_CODE_MAX + 1];
	int rc;

	st = db_query(db, e, "SELECT code FROM org WHERE id = $1", "I", org_id);
	if (st == NULL)
		return -1;
	rc = db_step(st, e);
	if (rc == DB_ROW)
		snprintf(org_code, sizeof org_code, "%s", db_col_text(st, 0));
	db_reset(st);
	if (rc != DB_ROW)
		return rc < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "单位不存在");
	for (size_t i = 0; i < sizeof families / sizeof families[0]; i++) {
		snprintf(code, sizeof code, "%s%s", org_code, families[i].suffix);
		if (code_check(code, e) ||
		    db_execf(db, e,
		             "INSERT INTO number_series (org_id, code, format, name, created_at)"
		             " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (org_id, code) DO NOTHING",
		             "IsssI", org_id, code, NUMBERING_DEFAULT_FORMAT, families[i].name,
		             time_now()) < 0)
			return -1;
	}
	return 0;
}
