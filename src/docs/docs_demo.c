/*
 * docs_demo.c - `jianwu demo`: a year of 收文 and 发文 of 定边县人民检察院 in every state, made by
 * replaying each step through the same rules the API uses (so todos, notices, acl rows, opinions,
 * versions and numbers are all consistent), with the clock of each step set in the past.
 * Runs after the org demo (users) and is skipped when the org already has documents.
 */
#include "docs/docs_int.h"
#include "numbering/numbering.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY  86400
#define HOUR 3600

enum who { CLERK, DIRECTOR, LEADER, CHIEF, HEAD1, STAFF1, HEAD2, STAFF2, WHO_COUNT };
static const char *const usernames[WHO_COUNT] = {"zhaol", "wangq", "lihm",   "zhangjg",
                                                 "liuy",  "chenj", "huangt", "xuf"};

struct demo {
	struct db *db;
	int64_t org_id;
	struct principal who[WHO_COUNT];
	int64_t dept1, dept2, office; /* DYJCB, DEJCB, BGS */
	int64_t series_fa, series_banfa, series_han;
	int64_t start, end;
};

static struct dctx as(struct demo *d, enum who w, int64_t t)
{
	return (struct dctx){.db = d->db, .who = &d->who[w], .now = t < d->end ? t : d->end};
}

/* 来文: title, 来文单位, 来文字号, 文种, 密级, 紧急程度 */
static const struct {
	const char *title, *from, *number, *type, *secrecy, *urgency;
} in_docs[] = {
    {"关于做好2026年元旦春节期间值班工作的通知", "中共定边县委办公室", "定办字〔2026〕1号",
     "notice", "none", "urgent"},
    {"关于报送2025年度检察工作总结的通知", "榆林市人民检察院", "榆检办发〔2026〕2号", "notice",
     "internal", "normal"},
    {"关于印发《2026年全市检察机关办公室工作要点》的通知", "榆林市人民检察院办公室",
     "榆检办发〔2026〕4号", "notice", "internal", "normal"},
    {"关于召开全县政法工作会议的通知", "中共定边县委政法委员会", "定政法发〔2026〕3号", "notice",
     "none", "urgent"},
    {"关于转发《人民检察院公文处理办法》的通知", "陕西省人民检察院", "陕检发〔2026〕6号", "notice",
     "internal", "normal"},
    {"关于加强检察机关保密工作的意见", "陕西省人民检察院", "陕检发〔2026〕9号", "opinion", "secret",
     "normal"},
    {"关于征求《定边县2026年法治政府建设工作要点》意见的函", "定边县司法局", "定司函〔2026〕4号",
     "letter", "none", "normal"},
    {"关于2025年度全市检察机关绩效考核结果的通报", "榆林市人民检察院", "榆检发〔2026〕11号",
     "circular", "internal", "normal"},
    {"关于开展2026年度检务督察工作的通知", "榆林市人民检察院", "榆检发〔2026〕13号", "notice",
     "internal", "normal"},
    {"关于提供2025年度涉法涉诉信访案件情况的函", "定边县信访局", "定信函〔2026〕7号", "letter",
     "none", "urgent"},
    {"关于调整定边县安全生产委员会成员的通知", "定边县人民政府办公室", "定政办发〔2026〕15号",
     "notice", "none", "normal"},
    {"关于进一步规范公务用车管理的通知", "定边县机关事务服务中心", "定机事发〔2026〕2号", "notice",
     "none", "normal"},
    {"关于做好人大代表建议批评和意见办理工作的通知", "定边县人大常委会办公室",
     "定人常办发〔2026〕5号", "notice", "none", "normal"},
    {"关于开展案件质量评查活动的通知", "榆林市人民检察院", "榆检发〔2026〕18号", "notice",
     "internal", "normal"},
    {"关于开展扫黑除恶常态化斗争督导的通知", "陕西省人民检察院", "陕检发〔2026〕21号", "notice",
     "confidential", "urgent"},
    {"关于组织参加全省检察机关办公室业务培训的通知", "陕西省人民检察院办公室",
     "陕检办发〔2026〕19号", "notice", "none", "normal"},
    {"关于2026年度部门预算批复的通知", "定边县财政局", "定财预〔2026〕8号", "notice", "none",
     "normal"},
    {"关于开展全民国家安全教育日宣传活动的通知", "中共定边县委国家安全委员会办公室",
     "定国安办〔2026〕2号", "notice", "none", "normal"},
    {"关于对定边县人民检察院工作报告审议意见的函", "定边县人大常委会", "定人常函〔2026〕3号",
     "letter", "none", "normal"},
    {"关于召开全市检察长会议的通知", "榆林市人民检察院", "榆检办发〔2026〕27号", "notice",
     "internal", "very_urgent"},
    {"关于做好2026年防汛工作的紧急通知", "定边县防汛抗旱指挥部", "定汛发〔2026〕1号", "notice",
     "none", "very_urgent"},
    {"关于开展公益诉讼检察专项监督活动的通知", "榆林市人民检察院", "榆检发〔2026〕31号", "notice",
     "internal", "normal"},
    {"关于印发《检察官业绩考评实施办法》的通知", "陕西省人民检察院", "陕检发〔2026〕33号", "notice",
     "internal", "normal"},
    {"关于做好干部人事档案专项审核工作的通知", "中共定边县委组织部", "定组通〔2026〕12号", "notice",
     "none", "normal"},
    {"关于检察信息采用情况的通报", "榆林市人民检察院办公室", "榆检办〔2026〕35号", "circular",
     "none", "normal"},
    {"关于开展“检察开放日”活动的通知", "榆林市人民检察院", "榆检发〔2026〕38号", "notice", "none",
     "normal"},
    {"关于报送2026年上半年检察工作情况的通知", "榆林市人民检察院", "榆检办发〔2026〕41号", "notice",
     "internal", "urgent"},
    {"关于对办案业务用房维修经费请示的批复", "定边县人民政府", "定政函〔2026〕22号", "reply",
     "none", "normal"},
    {"关于开展机关作风建设专项整治的实施意见", "中共定边县纪委", "定纪发〔2026〕6号", "opinion",
     "none", "normal"},
    {"2026年全市检察机关办公室主任座谈会纪要", "榆林市人民检察院办公室", "榆检办纪〔2026〕2号",
     "minutes", "internal", "normal"},
    {"关于征订2027年度党报党刊的通知", "中共定边县委宣传部", "定宣发〔2026〕14号", "notice", "none",
     "normal"},
    {"关于开展安全生产大检查的通知", "定边县安全生产委员会", "定安委〔2026〕9号", "notice", "none",
     "urgent"},
    {"关于报送2026年第三季度检察统计数据的通知", "榆林市人民检察院", "榆检办发〔2026〕52号",
     "notice", "internal", "normal"},
    {"关于商请提供刑事案件办理情况的函", "定边县公安局", "定公函〔2026〕31号", "letter", "none",
     "normal"},
    {"关于开展2026年度保密检查的通知", "定边县保密委员会办公室", "定保办〔2026〕4号", "notice",
     "secret", "normal"},
    {"关于推荐全市检察业务专家人选的通知", "榆林市人民检察院", "榆检政〔2026〕57号", "notice",
     "internal", "normal"},
    {"关于举办全县法治宣传教育骨干培训班的通知", "定边县司法局", "定司发〔2026〕19号", "notice",
     "none", "normal"},
    {"关于做好年终考核工作的通知", "中共定边县委考核办", "定考办〔2026〕6号", "notice", "none",
     "urgent"},
    {"关于开展冬季消防安全检查的通知", "定边县消防救援大队", "定消〔2026〕23号", "notice", "none",
     "normal"},
    {"关于报送2027年度检察工作计划的通知", "榆林市人民检察院", "榆检办发〔2026〕66号", "notice",
     "internal", "normal"},
};
#define IN_N (sizeof in_docs / sizeof in_docs[0])

/* Where each 收文 stops, oldest first: most of the year is done; the last weeks are in progress. */
enum in_stop {
	TO_ARCHIVE,
	TO_ARCHIVE_READ,
	TO_RETURN,
	TO_FINISHED,
	TO_HANDLING,
	TO_HANDLING_HALF,
	TO_CIRCULATING,
	TO_INSTRUCTED,
	TO_PROPOSED,
	TO_REVIEWED,
	TO_REGISTERED
};

static enum in_stop in_stop_of(size_t i)
{
	static const enum in_stop recent[] = {
	    TO_FINISHED, TO_HANDLING_HALF, TO_HANDLING, TO_CIRCULATING, TO_HANDLING,  TO_INSTRUCTED,
	    TO_PROPOSED, TO_CIRCULATING,   TO_REVIEWED, TO_REGISTERED,  TO_REGISTERED};
	size_t nrecent = sizeof recent / sizeof recent[0];

	if (i >= IN_N - nrecent)
		return recent[i - (IN_N - nrecent)];
	if (i == 6 || i == 18)
		return TO_RETURN;
	if (i % 5 == 2)
		return TO_ARCHIVE_READ;
	return TO_ARCHIVE;
}

static int in_step(struct demo *d, enum who w, int64_t t, int64_t id, struct incoming_action *a,
                   struct err *e)
{
	struct dctx c = as(d, w, t);
	return incoming_act(&c, id, a, e);
}

static int demo_incoming(struct demo *d, size_t i, struct err *e)
{
	int64_t t = d->start + (int64_t)i * ((d->end - d->start - 20 * DAY) / (int64_t)IN_N);
	enum in_stop stop = in_stop_of(i);
	struct dctx c = as(d, CLERK, t + 9 * HOUR);
	int sec = secrecy_from_code(in_docs[i].secrecy);
	char received[DATE_STR_MAX], due[DATE_STR_MAX], deadline[DATE_STR_MAX], body[1024];
	struct incoming_new in = {0};
	struct incoming_action a;
	int64_t id,
	    readers[3] = {d->who[LEADER].user_id, d->who[HEAD1].user_id, d->who[HEAD2].user_id};
	char number[64];
	int added;
	bool read_only = stop == TO_ARCHIVE_READ || stop == TO_CIRCULATING;

	if (stop >= TO_INSTRUCTED) { /* the newest ones arrive in the last days */
		t = d->end - (int64_t)(IN_N - i) * DAY / 2 - 6 * HOUR;
		c = as(d, CLERK, t);
	}
	date_format(date_of_time(c.now), received);
	date_format(date_of_time(c.now) + (in_docs[i].urgency[0] == 'v' ? 3 : 15), due);
	date_format(date_of_time(c.now) + 10, deadline);
	snprintf(body, sizeof body,
	         "%s：\n　　现将%s有关事项通知如下，请结合实际认真贯彻落实，并按时报送落实情况。\n"
	         "　　一、提高认识，加强领导。\n　　二、明确责任，抓好落实。\n　　三、按时报送，"
	         "确保质量。\n",
	         "各县（区）人民检察院", in_docs[i].title);
	in = (struct incoming_new){
	    .title = in_docs[i].title,
	    .from_org = in_docs[i].from,
	    .from_number = in_docs[i].number,
	    .doc_type = in_docs[i].type,
	    .secrecy = (enum secrecy)sec,
	    .urgency = urgency_from_code(in_docs[i].urgency),
	    .copies = sec >= SECRECY_SECRET ? 2 : 1,
	    .pages = 3 + (int64_t)(i % 6),
	    .received_date = received,
	    .due_date = due,
	    /* 秘密 and above: a register entry only, no text on this network */
	    .body = secrecy_classified((enum secrecy)sec) ? NULL : body};
	if (incoming_register(&c, &in, &id, number, e))
		return -1;
	if (stop == TO_REGISTERED)
		return 0;
	if (stop == TO_RETURN) {
		a = (struct incoming_action){.action = IN_ACT_RETURN,
		                             .opinion =
		                                 "来文缺少附件，且主送机关有误，请核实后重新报送"};
		return in_step(d, CLERK, t + 2 * HOUR, id, &a, e);
	}
	a = (struct incoming_action){.action = IN_ACT_REVIEW,
	                             .opinion = "格式规范，属我院办理范围"};
	if (in_step(d, CLERK, t + 3 * HOUR, id, &a, e))
		return -1;
	if (stop == TO_REVIEWED)
		return 0;
	if (read_only) {
		struct dctx r = as(d, CLERK, t + 5 * HOUR);
		if (circulation_send(&r, id, readers, 3, &added, e))
			return -1;
		for (int k = 0; k < 3 && stop == TO_ARCHIVE_READ; k++) {
			struct dctx rr = as(d,
			                    k == 0   ? LEADER
			                    : k == 1 ? HEAD1
			                             : HEAD2,
			                    t + (k + 1) * DAY);
			if (circulation_read(&rr, id,
			                     k == 0 ? "已阅。请各部门认真贯彻落实。" : "已阅", e))
				return -1;
		}
		if (stop == TO_CIRCULATING) {
			struct dctx rr = as(d, LEADER, t + 8 * HOUR);
			return circulation_read(&rr, id, "已阅", e);
		}
		a = (struct incoming_action){.action = IN_ACT_FINISH, .opinion = "传阅完毕"};
		if (in_step(d, CLERK, t + 4 * DAY, id, &a, e))
			return -1;
		a = (struct incoming_action){.action = IN_ACT_CLOSE, .opinion = "阅知件，无需答复"};
		return in_step(d, CLERK, t + 4 * DAY + HOUR, id, &a, e);
	}
	a = (struct incoming_action){.action = IN_ACT_PROPOSE,
	                             .opinion = "拟请李红梅副检察长阅示，由第一检察部主办、"
	                                        "第二检察部协办。",
	                             .leader_id = d->who[LEADER].user_id};
	if (in_step(d, DIRECTOR, t + 5 * HOUR, id, &a, e))
		return -1;
	if (stop == TO_PROPOSED)
		return 0;
	a = (struct incoming_action){.action = IN_ACT_INSTRUCT,
	                             .opinion =
	                                 "同意拟办意见。请第一检察部牵头，按时办结并报结果。"};
	if (in_step(d, LEADER, t + DAY, id, &a, e))
		return -1;
	if (stop == TO_INSTRUCTED)
		return 0;
	a = (struct incoming_action){.action = IN_ACT_ASSIGN,
	                             .opinion = "按领导批示交办",
	                             .main = {d->dept1, deadline},
	                             .assist_count = 1};
	a.assist[0] = (struct dept_deadline){d->dept2, deadline};
	if (in_step(d, CLERK, t + DAY + 2 * HOUR, id, &a, e))
		return -1;
	a = (struct incoming_action){.action = IN_ACT_DELEGATE,
	                             .opinion = "请陈杰具体承办",
	                             .user_id = d->who[STAFF1].user_id};
	if (in_step(d, HEAD1, t + DAY + 4 * HOUR, id, &a, e))
		return -1;
	if (stop == TO_HANDLING)
		return 0;
	a = (struct incoming_action){.action = IN_ACT_REPORT,
	                             .opinion = "已按要求梳理相关情况并提供材料。"};
	if (in_step(d, HEAD2, t + 4 * DAY, id, &a, e))
		return -1;
	if (stop == TO_HANDLING_HALF) {
		a = (struct incoming_action){.action = IN_ACT_URGE,
		                             .opinion = "办理期限将至，请抓紧办理并反馈结果"};
		return in_step(d, CLERK, t + 5 * DAY, id, &a, e);
	}
	a = (struct incoming_action){.action = IN_ACT_REPORT,
	                             .opinion = "已按要求办理完毕，相关材料已报送来文单位。"};
	if (in_step(d, STAFF1, t + 6 * DAY, id, &a, e))
		return -1;
	a = (struct incoming_action){.action = IN_ACT_FINISH, .opinion = "已按批示办结"};
	if (in_step(d, CLERK, t + 6 * DAY + 3 * HOUR, id, &a, e))
		return -1;
	if (stop == TO_FINISHED)
		return 0;
	a = (struct incoming_action){.action = IN_ACT_REPLY,
	                             .opinion = "已将办理结果书面报送来文单位。",
	                             .method = "机要交通"};
	return in_step(d, CLERK, t + 7 * DAY, id, &a, e);
}

/* 发文: title, 文种, 行文方向, 主送, drafter, series (0 院文件, 1 办公室, 2 函) */
static const struct {
	const char *title, *type, *direction, *main_to;
	enum who drafter;
	int series;
	bool countersign;
} out_docs[] = {
    {"定边县人民检察院关于2025年度工作情况的报告", "report", "up", "榆林市人民检察院", CLERK, 0,
     false},
    {"关于印发《定边县人民检察院公文处理实施细则》的通知", "notice", "down", "院机关各部门", CLERK,
     0, false},
    {"关于成立保密工作领导小组的通知", "notice", "down", "院机关各部门", CLERK, 1, false},
    {"关于商请协助做好涉案财物移送工作的函", "letter", "parallel", "定边县公安局", STAFF1, 2, true},
    {"关于请求解决办案业务用房维修经费的请示", "request", "up", "定边县人民政府", CLERK, 0, false},
    {"定边县人民检察院2026年第一季度检务督察情况通报", "circular", "down", "院机关各部门", CLERK, 1,
     false},
    {"关于开展2026年度检务督察工作的通知", "notice", "down", "院机关各部门", CLERK, 0, true},
    {"定边县人民检察院检察委员会会议纪要", "minutes", "down", "院机关各部门", STAFF1, 0, false},
    {"关于公益诉讼诉前检察建议落实情况的函", "letter", "parallel", "定边县自然资源局", STAFF2, 2,
     false},
    {"关于调整院机关部门工作职责的决定", "decision", "down", "院机关各部门", CLERK, 0, true},
    {"关于开展“检察开放日”活动的公告", "announcement", "down", "社会各界", CLERK, 0, false},
    {"关于报送2026年上半年检察信息的报告", "report", "up", "榆林市人民检察院", CLERK, 0, false},
    {"关于请求增加司法警察编制的请示", "request", "up", "榆林市人民检察院", CLERK, 0, false},
    {"关于对县人大代表建议答复的函", "letter", "parallel", "定边县人大常委会", STAFF2, 2, true},
    {"关于表彰2025年度先进集体和先进个人的通报", "circular", "down", "院机关各部门", CLERK, 0,
     true},
    {"关于举办全院业务培训班的通知", "notice", "down", "院机关各部门", STAFF1, 1, false},
    {"关于加强办公用房管理的通知", "notice", "down", "院机关各部门", CLERK, 1, false},
    {"关于报送2027年度检察工作计划的报告", "report", "up", "榆林市人民检察院", CLERK, 0, false},
};
#define OUT_N (sizeof out_docs / sizeof out_docs[0])

static int out_step(struct demo *d, enum who w, int64_t t, int64_t id, struct outgoing_action *a,
                    struct err *e)
{
	struct dctx c = as(d, w, t);
	return outgoing_act(&c, id, a, e);
}

static int64_t out_version(struct demo *d, int64_t id)
{
	int64_t v = 0;
	struct err ignored = ERR_INIT;

	db_query_int(d->db, &ignored, &v, NULL, "SELECT version FROM outgoing_doc WHERE id = $1",
	             "I", id);
	return v;
}

static enum who head_of(enum who drafter)
{
	return drafter == STAFF1 ? HEAD1 : drafter == STAFF2 ? HEAD2 : DIRECTOR;
}

/* Takes one 发文 as far as `stop` (an enum out_state; OUT_DRAFT + 100 = returned to the drafter).
 */
static int demo_outgoing(struct demo *d, size_t i, int stop, struct err *e)
{
	int64_t t =
	    d->start + 10 * DAY + (int64_t)i * ((d->end - d->start - 30 * DAY) / (int64_t)OUT_N);
	enum who drafter = out_docs[i].drafter;
	struct dctx c;
	struct outgoing_fields f = {.secrecy = -1,
	                            .urgency = -1,
	                            .secrecy_years = -1,
	                            .print_copies = 30,
	                            .countersign_count = 0};
	struct outgoing_action *a = calloc(1, sizeof *a);
	char body[2048], body2[2048];
	int64_t id, series[3] = {d->series_fa, d->series_banfa, d->series_han};
	int rc = -1;

	if (a == NULL)
		return err_internal(e, "out of memory");
	if (stop < OUT_SIGNED) /* in progress: drafted in the last weeks */
		t = d->end - (int64_t)(OUT_N - i) * DAY;
	c = as(d, drafter, t);
	snprintf(body, sizeof body,
	         "%s：\n　　根据工作安排，现就%s有关事项%s如下：\n　　一、总体要求。\n"
	         "　　坚持以习近平新时代中国特色社会主义思想为指导，认真落实上级院部署。\n"
	         "　　二、主要任务。\n　　（一）加强组织领导。\n　　（二）明确责任分工。\n"
	         "　　三、工作要求。\n　　各部门要高度重视，按时报送工作情况。\n",
	         out_docs[i].main_to, out_docs[i].title,
	         strcmp(out_docs[i].direction, "up") == 0 ? "报告" : "通知");
	f.title = out_docs[i].title;
	f.doc_type = out_docs[i].type;
	f.direction = strcmp(out_docs[i].direction, "up") == 0         ? DIR_UP
	              : strcmp(out_docs[i].direction, "parallel") == 0 ? DIR_PARALLEL
	                                                               : DIR_DOWN;
	f.main_to = out_docs[i].main_to;
	f.copy_to = f.direction == DIR_DOWN ? "" : "本院院领导";
	f.body = body;
	f.attachment_note = i % 3 == 0 ? "1. 工作安排表\n2. 联系人名单" : "";
	f.urgency = i % 7 == 3 ? 1 : 0;
	if (out_docs[i].countersign) {
		f.countersign[0] = drafter == STAFF1 ? d->dept2 : d->dept1;
		f.countersign_count = 1;
	}
	if (outgoing_create(&c, &f, &id, e))
		goto out;
	if (stop == OUT_DRAFT)
		goto done;
	*a = (struct outgoing_action){.action = OUT_ACT_SUBMIT, .return_to = -1};
	if (out_step(d, drafter, t + HOUR, id, a, e))
		goto out;
	if (stop == OUT_DRAFT + 100) { /* returned to the drafter with reasons */
		*a = (struct outgoing_action){.action = OUT_ACT_RETURN,
		                              .return_to = -1,
		                              .opinion =
		                                  "请补充工作依据，并将第二部分细化到具体部门"};
		rc = out_step(d, head_of(drafter), t + 3 * HOUR, id, a, e);
		goto out;
	}
	if (stop == OUT_DEPT_REVIEW)
		goto done;
	*a = (struct outgoing_action){
	    .action = OUT_ACT_APPROVE, .return_to = -1, .opinion = "同意，请办公室核稿"};
	if (out_step(d, head_of(drafter), t + 3 * HOUR, id, a, e))
		goto out;
	if (stop == OUT_OFFICE_REVIEW)
		goto done;
	/* 核稿: the office director polishes the text (a second version) */
	snprintf(body2, sizeof body2, "%s", body);
	{
		char *p = strstr(body2, "按时报送工作情况");
		struct outgoing_fields g = {.secrecy = -1,
		                            .urgency = -1,
		                            .direction = -1,
		                            .secrecy_years = -1,
		                            .dept_id = -1,
		                            .print_copies = -1,
		                            .countersign_count = -1,
		                            .attachment_count = -1,
		                            .body = body2};
		struct dctx cc = as(d, DIRECTOR, t + DAY);
		if (p) { /* replace the phrase (different byte lengths: rebuild the string) */
			static const char from[] = "按时报送工作情况", to[] = "于每月5日前报送工作情况";
			char rest[sizeof body2];
			snprintf(rest, sizeof rest, "%s", p + strlen(from));
			snprintf(p, sizeof body2 - (size_t)(p - body2), "%s%s", to, rest);
		}
		if (p && outgoing_update(&cc, id, out_version(d, id), &g, e))
			goto out;
	}
	*a = (struct outgoing_action){
	    .action = OUT_ACT_APPROVE, .return_to = -1, .opinion = "文字已核，格式规范"};
	if (out_step(d, DIRECTOR, t + DAY + HOUR, id, a, e))
		goto out;
	if (stop == OUT_COUNTERSIGN)
		goto done;
	if (out_docs[i].countersign) {
		*a = (struct outgoing_action){
		    .action = OUT_ACT_COUNTERSIGN, .return_to = -1, .opinion = "同意"};
		if (out_step(d, drafter == STAFF1 ? HEAD2 : HEAD1, t + DAY + 5 * HOUR, id, a, e))
			goto out;
	}
	if (stop == OUT_LEADER_REVIEW)
		goto done;
	*a = (struct outgoing_action){
	    .action = OUT_ACT_APPROVE, .return_to = -1, .opinion = "同意，呈检察长签发"};
	if (out_step(d, LEADER, t + 2 * DAY, id, a, e))
		goto out;
	if (stop == OUT_SIGNING)
		goto done;
	*a = (struct outgoing_action){
	    .action = OUT_ACT_SIGN, .return_to = -1, .opinion = "同意印发"};
	/* one 上行文 signed by the deputy on the chief's authority (代) */
	if (i == 11)
		a->on_behalf_id = d->who[CHIEF].user_id;
	if (out_step(d, f.direction == DIR_UP && i != 11 ? CHIEF : (i % 2 ? LEADER : CHIEF),
	             t + 2 * DAY + 3 * HOUR, id, a, e))
		goto out;
	if (stop == OUT_SIGNED)
		goto done;
	*a = (struct outgoing_action){
	    .action = OUT_ACT_NUMBER, .return_to = -1, .series_id = series[out_docs[i].series]};
	if (out_step(d, CLERK, t + 3 * DAY, id, a, e))
		goto out;
	if (stop == OUT_NUMBERED)
		goto done;
	*a = (struct outgoing_action){
	    .action = OUT_ACT_PROOFREAD, .return_to = -1, .opinion = "校对无误"};
	if (out_step(d, CLERK, t + 3 * DAY + 2 * HOUR, id, a, e))
		goto out;
	if (stop == OUT_PROOFREAD)
		goto done;
	*a = (struct outgoing_action){.action = OUT_ACT_PRINT, .return_to = -1};
	if (out_step(d, CLERK, t + 4 * DAY, id, a, e))
		goto out;
	if (stop == OUT_PRINTED)
		goto done;
	*a = (struct outgoing_action){.action = OUT_ACT_DISTRIBUTE, .return_to = -1};
	if (f.direction == DIR_DOWN) {
		a->depts[0] = d->dept1;
		a->depts[1] = d->dept2;
		a->dept_count = 2;
	} else {
		a->external[0] = (struct external_recipient){out_docs[i].main_to, "机要交通", NULL};
		a->external_count = 1;
	}
	if (out_step(d, CLERK, t + 4 * DAY + 3 * HOUR, id, a, e))
		goto out;
done:
	rc = 0;
out:
	free(a);
	return rc;
}

static int out_stop_of(size_t i)
{
	static const int recent[] = {OUT_PRINTED,     OUT_PROOFREAD,     OUT_NUMBERED,
	                             OUT_SIGNED,      OUT_SIGNING,       OUT_LEADER_REVIEW,
	                             OUT_COUNTERSIGN, OUT_OFFICE_REVIEW, OUT_DEPT_REVIEW,
	                             OUT_DRAFT + 100, OUT_DRAFT};
	size_t nrecent = sizeof recent / sizeof recent[0];

	if (i >= OUT_N - nrecent)
		return recent[i - (OUT_N - nrecent)];
	return OUT_DISTRIBUTED;
}

static int load_people(struct demo *d, bool *ok, struct err *e)
{
	*ok = false;
	for (int w = 0; w < WHO_COUNT; w++) {
		int64_t uid;
		bool found;
		if (user_by_username(d->db, usernames[w], &uid, &found, e))
			return -1;
		if (!found)
			return 0;
		if (principal_load(d->db, uid, &d->who[w], &found, e))
			return -1;
		if (!found || d->who[w].org_id != d->org_id)
			return 0;
	}
	if (dept_by_code(d->db, d->org_id, "DYJCB", &d->dept1, e) ||
	    dept_by_code(d->db, d->org_id, "DEJCB", &d->dept2, e) ||
	    dept_by_code(d->db, d->org_id, "BGS", &d->office, e))
		return -1;
	*ok = true;
	return 0;
}

static int load_series(struct demo *d, struct err *e)
{
	static const char *const suffix[3] = {"发", "办发", "函"};
	int64_t *ids[3] = {&d->series_fa, &d->series_banfa, &d->series_han};
	char org_code[NUMBERING_CODE_MAX], code[NUMBERING_CODE_MAX + 16];
	struct db_stmt *st;

	if (numbering_demo(d->db, d->org_id, e))
		return -1;
	st = db_query(d->db, e, "SELECT code FROM org WHERE id = $1", "I", d->org_id);
	if (st == NULL)
		return -1;
	if (db_step(st, e) == DB_ROW)
		snprintf(org_code, sizeof org_code, "%s", db_col_text(st, 0));
	db_reset(st);
	for (int k = 0; k < 3; k++) {
		snprintf(code, sizeof code, "%s%s", org_code, suffix[k]);
		if (numbering_series_by_code(d->db, d->org_id, code, ids[k], e))
			return -1;
	}
	return 0;
}

int docs_demo(struct db *db, int64_t org_id, struct err *e)
{
	struct demo d = {.db = db, .org_id = org_id};
	int64_t existing;
	bool ok;

	if (db_query_int(db, e, &existing, NULL,
	                 "SELECT (SELECT count(*) FROM incoming_doc WHERE org_id = $1) +"
	                 " (SELECT count(*) FROM outgoing_doc WHERE org_id = $1)",
	                 "I", org_id))
		return -1;
	if (existing > 0)
		return 0;
	if (load_people(&d, &ok, e))
		return -1;
	if (!ok) /* not the demo org's people: nobody to replay the year with */
		return 0;
	if (load_series(&d, e))
		return -1;
	d.end = time_now() - HOUR;
	d.start = d.end - 330 * (int64_t)DAY;
	for (size_t i = 0; i < IN_N; i++)
		if (demo_incoming(&d, i, e))
			return -1;
	for (size_t i = 0; i < OUT_N; i++)
		if (demo_outgoing(&d, i, out_stop_of(i), e))
			return -1;
	return 0;
}
