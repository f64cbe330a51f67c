/*
 * docs_int.h - private to src/docs: a small builder for list queries whose filters vary, and the
 * shared JSON helpers of the two document kinds.
 *
 * Why build SQL at run time: "($2 IS NULL OR d.year = $2)" hides the filter from the SQLite
 * planner, which then cannot use the index of that filter. Each combination of filters is its own
 * statement text, so each is prepared once per connection and cached (at most 2^filters texts).
 * Only fixed fragments written in this directory go into the text; values are always bound.
 */
#ifndef JW_DOCS_INT_H
#define JW_DOCS_INT_H

#include "core/buf.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "docs/docs.h"

#define QB_ARGS_MAX 16

struct qb {
	struct buf where; /* " WHERE d.org_id = $1 AND ..." */
	int n;            /* placeholders used */
	char type[QB_ARGS_MAX];
	int64_t i[QB_ARGS_MAX];
	const char *s[QB_ARGS_MAX];
};

void qb_init(struct qb *q);
void qb_free(struct qb *q);
/* Adds the condition fmt, in which "$?" stands for the next placeholder, bound to an integer. */
void qb_int(struct qb *q, const char *cond, int64_t v);
void qb_text(struct qb *q, const char *cond, const char *v);
void qb_raw(struct qb *q, const char *cond); /* a condition without a value */
/* Prepares head + where + tail and binds the arguments; tail may use $L and $O for the
 * limit and offset (bound when limit > 0). */
struct db_stmt *qb_prepare(struct qb *q, struct db *db, const char *head, const char *tail,
                           int64_t limit, int64_t offset, struct err *e);

/* The WHERE clause with its values as one string (a cache key); false if it does not fit. */
bool qb_key(const struct qb *q, char *out, size_t len);

/* Today's date as "YYYY-MM-DD" in China at c->now. */
void docs_today(const struct dctx *c, char out[DATE_STR_MAX]);

/* Validates an optional date field; *out stays NULL when absent. */
int docs_date_check(const char *s, const char *field, const char *label, struct err *e);

/* Ids from a JSON array of positive integers, at most max. */
int docs_id_array(json_t *arr, const char *field, const char *label, int64_t *ids, size_t max,
                  size_t *n, struct err *e);

/*
 * A JSON object written straight into a buffer. Lists are the hot path (bench/lists): building a
 * jansson tree per row and serialising it again costs more than the SQL, so rows are written as
 * text once, with the same escaping as the server's own JSON output (src/http/json_out.c).
 */
struct jw {
	struct buf *b;
	bool first;
};
void jw_open(struct jw *w, struct buf *b);
void jw_close(struct jw *w);
void jw_str(struct jw *w, const char *key, const char *v); /* NULL writes null */
void jw_int(struct jw *w, const char *key, int64_t v);
void jw_bool(struct jw *w, const char *key, bool v);
void jw_null(struct jw *w, const char *key);
void jw_key(struct jw *w, const char *key); /* the caller writes the value */
void json_escape(struct buf *b, const char *s);

/* Incoming document columns for lists and details, and the row as a JSON object (text). */
#define IN_COLS                                                                                    \
	"d.id, d.number, d.title, d.from_org, d.from_number, d.doc_type, d.secrecy,"               \
	" d.secrecy_years, d.urgency, d.copies, d.pages, d.received_date, d.due_date, d.state,"    \
	" d.main_dept_id, (SELECT name FROM department WHERE id = d.main_dept_id), d.version,"     \
	" d.source, d.year, d.created_at"
void incoming_row_write(struct buf *b, struct db_stmt *st, const char *today);

#define OUT_COLS                                                                                   \
	"d.id, d.number, d.title, d.doc_type, d.secrecy, d.secrecy_years, d.urgency,"              \
	" d.direction, d.dept_id, (SELECT name FROM department WHERE id = d.dept_id),"             \
	" d.drafter_id, (SELECT name FROM app_user WHERE id = d.drafter_id), d.state,"             \
	" d.main_to, d.copy_to, d.print_copies, d.attachment_note, d.signer_name,"                 \
	" d.signer_behalf_name, d.sign_date, d.printed_date, d.body_version, d.version, d.year,"   \
	" d.created_at, d.updated_at"
void outgoing_row_write(struct buf *b, struct db_stmt *st);
/* The same rows as jansson objects (details, which add to them). */
json_t *incoming_row_json(struct db_stmt *st, const char *today);
json_t *outgoing_row_json(struct db_stmt *st);

/* The number/title key of a document for todo titles: "收文〔2026〕3号 关于……". */
void docs_todo_title(char *out, size_t len, const char *number, const char *title);

/* An incoming document as the state machine sees it. */
struct in_doc {
	int64_t id, version, registrar_id, leader_id, main_dept_id;
	int state, secrecy;
	bool has_body;
	char title[FIELD_TITLE_MAX + 1];
	char number[64];
	char due[DATE_STR_MAX];
};
/* Loads a document of the caller's org that the caller may see; ERR_NOT_FOUND otherwise. */
int in_doc_load(struct dctx *c, int64_t id, struct in_doc *d, struct err *e);
int in_set_state(struct dctx *c, struct in_doc *d, int to, struct err *e);
/* Is the caller the head of, or the person handling for, a department still handling it? */
int in_is_assignee(struct dctx *c, int64_t doc_id, bool *yes, struct err *e);

/* The approval half of 发文 (部门审核 → 办公室核稿 → 会签 → 分管领导审核 → 签发) runs on the
 * approval engine (outgoing_approval.c): outgoing.c starts it (送审), passes it the approval
 * actions of its route, and the engine's listener moves the document (and, once signed, hands it to
 * the office).
 */
struct out_doc {
	int64_t id, org_id, dept_id, drafter_id, signer_id, version;
	int state, direction, secrecy;
	char title[FIELD_TITLE_MAX + 1];
	char number[256]; /* NUMBERING_NUMBER_MAX */
	bool numbered;
};
/* A document of the caller's org that the caller may see; ERR_NOT_FOUND otherwise. */
int out_doc_load(struct dctx *c, int64_t id, struct out_doc *d, struct err *e);
/* The same without the need-to-know test (the approval engine checked it already). */
int out_doc_read(struct dctx *c, int64_t id, struct out_doc *d, struct err *e);
int out_set_state(struct dctx *c, struct out_doc *d, int to, struct err *e);
/* 待办 of an office step after 签发 ("编号", "校对") for the clerks (else office directors). */
int out_clerk_todos(struct dctx *c, struct out_doc *d, const char *step, struct err *e);
/* 送审 and the approval actions (approve, countersign, sign, return) of the 发文 route. */
int out_approval_act(struct dctx *c, struct out_doc *d, const struct outgoing_action *a,
                     struct err *e);
/* Approval actions the caller may take in the document's current state (for the UI). */
void out_approval_allowed(struct dctx *c, struct out_doc *d, json_t *actions);
/* A substantive change after 签发: the signer must sign again (a 重新签发 instance). */
int out_approval_resign(struct dctx *c, struct out_doc *d, struct err *e);
/* The 稿纸 changed while in approval: the engine's form and 会签 people follow. */
int out_approval_sync(struct dctx *c, struct out_doc *d, struct err *e);
/* The document's latest approval instance, 0 when none. */
int out_approval_instance(struct dctx *c, const struct out_doc *d, int64_t *id, struct err *e);
bool out_is_approval_state(int state);
/* The org's default chains ("outgoing", "outgoing_resign") unless it has them. */
int out_approval_seed(struct db *db, int64_t org_id, struct err *e);
/* Registers the engine listener of module "outgoing" once (module start, demo, tests). */
void out_approval_register(void);

/* The json_t form of a list written as JSON text by *_list_text (for callers outside the API's
 * fast path): parses text when rc is 0, frees it always, returns rc or -1. */
int docs_list_json(int rc, struct buf *text, json_t **items, struct err *e);

#endif
