#include "auth/auth.h"

#include <string.h>

const struct role_info role_table[ROLE_COUNT] = {
    {ROLE_CHIEF, "chief", "检察长"},
    {ROLE_LEADER, "leader", "分管院领导"},
    {ROLE_OFFICE_DIRECTOR, "office_director", "办公室主任"},
    {ROLE_CLERK, "clerk", "办公室文秘"},
    {ROLE_ARCHIVIST, "archivist", "档案员"},
    {ROLE_FINANCE, "finance", "财务"},
    {ROLE_DEPT_HEAD, "dept_head", "部门负责人"},
    {ROLE_STAFF, "staff", "干警"},
    {ROLE_SYSADMIN, "sysadmin", "系统管理员"},
    {ROLE_SECADMIN, "secadmin", "安全保密管理员"},
    {ROLE_AUDITOR, "auditor", "安全审计员"},
};

unsigned role_from_code(const char *code)
{
	for (int i = 0; i < ROLE_COUNT; i++)
		if (strcmp(role_table[i].code, code) == 0)
			return role_table[i].bit;
	return 0;
}

int role_parse_list(const char *csv, unsigned *out, struct err *e)
{
	char code[FIELD_SHORT_MAX];
	unsigned bits = 0;

	while (csv && *csv) {
		size_t n = strcspn(csv, ",");
		unsigned bit;
		if (n == 0 || n >= sizeof code)
			return err_field(e, ERR_VALIDATION, "roles", "角色代码无效");
		memcpy(code, csv, n);
		code[n] = '\0';
		bit = role_from_code(code);
		if (bit == 0)
			return err_field(e, ERR_VALIDATION, "roles", "未知角色：%s", code);
		bits |= bit;
		csv += n + (csv[n] == ',');
	}
	*out = bits;
	return 0;
}

json_t *role_json(unsigned roles)
{
	json_t *a = json_array();

	for (int i = 0; i < ROLE_COUNT; i++)
		if (roles & role_table[i].bit)
			json_array_append_new(a, json_string(role_table[i].code));
	return a;
}
