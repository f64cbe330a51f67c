/*
 * workflow.h - what business modules use of the approval engine: start an approval for an object,
 * hear when it finishes, and put items in people's 待办 (todo) and notices.
 *
 * Everything here runs inside the caller's write transaction, so a business change, the work it
 * creates for people and its audit row commit or roll back together.
 *
 * Todos: one row per (user, piece of work). The approval engine creates and closes its own; a
 * module adds todos for work that is not an approval step (a circulated document to read, a
 * progress report that falls due) with todo_add() and closes them with todo_close().
 * GET /api/v1/todos lists a user's open todos across modules, newest first, with counts by kind.
 *
 * Notices: in-app messages (assigned, reminded, returned, overdue, finished); GET /api/v1/notices.
 * Need-to-know: a todo or notice is only ever shown to its own user_id; its title must not reveal
 * more than that user may see (for 秘密 and above use the register title only).
 */
#ifndef JW_WORKFLOW_H
#define JW_WORKFLOW_H

#include "auth/auth.h"
#include "core/err.h"
#include "db/db.h"

#include <jansson.h>
#include <stdint.h>

#define TODO_KIND_MAX  32 /* "incoming", "outgoing", "circulation", "task", "approval", ... */
#define TODO_TITLE_MAX 600

struct todo_new {
	int64_t org_id;
	int64_t user_id;
	const char *kind;    /* module's object kind, also the UI route family */
	int64_t object_id;   /* the business object */
	const char *title;   /* what the list shows */
	const char *step;    /* "签收", "核稿", "阅知" ... */
	int due_date;        /* days since epoch, or 0 = none */
	int64_t instance_id; /* approval instance, or 0 */
};

/* Adds an open todo; a second open todo for the same (user, kind, object, step) is not added. */
int todo_add(struct db *db, const struct todo_new *t, struct err *e);
/* Closes the open todos of a user (user_id > 0) or of everyone (user_id = 0) on an object;
 * step NULL = any step. Closed todos show in GET /api/v1/done. */
int todo_close(struct db *db, const char *kind, int64_t object_id, int64_t user_id,
               const char *step, struct err *e);

struct notice_new {
	int64_t org_id;
	int64_t user_id;
	const char *kind; /* "assigned", "reminded", "returned", "overdue", "finished", ... */
	const char *title;
	const char *body;        /* may be NULL */
	const char *object_kind; /* link target, may be NULL */
	int64_t object_id;
};
int notice_add(struct db *db, const struct notice_new *n, struct err *e);

extern const struct module todo_module; /* /api/v1/todos, /api/v1/done, /api/v1/notices */

#endif
