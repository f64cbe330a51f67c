/*
 * docs.h - 公文处理 (domain.md §0–§1): 收文 (incoming), 发文 (outgoing), 传阅 (circulation),
 * rules only, no HTTP (the routes are docs_api.c and outgoing_api.c).
 *
 * Every function runs inside the caller's write transaction (the server's, or the demo's), so a
 * step, its opinion row, its todos, notices and acl rows commit together with the audit row.
 * Who acts and when is passed in a struct dctx: the server passes the caller and time_now(); the
 * demo replays a year with its own clock.
 *
 * Need-to-know: objects are kinds "incoming" and "outgoing" in the acl table (docs/acl.h). Every
 * lookup by id answers ERR_NOT_FOUND for objects outside the caller's org or sight.
 *
 * Security boundary (§0): unless the org's setting `classified_network` is "1", documents marked
 * 秘密, 机密 or 绝密 are register entries only: a body or an attachment for them is refused with
 * ERR_VALIDATION and a Chinese message naming the rule.
 *
 * Memory: json_t results are new references owned by the caller; const char * fields of the
 * input structs are borrowed for the duration of the call.
 */
#ifndef JW_DOCS_H
#define JW_DOCS_H

#include "auth/auth.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/limits.h"
#include "db/db.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#define DOC_KIND_INCOMING    "incoming"
#define DOC_KIND_OUTGOING    "outgoing"
#define DOC_KIND_CIRCULATION "circulation" /* todo kind of a document to read */

/* Limits of the document fields (bytes unless said otherwise). */
#define DOCS_ORG_NAME_MAX      300  /* 来文单位 (100 CJK characters) */
#define DOCS_FROM_NUMBER_MAX   128  /* 来文字号 */
#define DOCS_ADDRESSEES_MAX    3000 /* 主送, 抄送 (1000 CJK characters) */
#define DOCS_ATTACH_NOTE_MAX   3000 /* 附件说明 */
#define DOCS_METHOD_MAX        128  /* 分发/答复方式 */
#define DOCS_COPIES_MAX        10000
#define DOCS_PAGES_MAX         100000
#define DOCS_ASSIST_MAX        20  /* 协办 departments of one assignment */
#define DOCS_COUNTERSIGN_MAX   20  /* 会签 departments of one draft */
#define DOCS_CIRCULATE_MAX     200 /* readers added by one request */
#define DOCS_RECIPIENTS_MAX    200 /* internal or external recipients of one 分发 */
#define DOCS_SECRECY_YEARS_MAX 30
#define DOCS_ATTACHMENTS_MAX   50 /* files attached to one document */

/* The 15 types of the 条例; the 13 a procuratorate uses come first (no 决议, 公报). */
#define DOC_TYPE_COUNT 15
struct doc_type {
	const char *code; /* "notice" */
	const char *name; /* "通知" */
	bool procuratorate;
};
extern const struct doc_type doc_types[DOC_TYPE_COUNT];
/* By code or by Chinese name ("notice" or "通知"); NULL if neither. */
const struct doc_type *doc_type_find(const char *code_or_name);

enum secrecy {
	SECRECY_NONE,
	SECRECY_INTERNAL,
	SECRECY_SECRET,       /* 秘密, at most 10 years */
	SECRECY_CONFIDENTIAL, /* 机密, at most 20 years */
	SECRECY_TOP_SECRET,   /* 绝密, at most 30 years */
	SECRECY_COUNT
};
extern const char *const secrecy_codes[SECRECY_COUNT + 1]; /* NULL-terminated, for jv_enum */
extern const char *const secrecy_names[SECRECY_COUNT];
int secrecy_from_code(const char *code); /* -1 if unknown */
int secrecy_max_years(enum secrecy s);   /* 0 for none and internal */
bool secrecy_classified(enum secrecy s); /* 秘密 and above: a state secret */
/* "机密★20年", "内部", "" — the marking printed on the document. out: 32 bytes. */
void secrecy_mark(enum secrecy s, int years, char out[32]);
/* Validates a level and period pair: years 0 = unmarked = the maximum; a period on an
 * unclassified level is refused. *years_out is the period to store. */
int secrecy_check(enum secrecy s, int64_t years, int *years_out, struct err *e);

extern const char *const urgency_codes[4]; /* normal, urgent, very_urgent, NULL */
extern const char *const urgency_names[3]; /* 普通, 加急, 特急 */
int urgency_from_code(const char *code);

/* Who acts and when. */
struct dctx {
	struct db *db;
	const struct principal *who;
	int64_t now; /* Unix seconds */
};

/* The org's classified-network switch (setting `classified_network` = "1"); off by default. */
int docs_classified_network(struct db *db, int64_t org_id, bool *on, struct err *e);
/* Refuses a body or attachments on a 秘密/机密/绝密 document unless the switch is on. */
int docs_check_register_only(struct dctx *c, enum secrecy s, bool has_body, bool has_attachments,
                             struct err *e);

/* Attachments (src/files): the set of files of a document becomes exactly ids[0..n) (files the
 * caller may read; others are ERR_VALIDATION). *count receives how many a document has. */
int docs_set_attachments(struct dctx *c, const char *kind, int64_t doc_id, const int64_t *ids,
                         size_t n, struct err *e);
int docs_attachment_count(struct dctx *c, const char *kind, int64_t doc_id, size_t *count,
                          struct err *e);

/*
 * Search: the full-text index belongs to src/search. Every write of a 收文 or 发文 (registering,
 * editing, each step, 传阅, 阅知) ends with docs_indexed(db, kind, id) inside the writing
 * transaction; the search module sets the hook once at start-up, before serving.
 */
typedef int (*docs_index_fn)(struct db *db, const char *kind, int64_t id, struct err *e);
void docs_set_index_hook(docs_index_fn fn);
int docs_indexed(struct db *db, const char *kind, int64_t id, struct err *e); /* 0 without hook */

/* One step on the record (留痕 of the 收文处理单 and the 发文 opinions). */
struct opinion_new {
	const char *kind; /* DOC_KIND_INCOMING / DOC_KIND_OUTGOING */
	int64_t doc_id;
	const char *action; /* "review" */
	const char *step;   /* "初审" */
	const char *opinion;
	int64_t on_behalf_id; /* 代: 0 = none */
	const char *from_state, *to_state;
	json_t *detail; /* borrowed, may be NULL */
};
int docs_opinion_add(struct dctx *c, const struct opinion_new *o, struct err *e);
/* The opinions of a document, oldest first, as a JSON array. */
json_t *docs_opinions_json(struct db *db, const char *kind, int64_t doc_id, struct err *e);

/* People. */
int docs_user_in_org(struct db *db, int64_t org_id, int64_t user_id, struct err *e);
int docs_dept_in_org(struct db *db, int64_t org_id, int64_t dept_id, struct err *e);
/* The head of a department (department.head_id, else its first user with the dept_head role);
 * 0 if none. */
int docs_dept_head(struct db *db, int64_t org_id, int64_t dept_id, int64_t *head, struct err *e);
/* Is the user the head of the department (by department.head_id or the dept_head role there)? */
int docs_is_dept_head(struct db *db, const struct principal *p, int64_t dept_id, bool *yes,
                      struct err *e);
/* Active users of the org holding a role ("office_director"), at most max ids. */
int docs_users_with_role(struct db *db, int64_t org_id, const char *role, int64_t *ids, size_t max,
                         size_t *n, struct err *e);
bool docs_user_has_role(struct db *db, int64_t user_id, const char *role, struct err *e);

/* Todos and notices of a document (src/workflow/workflow.h) with the document's title. */
int docs_todo(struct dctx *c, const char *kind, int64_t doc_id, int64_t user_id, const char *title,
              const char *step, const char *due_date, struct err *e);
int docs_notice(struct dctx *c, int64_t user_id, const char *notice_kind, const char *object_kind,
                int64_t doc_id, const char *title, const char *body, struct err *e);

/* ---- 收文 (incoming.c) ---- */

enum in_state {
	IN_REGISTERED,  /* 已登记，待初审 */
	IN_RETURNED,    /* 已退回来文单位 */
	IN_REVIEWED,    /* 待拟办 */
	IN_PROPOSED,    /* 待批办 */
	IN_INSTRUCTED,  /* 待交办 */
	IN_HANDLING,    /* 承办中 */
	IN_CIRCULATING, /* 传阅中 (阅知件) */
	IN_FINISHED,    /* 已办结，待答复 */
	IN_ARCHIVABLE,  /* 待归档 */
	IN_STATE_COUNT
};
extern const char *const in_state_codes[IN_STATE_COUNT + 1];
extern const char *const in_state_names[IN_STATE_COUNT];
int in_state_from_code(const char *code);

enum in_action {
	IN_ACT_REVIEW,   /* 初审 通过 */
	IN_ACT_RETURN,   /* 初审 退回来文单位 (opinion = reasons) */
	IN_ACT_PROPOSE,  /* 拟办 (office; names the leader for 批示) */
	IN_ACT_INSTRUCT, /* 批办 (leader's 批示) */
	IN_ACT_ASSIGN,   /* 承办: 主办 + 协办 departments, deadlines */
	IN_ACT_DELEGATE, /* a handling department's head hands it to one of its people */
	IN_ACT_REPORT,   /* a handling department reports its result */
	IN_ACT_URGE,     /* 催办 */
	IN_ACT_FINISH,   /* 办结 */
	IN_ACT_REPLY,    /* 答复 the sender, then ready for archiving */
	IN_ACT_CLOSE,    /* no answer needed: ready for archiving */
	IN_ACT_COUNT
};
extern const char *const in_action_codes[IN_ACT_COUNT + 1];
extern const char *const in_action_steps[IN_ACT_COUNT]; /* 初审, 退回, 拟办, ... */

struct incoming_new {
	const char *title, *from_org, *from_number, *doc_type, *body;
	enum secrecy secrecy;
	int secrecy_years; /* 0 = maximum of the level */
	int urgency;
	int64_t copies, pages;
	const char *received_date;  /* YYYY-MM-DD; NULL = today */
	const char *due_date;       /* may be NULL */
	const char *source;         /* NULL = "external" */
	int64_t outgoing_id;        /* internal copies of our own 发文 */
	const int64_t *attachments; /* file ids */
	size_t attachment_count;
};
/* 签收 + 登记: takes the next 收文编号 of the year (same transaction, no gap), records both steps
 * and puts 初审 in the registrar's 待办. *number (64 bytes) gets "收文〔2026〕12号". */
int incoming_register(struct dctx *c, const struct incoming_new *in, int64_t *id, char number[64],
                      struct err *e);

/* Register fields changed by the office (only the fields given; NULL/-1 = unchanged). */
struct incoming_patch {
	int64_t version;
	const char *title, *from_org, *from_number, *doc_type, *body, *due_date;
	bool clear_due;
	int secrecy, urgency;                 /* -1 = unchanged */
	int64_t secrecy_years, copies, pages; /* -1 = unchanged */
	const int64_t *attachments;           /* the new set of file ids when set_attachments */
	size_t attachment_count;
	bool set_attachments;
};
int incoming_update(struct dctx *c, int64_t id, const struct incoming_patch *p, struct err *e);

struct dept_deadline {
	int64_t dept_id;
	const char *deadline; /* YYYY-MM-DD or NULL */
};
struct incoming_action {
	enum in_action action;
	const char *opinion;
	int64_t version;           /* 0 = not checked */
	int64_t leader_id;         /* propose */
	struct dept_deadline main; /* assign */
	struct dept_deadline assist[DOCS_ASSIST_MAX];
	size_t assist_count;
	int64_t user_id;    /* delegate */
	const char *method; /* reply */
};
int incoming_act(struct dctx *c, int64_t id, const struct incoming_action *a, struct err *e);

/* The document with its 收文处理单 (opinions, assignments, circulation summary) and the actions
 * the caller may take now. NULL with ERR_NOT_FOUND when not visible. */
json_t *incoming_get_json(struct dctx *c, int64_t id, struct err *e);
/* Checks sight of an incoming document; loads its state and version. */
int incoming_visible(struct dctx *c, int64_t id, int *state, int64_t *version, struct err *e);

struct incoming_filter {
	int year;  /* 0 = any */
	int state; /* -1 = any */
	const char *doc_type;
	int secrecy;     /* -1 = any */
	int64_t dept_id; /* 0 = any: 主办 or 协办 department */
	bool overdue;
	bool mine; /* only documents routed/circulated to the caller (acl rows) */
	int64_t limit, offset;
};
/* One page, newest first, with the total under the same need-to-know (*items: a new array). */
int incoming_list(struct dctx *c, const struct incoming_filter *f, json_t **items, int64_t *total,
                  struct err *e);
/* The same page appended to out as JSON array text: the API's hot path (no jansson tree). */
int incoming_list_text(struct dctx *c, const struct incoming_filter *f, struct buf *out,
                       int64_t *total, struct err *e);

/* ---- 传阅 (circulation.c) ---- */

/* Circulates a document to readers: acl row, circulation row and a 待办 (kind "circulation") per
 * reader; readers already on the list are skipped. Returns how many were added. In 待拟办 the
 * document becomes a 阅知件 (state circulating). */
int circulation_send(struct dctx *c, int64_t doc_id, const int64_t *user_ids, size_t n, int *added,
                     struct err *e);
/* The caller marks the document read (with an optional comment); closes their todo. */
int circulation_read(struct dctx *c, int64_t doc_id, const char *comment, struct err *e);
/* Who has read (when, comment) and who has not: {"items":[...], "read":N, "unread":N}. */
json_t *circulation_status_json(struct dctx *c, int64_t doc_id, struct err *e);
/* The caller's reading list (documents circulated to them), unread first. */
int circulation_mine(struct dctx *c, bool unread_only, int64_t limit, int64_t offset,
                     json_t **items, int64_t *total, struct err *e);

/* For the reminder scheduler: every unread circulation sent before `sent_before`, oldest first,
 * at most max rows, one callback per row (stop early by returning non-zero). */
struct circulation_unread {
	int64_t org_id, doc_id, user_id, sender_id, sent_at;
	const char *title; /* valid during the callback */
	const char *number;
};
int circulation_unread_each(struct db *db, int64_t sent_before, size_t max,
                            int (*cb)(void *arg, const struct circulation_unread *u), void *arg,
                            struct err *e);

/* ---- 发文 (outgoing.c, outgoing_approval.c) ---- */

enum out_state {
	OUT_DRAFT,         /* 拟稿 */
	OUT_DEPT_REVIEW,   /* 部门审核 */
	OUT_OFFICE_REVIEW, /* 办公室核稿 */
	OUT_COUNTERSIGN,   /* 会签 */
	OUT_LEADER_REVIEW, /* 分管领导审核 */
	OUT_SIGNING,       /* 待签发 */
	OUT_SIGNED,        /* 已签发，待编号 */
	OUT_NUMBERED,      /* 已编号，待校对 */
	OUT_PROOFREAD,     /* 已校对，待印发 */
	OUT_PRINTED,       /* 已印发，待分发 */
	OUT_DISTRIBUTED,   /* 已分发，待归档 */
	OUT_STATE_COUNT
};
extern const char *const out_state_codes[OUT_STATE_COUNT + 1];
extern const char *const out_state_names[OUT_STATE_COUNT];
int out_state_from_code(const char *code);

enum direction { DIR_UP, DIR_PARALLEL, DIR_DOWN };
extern const char *const direction_codes[4]; /* up, parallel, down, NULL */
extern const char *const direction_names[3]; /* 上行文, 平行文, 下行文 */

enum out_action {
	OUT_ACT_SUBMIT,      /* 拟稿人 送审 */
	OUT_ACT_APPROVE,     /* 审核/核稿 同意 */
	OUT_ACT_RETURN,      /* 退回 (to the drafter or an earlier step) */
	OUT_ACT_COUNTERSIGN, /* 会签 */
	OUT_ACT_SIGN,        /* 签发 */
	OUT_ACT_NUMBER,      /* 编号 */
	OUT_ACT_PROOFREAD,   /* 校对 */
	OUT_ACT_PRINT,       /* 印发 */
	OUT_ACT_DISTRIBUTE,  /* 分发 */
	OUT_ACT_COUNT
};
extern const char *const out_action_codes[OUT_ACT_COUNT + 1];

struct outgoing_fields {
	const char *title, *doc_type, *main_to, *copy_to, *body, *attachment_note;
	int secrecy, urgency, direction; /* -1 = not given */
	int64_t secrecy_years;           /* -1 = not given */
	int64_t dept_id, print_copies;   /* -1 = not given */
	int64_t countersign[DOCS_COUNTERSIGN_MAX];
	int countersign_count; /* -1 = not given */
	int64_t attachments[DOCS_ATTACHMENTS_MAX];
	int attachment_count; /* -1 = not given (update: unchanged) */
};
/* A new draft by the caller (拟稿人); version 1 of the 正文 is kept. */
int outgoing_create(struct dctx *c, const struct outgoing_fields *f, int64_t *id, struct err *e);
/* Edits by the drafter (拟稿) or the one whose step it is; a changed 正文 becomes a new version;
 * a substantive change after 签发 sends the draft back to the signer. */
int outgoing_update(struct dctx *c, int64_t id, int64_t version, const struct outgoing_fields *f,
                    struct err *e);

struct external_recipient {
	const char *name, *method, *date;
};
struct outgoing_action {
	enum out_action action;
	const char *opinion;
	int64_t version;      /* 0 = not checked */
	int return_to;        /* OUT_ACT_RETURN: target state, -1 = the drafter */
	int64_t on_behalf_id; /* OUT_ACT_SIGN: 代 whose authority */
	int64_t series_id;    /* OUT_ACT_NUMBER: the series ... */
	int64_t reserved_seq; /* ... and a number reserved (预留) earlier, 0 = the next one */
	const char *date;     /* OUT_ACT_PRINT: 印发日期 (NULL = today) */
	int64_t users[DOCS_RECIPIENTS_MAX]; /* OUT_ACT_DISTRIBUTE internal readers */
	size_t user_count;
	int64_t depts[DOCS_RECIPIENTS_MAX]; /* ... and departments (their heads) */
	size_t dept_count;
	struct external_recipient external[DOCS_RECIPIENTS_MAX];
	size_t external_count;
};
int outgoing_act(struct dctx *c, int64_t id, const struct outgoing_action *a, struct err *e);

json_t *outgoing_get_json(struct dctx *c, int64_t id, struct err *e);
int outgoing_visible(struct dctx *c, int64_t id, struct err *e);
json_t *outgoing_versions_json(struct dctx *c, int64_t id, struct err *e);
json_t *outgoing_version_json(struct dctx *c, int64_t id, int64_t no, struct err *e);
/* {"from":a, "to":b, "chunks":[{"op":"eq|del|ins","text":...}], "inserted":N, "deleted":N} */
json_t *outgoing_compare_json(struct dctx *c, int64_t id, int64_t from, int64_t to, struct err *e);

struct outgoing_filter {
	int year, state, secrecy, direction; /* 0 / -1 = any */
	const char *doc_type;
	int64_t dept_id;
	bool mine;
	int64_t limit, offset;
};
int outgoing_list(struct dctx *c, const struct outgoing_filter *f, json_t **items, int64_t *total,
                  struct err *e);
int outgoing_list_text(struct dctx *c, const struct outgoing_filter *f, struct buf *out,
                       int64_t *total, struct err *e);

/* ---- demo (docs_demo.c) ---- */
int docs_demo(struct db *db, int64_t org_id, struct err *e);

#endif
