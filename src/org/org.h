/*
 * org.h - organisations (one 院 each), the department tree and user accounts.
 * Every row belongs to an org; every query here is scoped by the caller's org id.
 * Functions run inside the caller's transaction.
 */
#ifndef JW_ORG_H
#define JW_ORG_H

#include "auth/auth.h"
#include "core/err.h"
#include "db/db.h"

#include <jansson.h>
#include <stdint.h>

#define USERNAME_MIN  2
#define USERNAME_MAX  32
#define DEPT_CODE_MAX 16

int org_create(struct db *db, const char *name, const char *code, int64_t *id, struct err *e);
/* The only org of a single-院 database (CLI commands); ERR_NOT_FOUND if none. */
int org_default(struct db *db, int64_t *id, struct err *e);

int dept_create(struct db *db, int64_t org_id, const char *code, const char *name,
                int64_t parent_id, int64_t *id, struct err *e);
/* 0 and *id, or ERR_VALIDATION naming the field when the code is unknown in the org. */
int dept_by_code(struct db *db, int64_t org_id, const char *code, int64_t *id, struct err *e);
int dept_set_leaders(struct db *db, int64_t dept_id, int64_t head_id, int64_t leader_id,
                     struct err *e);

struct user_new {
	const char *username;
	const char *name;
	int64_t department_id;
	unsigned roles;
	char *password; /* wiped */
	bool must_change;
};
int user_create(struct db *db, int64_t org_id, struct user_new *u, int64_t *id, struct err *e);
int user_by_username(struct db *db, const char *username, int64_t *id, bool *found, struct err *e);
/* The public shape of a user (architecture: USER); NULL with ERR_NOT_FOUND if not in the org. */
json_t *user_json(struct db *db, int64_t org_id, int64_t user_id, struct err *e);

/* A row of (id, username, name, must_change, active, version, dept id, code, name, roles csv). */
json_t *user_row_to_json(struct db_stmt *st);

int username_check(const char *username, struct err *e);
int dept_code_check(const char *code, struct err *e);

struct module;
extern const struct module org_module;

#endif
