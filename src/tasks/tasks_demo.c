/*
 * tasks_demo.c - `jianwu demo`: a year of 督办 items in every state, played through the real rules
 * (task_create, task_act, task_report_add) with the module clock set to each step's moment, so
 * that numbers, history, lights, extensions and statistics are what a year of use would leave.
 * Needs the demo users of src/org/demo.c; without them it adds nothing.
 */
#include "tasks/tasks_private.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "docs/docs.h"

#include <stdio.h>
#include <string.h>

#define DEMO_ITEMS 160
#define DEMO_DAYS  365

enum {
	U_ZHAOL,
	U_WANGQ,
	U_LIHM,
	U_ZHANGJG,
	U_LIUY,
	U_CHENJ,
	U_HUANGT,
	U_XUF,
	U_SUNM,
	U_ZHOUP,
	U_COUNT
};
static const char *const demo_usernames[U_COUNT] = {"zhaol", "wangq",  "lihm", "zhangjg", "liuy",
                                                    "chenj", "huangt", "xuf",  "sunm",    "zhoup"};

static const char *const titles[SRC_COUNT][6] = {
    {"落实党组关于加强过硬检察队伍建设的部署", "推进党组确定的“质量建设年”重点任务",
     "落实党组会关于意识形态工作责任制的要求", "完成党组部署的检察开放日活动",
     "落实党组关于加强基层党组织建设的决定", "推进党组确定的检务公开工作"},
    {"完成年度检察业务数据分析报告", "落实检察长办公会关于案件质量评查的决定",
     "整改检察长办公会指出的案件流程管理问题", "制定认罪认罚从宽制度适用细则",
     "落实检察长办公会关于羁押必要性审查的部署", "完善检察官业绩考评办法"},
    {"对群众来信反映问题进行核查并报告", "检察长批示：加强未成年人检察工作",
     "分管领导批示：规范涉案财物管理", "检察长批示：做好重点信访案件化解",
     "分管领导批示：完善值班律师工作机制", "检察长批示：开展司法救助专项活动"},
    {"落实市院关于开展民事执行监督专项活动的通知", "完成省院交办的公益诉讼线索排查",
     "落实市院关于规范性文件备案审查的要求", "完成上级院交办的案件复查任务",
     "落实市院检务督察反馈问题整改", "报送上级院要求的专题调研材料"},
    {"推进检察信息化建设二期工程", "完成档案数字化加工任务", "推进办案区规范化建设",
     "完成年度检察宣传工作任务", "推进检察听证室建设", "完成机关节能改造项目"},
    {"收文批示：关于做好安全生产领域公益诉讼的通知", "收文批示：关于加强生态环境保护检察工作的意见",
     "收文批示：关于开展扫黑除恶常态化工作的通知", "收文批示：关于做好防汛期间检察工作的通知",
     "收文批示：关于规范司法公开工作的意见", "收文批示：关于加强检察建议工作的通知"},
    {"部门自报：完成刑事案件卷宗电子化", "部门自报：开展案件质量自查",
     "部门自报：组织业务培训和岗位练兵", "部门自报：完善部门内部管理制度",
     "部门自报：开展类案检察监督调研", "部门自报：完成积案清理"},
};

struct demo {
	struct db *db;
	int64_t org_id;
	struct principal u[U_COUNT];
	int today;
	int64_t incoming[32]; /* 收文 to link, when the documents demo made some */
	size_t n_incoming;
};

static void at(int day, int hour, int minute)
{
	tasks_clock_set(date_start_time(day) + hour * 3600 + minute * 60);
}

static int act(struct demo *d, int who, int64_t id, int day, int hour, const char *action,
               const char *opinion, int new_deadline, int64_t part, struct err *e)
{
	struct task_action a = {
	    .action = action, .opinion = opinion, .new_deadline = new_deadline, .part_id = part};

	at(day, hour, 10 + (int)(id % 40));
	if (task_act(d->db, &d->u[who], id, &a, e)) {
		log_error("demo: %s on item %lld failed: %s", action, (long long)id, e->msg);
		return -1;
	}
	return 0;
}

/* act as whoever holds the item's pending 报备 step (the 分管领导 of the filing department) */
static int act_holder(struct demo *d, int64_t id, int day, int hour, const char *action,
                      const char *opinion, struct err *e)
{
	struct principal p;
	struct task_action a = {.action = action, .opinion = opinion};
	int64_t uid;
	bool found;

	if (db_query_int(d->db, e, &uid, &found,
	                 "SELECT t.user_id FROM task_approval a JOIN todo t ON t.instance_id ="
	                 " a.instance_id AND t.state = 'pending' WHERE a.task_id = $1"
	                 " AND a.state = 'pending' ORDER BY t.id LIMIT 1",
	                 "I", id))
		return -1;
	if (!found)
		return err_internal(e, "demo: nobody holds the 报备 of item %lld", (long long)id);
	if (principal_load(d->db, uid, &p, &found, e))
		return -1;
	at(day, hour, 10 + (int)(id % 40));
	if (task_act(d->db, &p, id, &a, e)) {
		log_error("demo: %s on item %lld failed: %s", action, (long long)id, e->msg);
		return -1;
	}
	return 0;
}

static uint32_t mix(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352dU;
	x ^= x >> 15;
	x *= 0x846ca68bU;
	x ^= x >> 16;
	return x;
}

struct plan {
	enum task_source source;
	bool complex, filing;
	int lead;        /* 0 BGS, 1 DYJCB, 2 DEJCB */
	int responsible; /* U_* */
	int assigned, deadline;
	enum task_feedback feedback;
	int outcome; /* 0..99 */
	int leader;  /* U_LIHM or U_ZHANGJG */
};

static const char *const dept_codes[3] = {"BGS", "DYJCB", "DEJCB"};

static int dept_id(struct demo *d, const char *code, int64_t *id, struct err *e)
{
	bool found;

	if (db_query_int(d->db, e, id, &found,
	                 "SELECT id FROM department WHERE org_id = $1 AND code = $2", "Is",
	                 d->org_id, code))
		return -1;
	return found ? 0 : err_set(e, ERR_NOT_FOUND, "demo department %s missing", code);
}

static int create(struct demo *d, const struct plan *p, int i, int64_t *id, struct err *e)
{
	struct task_new n = {0};
	char content[512];
	int creator = p->filing ? (p->lead == 1 ? U_LIUY : U_HUANGT) : U_ZHAOL;

	snprintf(content, sizeof content,
	         "%s。要求按时限办结，期间按反馈周期报送进展，办结后提交办结报告。",
	         titles[p->source][i % 6]);
	n.title = titles[p->source][i % 6];
	n.content = content;
	n.source = p->source;
	n.complex = p->complex;
	n.responsible_id = d->u[p->responsible].user_id;
	n.leader_id = p->leader == U_ZHANGJG ? d->u[U_ZHANGJG].user_id : 0;
	n.assigned_date = p->assigned;
	n.deadline = p->deadline;
	n.feedback = p->feedback;
	n.link_incoming =
	    p->source == SRC_INCOMING && d->n_incoming ? d->incoming[(size_t)i % d->n_incoming] : 0;
	if (n.source == SRC_INCOMING && n.link_incoming == 0)
		n.source = SRC_LEADER_INSTRUCTION;
	if (dept_id(d, dept_codes[p->lead], &n.lead_dept_id, e))
		return -1;
	n.supervisors[n.n_supervisors++] =
	    d->u[p->lead == 0 && p->responsible == U_ZHAOL ? U_WANGQ : U_ZHAOL].user_id;
	if (p->complex) {
		n.supervisors[n.n_supervisors++] = d->u[U_WANGQ].user_id;
		n.parts[0] = (struct task_part_new){.department_id = n.lead_dept_id,
		                                    .lead = true,
		                                    .assignee_id = n.responsible_id,
		                                    .content = "牵头组织实施，汇总协办部门情况",
		                                    .deadline = p->deadline};
		if (dept_id(d, "DEJCB", &n.parts[1].department_id, e))
			return -1;
		n.parts[1].assignee_id = d->u[U_XUF].user_id;
		n.parts[1].content = "配合提供相关材料和数据";
		n.parts[1].deadline = p->deadline - 5 > p->assigned ? p->deadline - 5 : p->deadline;
		n.n_parts = 2;
	}
	at(p->assigned, 9, 0);
	return task_create(d->db, &d->u[creator], &n, id, e);
}

static int reports(struct demo *d, const struct plan *p, int64_t id, int until, struct err *e)
{
	int64_t rid;
	int due;

	if (p->feedback == FB_NONE)
		return 0;
	for (int k = 1; k < 60; k++) {
		if (task_report_due(d->db, d->org_id, p->feedback, p->assigned, k, &due, e))
			return -1;
		if (due >= until || due >= d->today)
			break;
		if ((p->outcome + k) % 7 == 0)
			continue; /* a missed report: the scheduler reminds about it */
		at(due - 1, 16, 30);
		if (task_report_add(d->db, &d->u[p->responsible], id, 0,
		                    "按计划推进，已完成阶段性工作，下一步将继续抓好落实。", NULL, 0,
		                    &rid, e))
			return -1;
	}
	return 0;
}

static int assist_part(struct demo *d, int64_t id, int64_t *part, struct err *e)
{
	bool found;

	return db_query_int(d->db, e, part, &found,
	                    "SELECT id FROM task_part WHERE task_id = $1 AND role = 'assist'", "I",
	                    id);
}

/* 报结 and the reviews up to 销号, or stopping in a review state. */
static int finish_item(struct demo *d, const struct plan *p, int64_t id, int done, int stop_at,
                       struct err *e)
{
	int64_t part = 0;
	int sup = p->lead == 0 && p->responsible == U_ZHAOL ? U_WANGQ : U_ZHAOL;

	if (p->complex) {
		if (assist_part(d, id, &part, e) ||
		    act(d, U_XUF, id, done - 1 > p->assigned ? done - 1 : done, 15, "complete_part",
		        "协办部门已提供材料和数据", 0, part, e))
			return -1;
	}
	if (act(d, p->responsible, id, done, 10, "report_done",
	        "已按要求完成全部工作任务，现报请办结。", 0, 0, e))
		return -1;
	if (stop_at == TS_REPORTED || done + 1 > d->today)
		return 0;
	if (act(d, sup, id, done + 1, 9, "pass", "经审核，办理情况属实，同意报结。", 0, 0, e) ||
	    (p->complex && act(d, U_WANGQ, id, done + 1, 11, "pass", "同意。", 0, 0, e)))
		return -1;
	if (stop_at == TS_LEADER_REVIEW || done + 2 > d->today)
		return 0;
	return act(d, p->leader, id, done + 2, 10, "approve", "同意办结销号。", 0, 0, e);
}

static void plan_item(struct demo *d, int i, struct plan *p)
{
	uint32_t h = mix((uint32_t)i * 2654435761U + 7);
	static const int resp[3][2] = {{U_SUNM, U_ZHOUP}, {U_CHENJ, U_LIUY}, {U_XUF, U_HUANGT}};

	memset(p, 0, sizeof *p);
	p->source = (enum task_source)(h % 6);
	p->lead = (int)(h >> 8) % 3;
	p->complex = p->lead == 1 && (h >> 12) % 3 == 0;
	p->filing = !p->complex && p->lead != 0 && ((h >> 14) % 6 == 0 || i >= DEMO_ITEMS - 2);
	if (p->filing)
		p->source = SRC_DEPARTMENT;
	p->responsible = p->complex ? U_CHENJ : resp[p->lead][(h >> 16) % 2];
	p->assigned = d->today - DEMO_DAYS + i * (DEMO_DAYS - 10) / DEMO_ITEMS;
	p->deadline = p->assigned + 14 + (int)((h >> 18) % 50);
	p->feedback = (enum task_feedback)((h >> 22) % 3); /* none, weekly, monthly */
	p->outcome = (int)((h >> 24) % 100);
	p->leader = p->complex && i % 2 ? U_ZHANGJG : U_LIHM;
	/* the newest items show the first states: one 已立项, one 已交办 */
	if (i == DEMO_ITEMS - 3 || i == DEMO_ITEMS - 4) {
		p->outcome = i == DEMO_ITEMS - 3 ? 98 : 94;
		p->filing = false;
		p->source = SRC_KEY_WORK;
	}
}

static int demo_item(struct demo *d, int i, struct err *e)
{
	struct plan p;
	int64_t id;
	int done, late, o;
	bool recent;

	plan_item(d, i, &p);
	if (create(d, &p, i, &id, e))
		return -1;
	o = p.outcome;
	if (p.filing && (o % 5 == 1 || i >= DEMO_ITEMS - 2))
		return 0; /* 报备待批 */
	if (p.filing) {
		/* 报备审核 by the office director, then 报备审批 by the 分管领导 */
		const char *a = o % 5 == 0 ? "refuse_filing" : "approve_filing";
		if (act(d, U_WANGQ, id, p.assigned, 11, a,
		        o % 5 == 0 ? "该事项属部门常规工作，不纳入督办。" : "同意纳入督办。", 0, 0,
		        e))
			return -1;
		if (o % 5 == 0)
			return 0;
		if (act_holder(d, id, p.assigned, 15, "approve_filing", "同意立项督办。", e))
			return -1;
	}
	recent = p.assigned + 30 >= d->today;
	if (o >= 97 && recent)
		return 0; /* 已立项, not yet 交办 */
	if (o >= 95 && o < 97)
		return act(d, U_ZHAOL, id, p.assigned, 14, "cancel", "情况变化，该事项不再督办。",
		           0, 0, e);
	if (act(d, U_ZHAOL, id, p.assigned, 10, "assign", "请按要求办理。", 0, 0, e))
		return -1;
	if (o >= 93 && o < 95 && recent && p.assigned + 1 < d->today)
		return 0; /* 已交办, not yet 签收 */
	if (p.assigned + 1 > d->today)
		return 0;
	if (act(d, p.responsible, id, p.assigned + 1, 9, "sign", NULL, 0, 0, e))
		return -1;
	if (p.complex && act(d, U_XUF, id, p.assigned + 1, 10, "sign", NULL, 0, 0, e))
		return -1;
	if (o >= 60 && o < 72 && p.deadline - 3 > p.assigned + 1 && p.deadline - 3 <= d->today) {
		/* 延期: requested three days before the deadline; mostly approved */
		int nd = p.deadline + 14;
		if (act(d, p.responsible, id, p.deadline - 3, 10, "request_extension",
		        "工作量较大，需协调外部单位，申请延期两周。", nd, 0, e) ||
		    act(d, p.leader, id, p.deadline - 2, 9,
		        o < 69 ? "approve_extension" : "refuse_extension",
		        o < 69 ? "同意延期。" : "时限不宜延长，请加快办理。", 0, 0, e))
			return -1;
		if (o < 69)
			p.deadline = nd;
	}
	late = (o >= 72 && o < 82) ? 4 + o % 5 : 0;
	done = late ? p.deadline + late : p.deadline - o % 6;
	if (done <= p.assigned + 1)
		done = p.assigned + 2;
	if (reports(d, &p, id, done, e))
		return -1;
	if (o >= 82 && o < 86)
		return 0; /* still in handling: red once the deadline passed */
	if (done >= d->today)
		return 0; /* in handling: green or yellow */
	if (o >= 90 && o < 93 && done + 1 < d->today) {
		/* 报结, then 退办 by the supervisor and reported again */
		if (finish_item(d, &p, id, done, TS_REPORTED, e) ||
		    act(d, p.lead == 0 && p.responsible == U_ZHAOL ? U_WANGQ : U_ZHAOL, id,
		        done + 1, 9, "return", "办结报告未附整改材料，请补充后重新报结。", 0, 0, e))
			return -1;
		done += 3;
		if (done >= d->today)
			return 0;
		return act(d, p.responsible, id, done, 10, "report_done",
		           "已补充整改材料，现重新报请办结。", 0, 0, e);
	}
	if (done + 12 >= d->today)
		return finish_item(d, &p, id, done, o % 2 ? TS_REPORTED : TS_LEADER_REVIEW, e);
	if (finish_item(d, &p, id, done, TS_CLOSED, e))
		return -1;
	if (done + 60 < d->today && o % 3 == 0)
		return act(d, U_ZHAOL, id, done + 30, 10, "archive", NULL, 0, 0, e);
	return 0;
}

static int load_users(struct demo *d, bool *ok, struct err *e)
{
	*ok = false;
	for (int i = 0; i < U_COUNT; i++) {
		int64_t uid;
		bool found;
		if (db_query_int(d->db, e, &uid, &found,
		                 "SELECT id FROM app_user WHERE username = $1 AND org_id = $2",
		                 "sI", demo_usernames[i], d->org_id))
			return -1;
		if (!found)
			return 0;
		if (principal_load(d->db, uid, &d->u[i], &found, e))
			return -1;
		if (!found)
			return 0;
	}
	*ok = true;
	return 0;
}

int tasks_demo(struct db *db, int64_t org_id, struct err *e)
{
	struct demo d = {.db = db, .org_id = org_id, .today = date_today()};
	int64_t existing = 0;
	bool ok, found;
	int rc = -1;

	if (db_query_int(db, e, &existing, &found, "SELECT count(*) FROM task WHERE org_id = $1",
	                 "I", org_id))
		return -1;
	if (existing > 0)
		return 0; /* demo data is added once */
	if (load_users(&d, &ok, e))
		return -1;
	if (!ok) {
		log_warn("demo: 督办 skipped (the demo users are missing)");
		return 0;
	}
	/* the approvals run on the engine: its definitions and this module's listener */
	if (tasks_engine_register())
		return err_internal(e, "督办: approval listener not registered");
	if (tasks_defs_seed(db, org_id, e))
		return -1;
	/* the 收文 for the 收文批示 items, if the documents demo registered some */
	{
		struct dctx c = {.db = db, .who = &d.u[U_ZHAOL], .now = time_now()};
		struct incoming_filter f = {.state = -1, .secrecy = -1, .limit = 32};
		json_t *items = NULL, *it;
		int64_t total;
		size_t k;
		if (incoming_list(&c, &f, &items, &total, e))
			return -1;
		json_array_foreach(items, k, it) d.incoming[d.n_incoming++] =
		    json_integer_value(json_object_get(it, "id"));
		json_decref(items);
	}
	for (int i = 0; i < DEMO_ITEMS; i++)
		if (demo_item(&d, i, e))
			goto out;
	rc = 0;
out:
	tasks_clock_set(0); /* back to real time */
	return rc;
}
