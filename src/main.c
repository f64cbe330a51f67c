/*
 * main.c - the jianwu command: the server and the administration CLI (architecture.md §5).
 * Every command exits 0 on success and non-zero with one line on stderr on bad input.
 */
#include "audit/audit.h"
#include "auth/auth.h"
#include "core/log.h"
#include "db/db.h"
#include "files/files.h"
#include "http/http.h"
#include "library/library.h"
#include "modules.h"
#include "org/org.h"
#include "version.h"
#include "workflow/workflow.h"

#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#define OPT_MAX 12

struct opts {
	const char *name[OPT_MAX];
	const char *value[OPT_MAX];
	int count;
};

void demo_print_logins(void);

static int usage(void)
{
	fputs("用法：\n"
	      "  jianwu init    --db PATH --org NAME --org-code CODE --admin-password PW\n"
	      "  jianwu serve   --db PATH [--listen 127.0.0.1:8080] [--web DIR] [--threads N] "
	      "[--idle-timeout S]\n"
	      "  jianwu token create --db PATH --user NAME\n"
	      "  jianwu user add --db PATH --username U --name 姓名 --department CODE"
	      " --role ROLE[,ROLE] --password PW\n"
	      "  jianwu backup  --db PATH --out FILE\n"
	      "  jianwu restore --db PATH --in FILE\n"
	      "  jianwu audit verify --db PATH\n"
	      "  jianwu import  --db PATH --kind library FILE.jsonl\n"
	      "  jianwu files verify --db PATH    # re-hashes every stored attachment\n"
	      "  jianwu demo    --db PATH\n"
	      "  jianwu routes                     # the route table as JSON lines\n"
	      "  jianwu version\n",
	      stderr);
	return 2;
}

static int die(const char *what, const struct err *e)
{
	fprintf(stderr, "jianwu: %s%s%s\n", what, e && e->msg[0] ? "：" : "", e ? e->msg : "");
	return 1;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	o->count = 0;
	for (int i = 0; i < argc; i++) {
		if (strncmp(argv[i], "--", 2) != 0 || i + 1 >= argc || o->count >= OPT_MAX) {
			fprintf(stderr, "jianwu: 无法识别的参数：%s\n", argv[i]);
			return -1;
		}
		o->name[o->count] = argv[i] + 2;
		o->value[o->count++] = argv[++i];
	}
	return 0;
}

static const char *opt(const struct opts *o, const char *name)
{
	for (int i = 0; i < o->count; i++)
		if (strcmp(o->name[i], name) == 0)
			return o->value[i];
	return NULL;
}

/* Fetches required options, printing which is missing. */
static int need(const struct opts *o, const char *const *names)
{
	for (; *names; names++) {
		if (opt(o, *names) == NULL) {
			fprintf(stderr, "jianwu: 缺少参数 --%s\n", *names);
			return -1;
		}
	}
	return 0;
}

static struct db *open_store(const char *uri, struct err *e)
{
	struct db *db = db_open(uri, e);

	if (db && db_migrate(db, e)) {
		db_close(db);
		return NULL;
	}
	return db;
}

/* A server holds "<db>.lock" for as long as it runs; restore refuses while it is held. */
static int lock_store(const char *db_path, struct err *e)
{
	char path[4096];
	int fd;

	if (strstr(db_path, "://"))
		return 0;
	snprintf(path, sizeof path, "%s.lock", db_path);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_set(e, ERR_INTERNAL, "无法创建锁文件 %s", path);
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd);
		return err_set(e, ERR_CONFLICT, "数据库 %s 正被运行中的 jianwu serve 使用",
		               db_path);
	}
	return fd;
}

static int run_demo_modules(struct db *db, int64_t org_id, struct err *e)
{
	for (size_t i = 0; i < jw_module_count; i++) {
		if (jw_modules[i]->demo == NULL)
			continue;
		if (db_begin(db, e))
			return -1;
		if (jw_modules[i]->demo(db, org_id, e)) {
			db_rollback(db);
			return -1;
		}
		if (db_commit(db, e))
			return -1;
	}
	return 0;
}

static int init_org(struct db *db, const char *name, const char *code, const char *admin_pw,
                    int64_t *org_id, struct err *e)
{
	int64_t dept, uid, existing;
	bool found;
	char pw[PASSWORD_MAX_BYTES + 1];
	struct user_new u = {.username = "admin", .name = "系统管理员", .roles = ROLE_SYSADMIN};

	if (db_query_int(db, e, &existing, &found, "SELECT id FROM org LIMIT 1", NULL))
		return -1;
	if (found)
		return err_set(e, ERR_CONFLICT, "数据库已初始化（已有单位）");
	if (strlen(code) == 0 || strlen(code) > 32 || strlen(name) == 0 || strlen(name) > 200)
		return err_set(e, ERR_VALIDATION, "单位名称或机关代字无效");
	if (strlen(admin_pw) > PASSWORD_MAX_BYTES)
		return err_set(e, ERR_VALIDATION, "密码过长");
	snprintf(pw, sizeof pw, "%s", admin_pw);
	u.password = pw;
	/* admin's password was chosen by whoever ran init: no forced change. */
	if (db_begin(db, e))
		return -1;
	if (org_create(db, name, code, org_id, e) ||
	    dept_create(db, *org_id, "BGS", "办公室", 0, &dept, e))
		goto fail;
	u.department_id = dept;
	if (user_create(db, *org_id, &u, &uid, e) || wf_org_seed(db, *org_id, e))
		goto fail;
	if (audit_append(db,
	                 &(struct audit_entry){.org_id = *org_id,
	                                       .actor = "cli",
	                                       .action = "org.init",
	                                       .object_type = "org",
	                                       .object_id = "",
	                                       .result = "ok",
	                                       .detail = name},
	                 e))
		goto fail;
	return db_commit(db, e);
fail:
	sodium_memzero(pw, sizeof pw);
	db_rollback(db);
	return -1;
}

static int cmd_init(const struct opts *o)
{
	static const char *const req[] = {"db", "org", "org-code", "admin-password", NULL};
	struct err e = ERR_INIT;
	struct db *db;
	int64_t org_id;
	int rc;

	if (need(o, req))
		return 2;
	if ((db = open_store(opt(o, "db"), &e)) == NULL)
		return die("无法打开数据库", &e);
	rc = init_org(db, opt(o, "org"), opt(o, "org-code"), opt(o, "admin-password"), &org_id, &e);
	db_close(db);
	if (rc)
		return die("初始化失败", &e);
	printf("已初始化：%s（%s），管理员账号 admin\n", opt(o, "org"), opt(o, "org-code"));
	return 0;
}

static int cmd_serve(const struct opts *o)
{
	static const char *const req[] = {"db", NULL};
	struct server_config cfg = {.listen = "127.0.0.1:8080"};
	struct err e = ERR_INIT;
	struct db *db;
	int lock_fd, rc;

	if (need(o, req))
		return 2;
	cfg.db_uri = opt(o, "db");
	if (opt(o, "listen"))
		cfg.listen = opt(o, "listen");
	cfg.web_dir = opt(o, "web");
	if (opt(o, "threads"))
		cfg.threads = (unsigned)atoi(opt(o, "threads"));
	if (opt(o, "idle-timeout"))
		cfg.idle_timeout_s = (unsigned)atoi(opt(o, "idle-timeout"));
	if (cfg.threads > 64 || cfg.idle_timeout_s > 3600) {
		fprintf(stderr, "jianwu: --threads 最多 64，--idle-timeout 最多 3600 秒\n");
		return 2;
	}
	if ((lock_fd = lock_store(cfg.db_uri, &e)) < 0)
		return die("无法启动", &e);
	if ((db = open_store(cfg.db_uri, &e)) == NULL)
		return die("无法打开数据库", &e);
	db_close(db);
	db_thread_setup(cfg.db_uri);
	for (size_t i = 0; i < jw_module_count; i++)
		if (jw_modules[i]->start && jw_modules[i]->start(cfg.db_uri, &e))
			return die(jw_modules[i]->name, &e);
	rc = server_run(&cfg, jw_modules, jw_module_count, &e);
	for (size_t i = jw_module_count; i-- > 0;)
		if (jw_modules[i]->stop)
			jw_modules[i]->stop();
	if (lock_fd > 0)
		close(lock_fd);
	return rc ? die("服务异常退出", &e) : 0;
}

static int cmd_token(int argc, char **argv)
{
	static const char *const req[] = {"db", "user", NULL};
	struct err e = ERR_INIT;
	struct opts o;
	struct db *db;
	int64_t uid;
	bool found;
	char secret[64];

	if (argc < 1 || strcmp(argv[0], "create") != 0)
		return usage();
	if (parse_opts(argc - 1, argv + 1, &o) || need(&o, req))
		return 2;
	if ((db = open_store(opt(&o, "db"), &e)) == NULL)
		return die("无法打开数据库", &e);
	if (user_by_username(db, opt(&o, "user"), &uid, &found, &e) == 0 && !found)
		err_set(&e, ERR_NOT_FOUND, "用户不存在：%s", opt(&o, "user"));
	if (e.kind == ERR_NONE && db_begin(db, &e) == 0) {
		if (token_create(db, uid, "cli", secret, &e) == 0 &&
		    audit_append(db,
		                 &(struct audit_entry){.actor = "cli",
		                                       .action = "token.create",
		                                       .object_type = "user",
		                                       .object_id = opt(&o, "user"),
		                                       .result = "ok"},
		                 &e) == 0)
			db_commit(db, &e);
		else
			db_rollback(db);
	}
	db_close(db);
	if (e.kind != ERR_NONE)
		return die("无法创建令牌", &e);
	printf("%s\n", secret);
	sodium_memzero(secret, sizeof secret);
	return 0;
}

static int cmd_user(int argc, char **argv)
{
	static const char *const req[] = {"db",   "username", "name", "department",
	                                  "role", "password", NULL};
	struct err e = ERR_INIT;
	struct opts o;
	struct db *db;
	int64_t org_id, uid;
	char pw[PASSWORD_MAX_BYTES + 1];
	struct user_new u = {0};

	if (argc < 1 || strcmp(argv[0], "add") != 0)
		return usage();
	if (parse_opts(argc - 1, argv + 1, &o) || need(&o, req))
		return 2;
	if ((db = open_store(opt(&o, "db"), &e)) == NULL)
		return die("无法打开数据库", &e);
	snprintf(pw, sizeof pw, "%s", opt(&o, "password"));
	u.username = opt(&o, "username");
	u.name = opt(&o, "name");
	u.password = pw;
	u.must_change = false;
	if (db_begin(db, &e) == 0) {
		if (org_default(db, &org_id, &e) == 0 &&
		    role_parse_list(opt(&o, "role"), &u.roles, &e) == 0 &&
		    dept_by_code(db, org_id, opt(&o, "department"), &u.department_id, &e) == 0 &&
		    user_create(db, org_id, &u, &uid, &e) == 0 &&
		    audit_append(db,
		                 &(struct audit_entry){.org_id = org_id,
		                                       .actor = "cli",
		                                       .action = "user.create",
		                                       .object_type = "user",
		                                       .object_id = u.username,
		                                       .result = "ok"},
		                 &e) == 0)
			db_commit(db, &e);
		else
			db_rollback(db);
	}
	sodium_memzero(pw, sizeof pw);
	db_close(db);
	if (e.kind != ERR_NONE)
		return die("无法添加用户", &e);
	printf("已添加用户 %s\n", u.username);
	return 0;
}

static int cmd_backup(const struct opts *o)
{
	static const char *const req[] = {"db", "out", NULL};
	struct err e = ERR_INIT;
	struct db *db;
	int rc;

	if (need(o, req))
		return 2;
	if (access(opt(o, "out"), F_OK) == 0) {
		fprintf(stderr, "jianwu: 备份文件已存在，不会覆盖：%s\n", opt(o, "out"));
		return 1;
	}
	if ((db = open_store(opt(o, "db"), &e)) == NULL)
		return die("无法打开数据库", &e);
	rc = db_backup(db, opt(o, "out"), &e);
	db_close(db);
	if (rc)
		return die("备份失败", &e);
	printf("已备份到 %s\n", opt(o, "out"));
	return 0;
}

static int cmd_restore(const struct opts *o)
{
	static const char *const req[] = {"db", "in", NULL};
	struct err e = ERR_INIT;
	struct db *src;
	int lock_fd, ver, rc = 1;
	int64_t bad, rows;
	char why[160];

	if (need(o, req))
		return 2;
	if (access(opt(o, "in"), R_OK) != 0) {
		fprintf(stderr, "jianwu: 无法读取备份文件：%s\n", opt(o, "in"));
		return 1;
	}
	if ((lock_fd = lock_store(opt(o, "db"), &e)) < 0)
		return die("拒绝恢复", &e);
	if ((src = db_open(opt(o, "in"), &e)) == NULL)
		goto out;
	ver = db_schema_version(src, &e);
	if (ver <= 0) {
		err_set(&e, ERR_VALIDATION, "不是 jianwu 的备份文件");
		goto out;
	}
	if (audit_verify(src, &bad, why, sizeof why, &rows, &e) != 0) {
		if (e.kind == ERR_NONE)
			err_set(&e, ERR_VALIDATION, "备份中的审计链已损坏（第%lld行）",
			        (long long)bad);
		goto out;
	}
	if (db_backup(src, opt(o, "db"), &e))
		goto out;
	printf("已从 %s 恢复到 %s（审计记录 %lld 条，完整）\n", opt(o, "in"), opt(o, "db"),
	       (long long)rows);
	rc = 0;
out:
	db_close(src);
	if (lock_fd > 0)
		close(lock_fd);
	return rc ? die("恢复失败", &e) : 0;
}

static int cmd_audit(int argc, char **argv)
{
	static const char *const req[] = {"db", NULL};
	struct err e = ERR_INIT;
	struct opts o;
	struct db *db;
	int64_t bad = 0, rows = 0;
	char why[160] = "";
	int rc;

	if (argc < 1 || strcmp(argv[0], "verify") != 0)
		return usage();
	if (parse_opts(argc - 1, argv + 1, &o) || need(&o, req))
		return 2;
	if ((db = db_open(opt(&o, "db"), &e)) == NULL)
		return die("无法打开数据库", &e);
	rc = audit_verify(db, &bad, why, sizeof why, &rows, &e);
	db_close(db);
	if (rc < 0)
		return die("校验失败", &e);
	if (rc > 0) {
		printf("审计链被篡改：第一条异常记录 id=%lld（%s）\n", (long long)bad, why);
		return 1;
	}
	printf("审计链完整：%lld 条记录\n", (long long)rows);
	return 0;
}

static int cmd_demo(const struct opts *o)
{
	static const char *const req[] = {"db", NULL};
	struct err e = ERR_INIT;
	struct db *db;
	int64_t org_id;
	bool found;
	int rc = 1;

	if (need(o, req))
		return 2;
	if ((db = open_store(opt(o, "db"), &e)) == NULL)
		return die("无法打开数据库", &e);
	if (db_query_int(db, &e, &org_id, &found, "SELECT min(id) FROM org", NULL))
		goto out;
	if (!found || org_id == 0) {
		char pw[64];
		token_random(pw);
		if (init_org(db, "定边县人民检察院", "定检", pw, &org_id, &e))
			goto out;
		sodium_memzero(pw, sizeof pw);
	}
	if (run_demo_modules(db, org_id, &e))
		goto out;
	demo_print_logins();
	rc = 0;
out:
	db_close(db);
	return rc ? die("演示数据生成失败", &e) : 0;
}

/* The route table, for tests that walk every route and for reviewers. */
static int cmd_routes(void)
{
	for (size_t i = 0; i < jw_module_count; i++) {
		for (size_t j = 0; j < jw_modules[i]->route_count; j++) {
			const struct route *rt = &jw_modules[i]->routes[j];
			json_t *roles = role_json(rt->roles);
			json_t *line = json_pack(
			    "{s:s, s:s, s:s, s:b, s:b, s:o}", "module", jw_modules[i]->name,
			    "method", rt->method, "pattern", rt->pattern, "public",
			    (rt->flags & ROUTE_PUBLIC) != 0, "password_expired_ok",
			    (rt->flags & ROUTE_PW_EXPIRED) != 0, "roles", roles);
			char *text = json_dumps(line, JSON_COMPACT);
			printf("%s\n", text);
			free(text);
			json_decref(line);
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o;
	const char *cmd;

	if (sodium_init() < 0)
		return die("libsodium 初始化失败", NULL);
	if (argc < 2)
		return usage();
	cmd = argv[1];
	if (strcmp(cmd, "version") == 0) {
		printf("jianwu %s\n", JW_VERSION);
		return 0;
	}
	if (strcmp(cmd, "routes") == 0)
		return cmd_routes();
	if (strcmp(cmd, "token") == 0)
		return cmd_token(argc - 2, argv + 2);
	if (strcmp(cmd, "user") == 0)
		return cmd_user(argc - 2, argv + 2);
	if (strcmp(cmd, "audit") == 0)
		return cmd_audit(argc - 2, argv + 2);
	if (strcmp(cmd, "import") == 0)
		return library_cli_import(argc - 2, argv + 2);
	if (strcmp(cmd, "files") == 0)
		return files_cli(argc - 2, argv + 2);
	if (parse_opts(argc - 2, argv + 2, &o))
		return 2;
	if (strcmp(cmd, "init") == 0)
		return cmd_init(&o);
	if (strcmp(cmd, "serve") == 0)
		return cmd_serve(&o);
	if (strcmp(cmd, "backup") == 0)
		return cmd_backup(&o);
	if (strcmp(cmd, "restore") == 0)
		return cmd_restore(&o);
	if (strcmp(cmd, "demo") == 0)
		return cmd_demo(&o);
	return usage();
}
