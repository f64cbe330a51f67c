#include "org/org.h"
#include "core/timeutil.h"
#include "http/http.h"

#include <ctype.h>
#include <string.h>

int username_check(const char *u, struct err *e)
{
	size_t n = strlen(u);

	if (n < USERNAME_MIN || n > USERNAME_MAX)
		return err_field(e, ERR_VALIDATION, "username", "用户名长度应为%d到%d个字符",
		                 USERNAME_MIN, USERNAME_MAX);
	for (const char *p = u; *p; p++)
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) ||
		      strchr("_.-", *p)))
			return err_field(e, ERR_VALIDATION, "username",
			                 "用户名只能包含小写字母、数字、下划线、点和连字符");
	return 0;
}

int dept_code_check(const char *code, struct err *e)
{
	size_t n = strlen(code);

	if (n < 1 || n > DEPT_CODE_MAX)
		return err_field(e, ERR_VALIDATION, "code", "部门代码长度应为1到%d个字符",
		                 DEPT_CODE_MAX);
	for (const char *p = code; *p; p++)
		if (!(isupper((unsigned char)*p) || isdigit((unsigned char)*p)))
			return err_field(e, ERR_VALIDATION, "code",
			                 "部门代码只能包含大写字母和数字（用于档号，如 BGS）");
	return 0;
}

int org_create(struct db *db, const char *name, const char *code, int64_t *id, struct err *e)
{
	struct db_stmt *st = db_query(db, e,
	                              "INSERT INTO org (name, code, created_at) VALUES ($1, $2, $3)"
	                              " RETURNING id",
	                              "ssI", name, code, time_now());
	int rc;

	if (st == NULL)
		return -1;
	rc = db_step(st, e);
	if (rc == DB_ROW)
		*id = db_col_int(st, 0);
	db_reset(st);
	return rc == DB_ROW ? 0 : -1;
}

int org_default(struct db *db, int64_t *id, struct err *e)
{
	bool found;

	if (db_query_int(db, e, id, &found, "SELECT min(id) FROM org", NULL))
		return -1;
	if (!found || *id == 0)
		return err_set(e, ERR_NOT_FOUND, "数据库中还没有单位，请先运行 jianwu init");
	return 0;
}

int dept_create(struct db *db, int64_t org_id, const char *code, const char *name,
                int64_t parent_id, int64_t *id, struct err *e)
{
	struct db_stmt *st;
	bool found;
	int64_t dummy;
	int rc;

	if (dept_code_check(code, e))
		return -1;
	if (parent_id > 0) {
		if (db_query_int(db, e, &dummy, &found,
		                 "SELECT id FROM department WHERE id = $1 AND org_id = $2", "II",
		                 parent_id, org_id))
			return -1;
		if (!found)
			return err_field(e, ERR_VALIDATION, "parent_id", "上级部门不存在");
	}
	if (db_query_int(db, e, &dummy, &found,
	                 "SELECT id FROM department WHERE org_id = $1 AND code = $2", "Is", org_id,
	                 code))
		return -1;
	if (found)
		return err_field(e, ERR_CONFLICT, "code", "部门代码 %s 已存在", code);
	st = db_query(
	    db, e,
	    "INSERT INTO department (org_id, code, name, parent_id) VALUES ($1, $2, $3, $4)"
	    " RETURNING id",
	    "Iss", org_id, code, name);
	if (st == NULL)
		return -1;
	if (parent_id > 0)
		db_bind_int(st, 4, parent_id);
	rc = db_step(st, e);
	if (rc == DB_ROW)
		*id = db_col_int(st, 0);
	db_reset(st);
	return rc == DB_ROW ? 0 : -1;
}

int dept_by_code(struct db *db, int64_t org_id, const char *code, int64_t *id, struct err *e)
{
	bool found;

	if (db_query_int(db, e, id, &found,
	                 "SELECT id FROM department WHERE org_id = $1 AND code = $2 AND active = 1",
	                 "Is", org_id, code))
		return -1;
	if (!found)
		return err_field(e, ERR_VALIDATION, "department_code", "部门不存在或已停用：%s",
		                 code);
	return 0;
}

int dept_set_leaders(struct db *db, int64_t dept_id, int64_t head_id, int64_t leader_id,
                     struct err *e)
{
	struct db_stmt *st = db_query(db, e,
	                              "UPDATE department SET head_id = $1, leader_id = $2,"
	                              " version = version + 1 WHERE id = $3",
	                              NULL);

	if (st == NULL)
		return -1;
	head_id > 0 ? db_bind_int(st, 1, head_id) : db_bind_null(st, 1);
	leader_id > 0 ? db_bind_int(st, 2, leader_id) : db_bind_null(st, 2);
	db_bind_int(st, 3, dept_id);
	int rc = db_step(st, e);
	db_reset(st);
	return rc < 0 ? -1 : 0;
}

int user_by_username(struct db *db, const char *username, int64_t *id, bool *found, struct err *e)
{
	return db_query_int(db, e, id, found, "SELECT id FROM app_user WHERE username = $1", "s",
	                    username);
}

static int set_roles(struct db *db, int64_t user_id, unsigned roles, struct err *e)
{
	if (db_execf(db, e, "DELETE FROM user_role WHERE user_id = $1", "I", user_id) < 0)
		return -1;
	for (int i = 0; i < ROLE_COUNT; i++) {
		if (!(roles & role_table[i].bit))
			continue;
		if (db_execf(db, e, "INSERT INTO user_role (user_id, role) VALUES ($1, $2)", "Is",
		             user_id, role_table[i].code) < 0)
			return -1;
	}
	return 0;
}

int user_create(struct db *db, int64_t org_id, struct user_new *u, int64_t *id, struct err *e)
{
	char hash[PASSWORD_HASH_MAX];
	bool found;
	int64_t other;
	struct db_stmt *st;
	int rc = -1;

	if (username_check(u->username, e) || password_check_policy(u->password, u->username, e))
		goto out;
	if (u->roles == 0) {
		err_field(e, ERR_VALIDATION, "roles", "至少需要一个角色");
		goto out;
	}
	if (user_by_username(db, u->username, &other, &found, e))
		goto out;
	if (found) {
		err_field(e, ERR_CONFLICT, "username", "用户名 %s 已被使用", u->username);
		goto out;
	}
	if (password_hash(u->password, hash, sizeof hash, e))
		goto out;
	st =
	    db_query(db, e,
	             "INSERT INTO app_user (org_id, username, name, department_id, password_hash,"
	             " must_change, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)"
	             " RETURNING id",
	             "IssIsiI", org_id, u->username, u->name, u->department_id, hash,
	             u->must_change ? 1 : 0, time_now());
	if (st == NULL)
		goto out;
	rc = db_step(st, e);
	if (rc == DB_ROW)
		*id = db_col_int(st, 0);
	db_reset(st);
	rc = rc == DB_ROW ? set_roles(db, *id, u->roles, e) : -1;
out:
	memset(hash, 0, sizeof hash);
	if (u->password)
		memset(u->password, 0, strlen(u->password));
	return rc;
}

/* Built with json_object_set_new rather than json_pack: this runs on every GET /me and session
 * check, and json_pack re-parses its format string each time. */
json_t *user_row_to_json(struct db_stmt *st)
{
	struct err ignored = ERR_INIT;
	unsigned roles = 0;
	json_t *u = json_object(), *d = json_object();

	role_parse_list(db_col_text(st, 9), &roles, &ignored);
	json_object_set_new(u, "id", json_integer(db_col_int(st, 0)));
	json_object_set_new(u, "username", json_string(db_col_text(st, 1)));
	json_object_set_new(u, "name", json_string(db_col_text(st, 2)));
	json_object_set_new(u, "must_change_password", json_boolean(db_col_int(st, 3)));
	json_object_set_new(u, "active", json_boolean(db_col_int(st, 4)));
	json_object_set_new(u, "version", json_integer(db_col_int(st, 5)));
	json_object_set_new(d, "id", json_integer(db_col_int(st, 6)));
	json_object_set_new(d, "code", json_string(db_col_text(st, 7)));
	json_object_set_new(d, "name", json_string(db_col_text(st, 8)));
	json_object_set_new(u, "department", d);
	json_object_set_new(u, "roles", role_json(roles));
	return u;
}

json_t *user_json(struct db *db, int64_t org_id, int64_t user_id, struct err *e)
{
	struct db_stmt *st = db_query(
	    db, e,
	    "SELECT u.id, u.username, u.name, u.must_change, u.active, u.version, d.id, d.code,"
	    " d.name, (SELECT group_concat(role) FROM user_role WHERE user_id = u.id)"
	    " FROM app_user u JOIN department d ON d.id = u.department_id"
	    " WHERE u.id = $1 AND u.org_id = $2",
	    "II", user_id, org_id);
	json_t *j = NULL;
	int rc;

	if (st == NULL)
		return NULL;
	rc = db_step(st, e);
	if (rc == DB_ROW)
		j = user_row_to_json(st);
	else if (rc == DB_DONE)
		err_set(e, ERR_NOT_FOUND, "用户不存在");
	db_reset(st);
	return j;
}
