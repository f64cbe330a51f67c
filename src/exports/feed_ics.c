/*
 * feed_ics.c - a user's open deadlines as iCalendar, with 涉密事项 redaction (feed_ics.h).
 */
#include "exports/feed_ics.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "render/ics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CLASSIFIED_LEVELS "('secret', 'confidential', 'top_secret')"
/* Open todos of kind K of the user $1 whose object is K's document table row d. */
#define OPEN_TODOS_OF(kind, table)                                                                 \
	"SELECT t.object_id FROM todo t JOIN " table " d ON d.id = t.object_id"                    \
	" WHERE t.user_id = $1 AND t.state = 'pending' AND t.kind = '" kind "'"

/*
 * Kind -> the classified objects among the user's open todos of that kind. sql NULL: objects of
 * that kind are never classified. A module that adds a todo kind adds its row here; until then
 * its items are redacted (fail closed).
 */
static const struct secrecy_rule {
	const char *kind;
	const char *label; /* what the description calls it */
	const char *sql;   /* $1 = the user; one column: object ids */
} secrecy_rules[] = {
    {"incoming", "收文办理",
     OPEN_TODOS_OF("incoming", "incoming_doc") " AND d.secrecy IN " CLASSIFIED_LEVELS},
    /* a circulated document to read is an incoming document */
    {"circulation", "传阅",
     OPEN_TODOS_OF("circulation", "incoming_doc") " AND d.secrecy IN " CLASSIFIED_LEVELS},
    {"outgoing", "发文办理",
     OPEN_TODOS_OF("outgoing", "outgoing_doc") " AND d.secrecy IN " CLASSIFIED_LEVELS},
    /* tasks carry no 密级 of their own; one made from a classified 收文's 批示 inherits it */
    {"task", "督察督办",
     OPEN_TODOS_OF("task",
                   "task") " AND d.link_kind = 'incoming' AND d.link_id IN"
                           " (SELECT id FROM incoming_doc WHERE secrecy IN " CLASSIFIED_LEVELS ")"},
    /* 报备审批 forms (请假, 出差, 外出): personal, never state secrets */
    {"approval", "审批", NULL},
};
#define N_RULES (sizeof secrecy_rules / sizeof secrecy_rules[0])

/* Classified (kind, object) pairs of the user's open todos, sorted for lookup. */
struct secret_set {
	struct secret_key {
		int rule; /* index in secrecy_rules; N_RULES = a kind without a rule */
		int64_t id;
	} * v;
	size_t n, cap;
	char unknown[8][32]; /* kinds without a rule (all redacted), for the log */
	int n_unknown;
};

static int key_cmp(const void *a, const void *b)
{
	const struct secret_key *x = a, *y = b;

	if (x->rule != y->rule)
		return x->rule < y->rule ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int rule_of(const char *kind)
{
	for (size_t i = 0; i < N_RULES; i++)
		if (strcmp(secrecy_rules[i].kind, kind) == 0)
			return (int)i;
	return -1;
}

static int set_add(struct secret_set *s, int rule, int64_t id, struct err *e)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct secret_key *v = realloc(s->v, cap * sizeof *v);
		if (v == NULL)
			return err_internal(e, "feed: out of memory");
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = (struct secret_key){rule, id};
	return 0;
}

/* One query per kind present among the user's dated open todos. */
static int load_secrets(struct db *db, int64_t user_id, struct secret_set *s, struct err *e)
{
	bool present[N_RULES] = {false};
	struct db_stmt *st;
	int rc;

	st = db_query(db, e,
	              "SELECT DISTINCT kind FROM todo WHERE user_id = $1 AND state = 'pending'"
	              " AND due_date IS NOT NULL",
	              "I", user_id);
	if (st == NULL)
		return -1;
	while ((rc = db_step(st, e)) == DB_ROW) {
		int r = rule_of(db_col_text(st, 0));
		if (r >= 0)
			present[r] = true;
		else if (s->n_unknown < 8)
			snprintf(s->unknown[s->n_unknown++], sizeof s->unknown[0], "%s",
			         db_col_text(st, 0));
	}
	db_reset(st);
	if (rc < 0)
		return -1;
	for (size_t i = 0; i < N_RULES; i++) {
		if (!present[i] || secrecy_rules[i].sql == NULL)
			continue;
		if ((st = db_query(db, e, secrecy_rules[i].sql, "I", user_id)) == NULL)
			return -1;
		while ((rc = db_step(st, e)) == DB_ROW)
			if (set_add(s, (int)i, db_col_int(st, 0), e)) {
				rc = -1;
				break;
			}
		db_reset(st);
		if (rc < 0)
			return -1;
	}
	for (int i = 0; i < s->n_unknown; i++)
		log_warn("calendar feed: todo kind \"%s\" has no secrecy rule; its items are shown "
		         "as %s",
		         s->unknown[i], FEED_SECRET_TEXT);
	if (s->n)
		qsort(s->v, s->n, sizeof s->v[0], key_cmp);
	return 0;
}

static bool is_secret(const struct secret_set *s, int rule, int64_t id)
{
	struct secret_key k = {rule, id};

	if (rule < 0)
		return true; /* no rule for the kind: fail closed */
	return s->n && bsearch(&k, s->v, s->n, sizeof s->v[0], key_cmp) != NULL;
}

static int sink_buf(void *ctx, const void *data, size_t len)
{
	buf_add(ctx, data, len);
	return 0;
}

/* One todo row: 0 id, 1 kind, 2 object_id, 3 title, 4 step, 5 due_date. */
static int write_event(struct ics_writer *w, struct db_stmt *st, const struct secret_set *s,
                       struct err *e)
{
	int rule = rule_of(db_col_text(st, 1)), day;
	const char *step = db_col_text(st, 4), *due = db_col_text(st, 5);
	struct buf summary = BUF_INIT, desc = BUF_INIT;
	char uid[64];
	struct ics_event ev = {.all_day = true};
	int rc;

	if (date_parse(due, &day))
		return 0; /* not a date: nothing to put in a calendar */
	snprintf(uid, sizeof uid, "todo-%lld@jianwu", (long long)db_col_int(st, 0));
	ev.uid = uid;
	ev.date = day;
	if (is_secret(s, rule, db_col_int(st, 2))) {
		ev.summary = FEED_SECRET_TEXT;
	} else {
		if (step && *step)
			buf_addf(&summary, "【%s】", step);
		buf_adds(&summary, db_col_text(st, 3));
		buf_addf(&desc, "类别：%s\n", rule >= 0 ? secrecy_rules[rule].label : "待办");
		if (step && *step)
			buf_addf(&desc, "环节：%s\n", step);
		buf_addf(&desc, "办理期限：%s", due);
		ev.summary = summary.data;
		ev.description = desc.data;
	}
	rc = ics_event(w, &ev, e);
	buf_free(&summary);
	buf_free(&desc);
	return rc;
}

int feed_ics_write(struct db *db, int64_t user_id, const char *owner_name, int64_t now,
                   struct buf *out, struct err *e)
{
	struct render_sink sink = {sink_buf, out};
	struct secret_set secrets = {0};
	struct ics_writer w;
	struct buf name = BUF_INIT;
	struct db_stmt *st = NULL;
	int rc = -1, step = DB_DONE;

	if (load_secrets(db, user_id, &secrets, e))
		goto out;
	buf_addf(&name, "检务·%s的办理期限", owner_name);
	if (ics_begin(&w, &sink, name.data, now, e))
		goto out;
	st = db_query(db, e,
	              "SELECT id, kind, object_id, title, step, due_date FROM todo"
	              " WHERE user_id = $1 AND state = 'pending' AND due_date IS NOT NULL"
	              " ORDER BY due_date, id LIMIT $2",
	              "Ii", user_id, FEED_EVENTS_MAX);
	if (st == NULL)
		goto out;
	while ((step = db_step(st, e)) == DB_ROW)
		if (write_event(&w, st, &secrets, e)) {
			step = -1;
			break;
		}
	db_reset(st);
	if (step < 0 || ics_end(&w, e))
		goto out;
	rc = 0;
out:
	free(secrets.v);
	buf_free(&name);
	return rc;
}
