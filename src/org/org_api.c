/*
 * org_api.c - /api/v1/departments, /api/v1/users, /api/v1/roles.
 * Directory reads are open to every signed-in user (colleagues pick each other as approvers);
 * changes are for the system administrator only.
 */
#include "org/org.h"
#include "core/jsonv.h"
#include "core/timeutil.h"
#include "http/http.h"

#include <string.h>

#define USER_LIST_SQL                                                                              \
	"SELECT u.id, u.username, u.name, u.must_change, u.active, u.version, d.id, d.code, "      \
	"d.name,"                                                                                  \
	" (SELECT group_concat(role) FROM user_role WHERE user_id = u.id)"                         \
	" FROM app_user u JOIN department d ON d.id = u.department_id"                             \
	" WHERE u.org_id = $1 AND ($2 IS NULL OR u.department_id = $2)"                            \
	" AND ($3 IS NULL OR u.name LIKE '%' || $3 || '%' OR u.username LIKE '%' || $3 || '%')"

static int get_departments(struct req *r, struct err *e)
{
	json_t *items = db_query_json(
	    r->db, e, 10000,
	    "SELECT id, code, name, parent_id, head_id, leader_id, active, version FROM department"
	    " WHERE org_id = $1 ORDER BY sort, id",
	    "I", r->who.org_id);
	size_t i;
	json_t *d;

	if (items == NULL)
		return -1;
	json_array_foreach(items, i, d) json_object_set(
	    d, "active", json_boolean(json_integer_value(json_object_get(d, "active"))));
	req_reply(r, 200, json_list(items, (int64_t)json_array_size(items)));
	return 0;
}

static const char *const dept_fields[] = {"code",      "name",   "parent_id", "head_id",
                                          "leader_id", "active", "version",   NULL};

static int post_department(struct req *r, struct err *e)
{
	const char *code = NULL, *name = NULL;
	int64_t parent = 0, id;

	if (jv_only(r->body, dept_fields, e) ||
	    jv_string(r->body, "code", "部门代码", true, DEPT_CODE_MAX, &code, e) ||
	    jv_string(r->body, "name", "部门名称", true, FIELD_NAME_MAX, &name, e) ||
	    jv_int(r->body, "parent_id", "上级部门", false, 1, INT64_MAX, &parent, e))
		return -1;
	if (dept_create(r->db, r->who.org_id, code, name, parent, &id, e))
		return -1;
	req_audit_object(r, "department", id);
	snprintf(r->audit_detail, sizeof r->audit_detail, "%s %s", code, name);
	req_reply(r, 201,
	          json_pack("{s:I, s:s, s:s, s:o, s:b, s:i}", "id", (json_int_t)id, "code", code,
	                    "name", name, "parent_id", parent ? json_integer(parent) : json_null(),
	                    "active", 1, "version", 1));
	return 0;
}

static int check_user_in_org(struct req *r, int64_t user_id, const char *field, struct err *e)
{
	int64_t dummy;
	bool found;

	if (user_id <= 0)
		return 0;
	if (db_query_int(r->db, e, &dummy, &found,
	                 "SELECT id FROM app_user WHERE id = $1 AND org_id = $2", "II", user_id,
	                 r->who.org_id))
		return -1;
	return found ? 0 : err_field(e, ERR_VALIDATION, field, "指定的用户不存在");
}

static int patch_department(struct req *r, struct err *e)
{
	int64_t id, version = 0, parent = -1, head = -1, leader = -1;
	const char *name = NULL;
	bool active = true, has_active = jv_has(r->body, "active");
	struct db_stmt *st;
	int rc;

	if (req_param_id(r, "id", &id, e) || jv_only(r->body, dept_fields, e) ||
	    jv_int(r->body, "version", "版本号", true, 1, INT64_MAX, &version, e) ||
	    jv_string(r->body, "name", "部门名称", false, FIELD_NAME_MAX, &name, e) ||
	    jv_int(r->body, "parent_id", "上级部门", false, 0, INT64_MAX, &parent, e) ||
	    jv_int(r->body, "head_id", "部门负责人", false, 0, INT64_MAX, &head, e) ||
	    jv_int(r->body, "leader_id", "分管领导", false, 0, INT64_MAX, &leader, e) ||
	    jv_bool(r->body, "active", "启用状态", false, &active, e))
		return -1;
	if (jv_has(r->body, "code"))
		return err_field(e, ERR_VALIDATION, "code", "部门代码创建后不能修改（档号依赖它）");
	if (parent == id)
		return err_field(e, ERR_VALIDATION, "parent_id", "上级部门不能是自身");
	if (check_user_in_org(r, head, "head_id", e) ||
	    check_user_in_org(r, leader, "leader_id", e))
		return -1;
	st = db_query(
	    r->db, e,
	    "UPDATE department SET name = coalesce($1, name),"
	    " parent_id = CASE WHEN $2 < 0 THEN parent_id WHEN $2 = 0 THEN NULL ELSE $2 END,"
	    " head_id = CASE WHEN $3 < 0 THEN head_id WHEN $3 = 0 THEN NULL ELSE $3 END,"
	    " leader_id = CASE WHEN $4 < 0 THEN leader_id WHEN $4 = 0 THEN NULL ELSE $4 END,"
	    " active = CASE WHEN $5 THEN $6 ELSE active END, version = version + 1"
	    " WHERE id = $7 AND org_id = $8 AND version = $9",
	    "sIIIiiIII", name, parent, head, leader, has_active, active ? 1 : 0, id, r->who.org_id,
	    version);
	if (st == NULL)
		return -1;
	rc = db_step(st, e);
	db_reset(st);
	if (rc < 0)
		return -1;
	if (db_changes(r->db) == 0) {
		int64_t cur;
		bool found;
		if (db_query_int(r->db, e, &cur, &found,
		                 "SELECT version FROM department WHERE id = $1 AND org_id = $2",
		                 "II", id, r->who.org_id))
			return -1;
		return found ? err_set(e, ERR_CONFLICT, "部门已被他人修改，请刷新后重试")
		             : err_set(e, ERR_NOT_FOUND, "部门不存在");
	}
	req_audit_object(r, "department", id);
	req_reply(r, 200,
	          db_query_json(r->db, e, 1,
	                        "SELECT id, code, name, parent_id, head_id, leader_id,"
	                        " active, version FROM department WHERE id = $1",
	                        "I", id));
	return r->json ? 0 : -1;
}

static int get_users(struct req *r, struct err *e)
{
	int64_t limit, offset, total = 0, dept = 0;
	const char *q = req_query(r, "q"), *ds = req_query(r, "department_id");
	struct db_stmt *st;
	json_t *items;
	int rc;

	if (req_paging(r, &limit, &offset, e))
		return -1;
	if (ds && (dept = strtoll(ds, NULL, 10)) <= 0)
		return err_field(e, ERR_BAD_REQUEST, "department_id", "部门参数无效");
	if (q && strlen(q) > FIELD_NAME_MAX)
		return err_field(e, ERR_BAD_REQUEST, "q", "查询词过长");
	st = db_query(r->db, e, "SELECT count(*) FROM (" USER_LIST_SQL ")", "I", r->who.org_id);
	if (st == NULL)
		return -1;
	if (dept)
		db_bind_int(st, 2, dept);
	db_bind_text(st, 3, q);
	if ((rc = db_step(st, e)) == DB_ROW)
		total = db_col_int(st, 0);
	db_reset(st);
	if (rc < 0)
		return -1;
	st = db_query(r->db, e, USER_LIST_SQL " ORDER BY d.sort, d.id, u.id LIMIT $4 OFFSET $5",
	              "I", r->who.org_id);
	if (st == NULL)
		return -1;
	if (dept)
		db_bind_int(st, 2, dept);
	db_bind_text(st, 3, q);
	db_bind_int(st, 4, limit);
	db_bind_int(st, 5, offset);
	items = json_array();
	while ((rc = db_step(st, e)) == DB_ROW)
		json_array_append_new(items, user_row_to_json(st));
	db_reset(st);
	if (rc < 0) {
		json_decref(items);
		return -1;
	}
	req_reply(r, 200, json_list(items, total));
	return 0;
}

static int get_user(struct req *r, struct err *e)
{
	int64_t id;
	json_t *j;

	if (req_param_id(r, "id", &id, e))
		return -1;
	j = user_json(r->db, r->who.org_id, id, e);
	if (j == NULL)
		return -1;
	req_reply(r, 200, j);
	return 0;
}

static const char *const user_fields[] = {"username", "name",   "department_code", "roles",
                                          "password", "active", "version",         NULL};

static int roles_from_json(json_t *arr, unsigned *out, struct err *e)
{
	size_t i;
	json_t *v;

	*out = 0;
	json_array_foreach(arr, i, v)
	{
		unsigned bit = role_from_code(json_string_value(v));
		if (bit == 0)
			return err_field(e, ERR_VALIDATION, "roles", "未知角色：%.40s",
			                 json_string_value(v));
		*out |= bit;
	}
	return 0;
}

static int post_user(struct req *r, struct err *e)
{
	const char *username = NULL, *name = NULL, *dept = NULL, *pw = NULL;
	json_t *roles_json = NULL;
	struct user_new u = {0};
	char pwcopy[PASSWORD_MAX_BYTES + 1];
	int64_t id;
	int rc = -1;

	if (jv_only(r->body, user_fields, e) ||
	    jv_string(r->body, "username", "用户名", true, USERNAME_MAX, &username, e) ||
	    jv_string(r->body, "name", "姓名", true, FIELD_NAME_MAX, &name, e) ||
	    jv_string(r->body, "department_code", "部门", true, DEPT_CODE_MAX, &dept, e) ||
	    jv_string_array(r->body, "roles", "角色", true, ROLE_COUNT, 32, &roles_json, e) ||
	    jv_string(r->body, "password", "初始密码", true, PASSWORD_MAX_BYTES, &pw, e))
		return -1;
	u.username = username;
	u.name = name;
	u.must_change = true; /* set by an administrator: the user changes it at first sign-in */
	snprintf(pwcopy, sizeof pwcopy, "%s", pw);
	u.password = pwcopy;
	if (roles_from_json(roles_json, &u.roles, e) ||
	    dept_by_code(r->db, r->who.org_id, dept, &u.department_id, e) ||
	    user_create(r->db, r->who.org_id, &u, &id, e))
		goto out;
	req_audit_object(r, "user", id);
	snprintf(r->audit_detail, sizeof r->audit_detail, "%s", username);
	r->json = user_json(r->db, r->who.org_id, id, e);
	r->status = 201;
	rc = r->json ? 0 : -1;
out:
	memset(pwcopy, 0, sizeof pwcopy);
	return rc;
}

static int patch_user_fields(struct req *r, int64_t id, struct err *e)
{
	const char *name = NULL, *dept = NULL;
	json_t *roles_json = NULL;
	int64_t dept_id = 0, version = 0;
	bool active = true, has_active = jv_has(r->body, "active");
	unsigned roles = 0;
	struct db_stmt *st;
	int rc;

	if (jv_int(r->body, "version", "版本号", true, 1, INT64_MAX, &version, e) ||
	    jv_string(r->body, "name", "姓名", false, FIELD_NAME_MAX, &name, e) ||
	    jv_string(r->body, "department_code", "部门", false, DEPT_CODE_MAX, &dept, e) ||
	    jv_string_array(r->body, "roles", "角色", false, ROLE_COUNT, 32, &roles_json, e) ||
	    jv_bool(r->body, "active", "启用状态", false, &active, e))
		return -1;
	if (jv_has(r->body, "username"))
		return err_field(e, ERR_VALIDATION, "username", "用户名创建后不能修改");
	if (dept && dept_by_code(r->db, r->who.org_id, dept, &dept_id, e))
		return -1;
	if (roles_json && roles_from_json(roles_json, &roles, e))
		return -1;
	if (roles_json && roles == 0)
		return err_field(e, ERR_VALIDATION, "roles", "至少需要一个角色");
	if (id == r->who.user_id &&
	    ((roles_json && !(roles & ROLE_SYSADMIN)) || (has_active && !active)))
		return err_set(e, ERR_VALIDATION, "不能停用自己或移除自己的系统管理员角色");
	st = db_query(r->db, e,
	              "UPDATE app_user SET name = coalesce($1, name),"
	              " department_id = CASE WHEN $2 > 0 THEN $2 ELSE department_id END,"
	              " active = CASE WHEN $3 THEN $4 ELSE active END, version = version + 1,"
	              " updated_at = $5 WHERE id = $6 AND org_id = $7 AND version = $8",
	              "sIiiIIII", name, dept_id, has_active, active ? 1 : 0, time_now(), id,
	              r->who.org_id, version);
	if (st == NULL)
		return -1;
	rc = db_step(st, e);
	db_reset(st);
	if (rc < 0)
		return -1;
	if (db_changes(r->db) == 0) {
		json_t *cur = user_json(r->db, r->who.org_id, id, e);
		if (cur == NULL)
			return -1;
		json_decref(cur);
		return err_set(e, ERR_CONFLICT, "用户信息已被他人修改，请刷新后重试");
	}
	if (roles_json) {
		if (db_execf(r->db, e, "DELETE FROM user_role WHERE user_id = $1", "I", id) < 0)
			return -1;
		for (int i = 0; i < ROLE_COUNT; i++)
			if ((roles & role_table[i].bit) &&
			    db_execf(r->db, e,
			             "INSERT INTO user_role (user_id, role) VALUES ($1, $2)", "Is",
			             id, role_table[i].code) < 0)
				return -1;
	}
	if (has_active && !active && session_end_all(r->db, id, e))
		return -1;
	return 0;
}

static int patch_user(struct req *r, struct err *e)
{
	const char *pw = NULL, *username;
	char pwcopy[PASSWORD_MAX_BYTES + 1];
	int64_t id;
	json_t *u;

	if (req_param_id(r, "id", &id, e) || jv_only(r->body, user_fields, e) ||
	    jv_string(r->body, "password", "新密码", false, PASSWORD_MAX_BYTES, &pw, e))
		return -1;
	if (patch_user_fields(r, id, e))
		return -1;
	u = user_json(r->db, r->who.org_id, id, e);
	if (u == NULL)
		return -1;
	req_audit_object(r, "user", id);
	username = json_string_value(json_object_get(u, "username"));
	if (pw) {
		snprintf(pwcopy, sizeof pwcopy, "%s", pw);
		snprintf(r->audit_detail, sizeof r->audit_detail, "reset password of %s", username);
		if (password_set(r->db, id, username, pwcopy, true, e)) {
			json_decref(u);
			return -1;
		}
		json_decref(u);
		u = user_json(r->db, r->who.org_id, id, e);
	}
	req_reply(r, 200, u);
	return u ? 0 : -1;
}

static int get_roles(struct req *r, struct err *e)
{
	json_t *items = json_array();

	for (int i = 0; i < ROLE_COUNT; i++)
		json_array_append_new(items, json_pack("{s:s, s:s}", "code", role_table[i].code,
		                                       "name", role_table[i].name));
	req_reply(r, 200, json_list(items, ROLE_COUNT));
	return 0;
}

static const struct route org_routes[] = {
    {"GET", "/api/v1/departments", get_departments, 0, 0, NULL},
    {"POST", "/api/v1/departments", post_department, 0, ROLE_SYSADMIN, "department.create"},
    {"PATCH", "/api/v1/departments/{id}", patch_department, 0, ROLE_SYSADMIN, "department.update"},
    {"GET", "/api/v1/users", get_users, 0, 0, NULL},
    {"GET", "/api/v1/users/{id}", get_user, 0, 0, NULL},
    {"POST", "/api/v1/users", post_user, 0, ROLE_SYSADMIN, "user.create"},
    {"PATCH", "/api/v1/users/{id}", patch_user, 0, ROLE_SYSADMIN, "user.update"},
    {"GET", "/api/v1/roles", get_roles, 0, 0, NULL},
};

const struct module org_module = {
    .name = "org",
    .routes = org_routes,
    .route_count = sizeof org_routes / sizeof org_routes[0],
};
