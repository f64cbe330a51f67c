/*
 * demo.c - `jianwu demo`: a realistic county procuratorate (定边县人民检察院) with its departments
 * and one user per role. Later modules add their own data through struct module.demo.
 */
#include "org/org.h"
#include "http/http.h"

#include <stdio.h>
#include <string.h>

#define DEMO_PASSWORD "Demo@2026"

static const struct {
	const char *code, *name;
} demo_depts[] = {
    {"YLD", "院领导"},       {"ZZB", "政治部"},       {"DYJCB", "第一检察部"},
    {"DEJCB", "第二检察部"}, {"DSJCB", "第三检察部"}, {"DSIJCB", "第四检察部"},
    {"JWDCB", "检务督察部"}, {"AGB", "案件管理部"},   {"SFJD", "司法警察大队"},
    {"JSK", "检察技术科"},
};

static const struct {
	const char *username, *name, *dept, *roles;
} demo_users[] = {
    {"zhangjg", "张建国", "YLD", "chief"},
    {"lihm", "李红梅", "YLD", "leader"},
    {"wangq", "王强", "BGS", "office_director,dept_head"},
    {"zhaol", "赵丽", "BGS", "clerk"},
    {"sunm", "孙敏", "BGS", "archivist"},
    {"zhoup", "周萍", "BGS", "finance"},
    {"liuy", "刘洋", "DYJCB", "dept_head"},
    {"chenj", "陈杰", "DYJCB", "staff"},
    {"huangt", "黄涛", "DEJCB", "dept_head"},
    {"xuf", "徐芳", "DEJCB", "staff"},
    {"wug", "吴刚", "BGS", "secadmin"},
    {"zhengx", "郑霞", "JWDCB", "auditor"},
};

static int demo_org(struct db *db, int64_t org_id, struct err *e)
{
	int64_t id, leader = 0;
	bool found;
	char pw[sizeof DEMO_PASSWORD];

	for (size_t i = 0; i < sizeof demo_depts / sizeof demo_depts[0]; i++) {
		if (db_query_int(db, e, &id, &found,
		                 "SELECT id FROM department WHERE org_id = $1 AND code = $2", "Is",
		                 org_id, demo_depts[i].code))
			return -1;
		if (!found &&
		    dept_create(db, org_id, demo_depts[i].code, demo_depts[i].name, 0, &id, e))
			return -1;
	}
	for (size_t i = 0; i < sizeof demo_users / sizeof demo_users[0]; i++) {
		struct user_new u = {.username = demo_users[i].username,
		                     .name = demo_users[i].name};
		if (user_by_username(db, u.username, &id, &found, e))
			return -1;
		if (found)
			continue;
		if (dept_by_code(db, org_id, demo_users[i].dept, &u.department_id, e) ||
		    role_parse_list(demo_users[i].roles, &u.roles, e))
			return -1;
		memcpy(pw, DEMO_PASSWORD, sizeof pw);
		u.password = pw;
		if (user_create(db, org_id, &u, &id, e))
			return -1;
	}
	/* 分管院领导 of every department is 李红梅; heads as in the table. */
	if (user_by_username(db, "lihm", &leader, &found, e))
		return -1;
	if (db_execf(db, e, "UPDATE department SET leader_id = $1 WHERE org_id = $2", "II", leader,
	             org_id) < 0)
		return -1;
	return db_execf(
	           db, e,
	           "UPDATE department SET head_id = (SELECT u.id FROM app_user u JOIN user_role r"
	           " ON r.user_id = u.id AND r.role = 'dept_head' WHERE u.department_id ="
	           " department.id ORDER BY u.id LIMIT 1) WHERE org_id = $1",
	           "I", org_id) < 0
	           ? -1
	           : 0;
}

void demo_print_logins(void)
{
	printf("演示账号（密码均为 %s）：\n", DEMO_PASSWORD);
	for (size_t i = 0; i < sizeof demo_users / sizeof demo_users[0]; i++)
		printf("  %-8s %-6s %s\n", demo_users[i].username, demo_users[i].name,
		       demo_users[i].roles);
}

const struct module demo_module = {
    .name = "demo",
    .demo = demo_org,
};
