/*
 * `kiscrm demo-data`: a deterministic demo company — a Kingdee KIS reseller in Shenzhen
 * with six departments, 22 staff, 300 customers with contacts, about 1,500 opportunities
 * over the year before the as-of date, contracts with collection plans and collections,
 * decomposed targets, and the weekly snapshots of the last weeks.
 *
 * Built on the public API only. The year is replayed in time order (every creation, stage
 * move, slip of an expected date, signing and collection is an event with a time), and
 * each Monday of the last weeks the rolling budget is saved as it stood that morning — so
 * the snapshots hold what was planned then, as at a real weekly meeting. Everything runs
 * in one transaction: the database gets the whole company or nothing.
 */
#include "cli.h"
#include "demo_campaigns.h"
#include "demo_service.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_CUSTOMERS 300
#define N_OPPS 1500
#define N_SNAPSHOT_WEEKS 5 /* weeks W−5 … W−1 are saved on their Mondays, then W at as_of */
#define DAY 86400

/* ---- deterministic PRNG (splitmix64): the same seed gives the same company ---------- */

typedef struct rng {
	uint64_t s;
} rng;

static uint64_t rnext(rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in lo … hi (inclusive). */
static int64_t rint_in(rng *r, int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rnext(r) % (uint64_t)(hi - lo + 1));
}

static int chance(rng *r, int percent)
{
	return rint_in(r, 0, 99) < percent;
}

#define PICK(r, arr) (arr)[rint_in((r), 0, (int64_t)(sizeof(arr) / sizeof((arr)[0])) - 1)]

/* ---- the organisation -------------------------------------------------------------- */

enum { D_GM, D_KA, D_DS1, D_DS2, D_DIST, D_SVC, N_DEPTS };

static const struct {
	const char *name, *code;
	const char *line; /* business line it sells */
} depts[N_DEPTS] = {
	{ "总经办", "GM", NULL },
	{ "大客户部", "KA", "direct" },
	{ "直销一部", "DS1", "direct" },
	{ "直销二部", "DS2", "direct" },
	{ "分销部", "DIST", "distribution" },
	{ "服务部", "SVC", "service" },
};

typedef struct staff_def {
	const char *name;
	int dept;
	const char *role;
	int manager;  /* index in staff[], -1 for none */
	int weight;   /* share of the opportunities of the department (0: does not sell) */
	const char *education;
	int hired_years_ago;
} staff_def;

static const staff_def staff[] = {
	{ "王建国", D_GM, "general_manager", -1, 0, "master", 12 },
	{ "李明辉", D_KA, "key_account_manager", 0, 3, "bachelor", 9 },
	{ "陈静", D_KA, "sales_rep", 1, 5, "bachelor", 6 },
	{ "刘洋", D_KA, "sales_rep", 1, 5, "master", 4 },
	{ "赵磊", D_KA, "sales_rep", 1, 4, "bachelor", 2 },
	{ "孙丽", D_KA, "presales", 1, 0, "bachelor", 5 },
	{ "张伟", D_DS1, "department_manager", 0, 3, "bachelor", 8 },
	{ "周婷", D_DS1, "supervisor", 6, 4, "bachelor", 5 },
	{ "吴强", D_DS1, "sales_rep", 7, 6, "college", 3 },
	{ "郑晓燕", D_DS1, "sales_rep", 7, 6, "bachelor", 2 },
	{ "黄志刚", D_DS1, "sales_rep", 7, 5, "college", 1 },
	{ "林峰", D_DS2, "department_manager", 0, 3, "bachelor", 7 },
	{ "何敏", D_DS2, "sales_rep", 11, 6, "bachelor", 4 },
	{ "高翔", D_DS2, "sales_rep", 11, 6, "college", 3 },
	{ "马超", D_DS2, "sales_rep", 11, 4, "college", 1 },
	{ "罗凯", D_DIST, "department_manager", 0, 3, "bachelor", 6 },
	{ "梁雪", D_DIST, "sales_rep", 15, 5, "bachelor", 3 },
	{ "宋佳", D_DIST, "sales_rep", 15, 5, "college", 2 },
	{ "谢东", D_SVC, "department_manager", 0, 2, "bachelor", 7 },
	{ "韩冰", D_SVC, "service", 18, 4, "bachelor", 4 },
	{ "唐磊", D_SVC, "service", 18, 4, "college", 2 },
	{ "钱芳", D_GM, "opportunity_desk", 0, 0, "bachelor", 3 }, /* the key-account call-backs */
};
#define N_STAFF ((int)(sizeof(staff) / sizeof(staff[0])))

/* ---- names --------------------------------------------------------------------------- */

static const struct {
	const char *city, *region;
	int weight;
} cities[] = {
	{ "深圳市", "south", 40 }, { "东莞市", "south", 14 }, { "广州市", "south", 10 },
	{ "佛山市", "south", 8 },  { "惠州市", "south", 6 },  { "长沙市", "central", 4 },
	{ "武汉市", "central", 3 }, { "上海市", "east", 4 },  { "杭州市", "east", 3 },
	{ "苏州市", "east", 2 },   { "北京市", "north", 2 },  { "成都市", "southwest", 2 },
	{ "西安市", "northwest", 1 }, { "沈阳市", "northeast", 1 },
};

static const char *const brands[] = {
	"华南", "恒通", "鑫达", "宏远", "金鹏", "永兴", "瑞丰", "联创", "天成", "嘉禾", "新星",
	"中联", "海德", "佳美", "博瑞", "兴业", "东方", "盛世", "汇通", "德信", "华力", "富康",
	"国泰", "长城", "创维", "明阳", "安达", "利华", "万顺", "广信", "三和", "正大", "远航",
	"启明", "宝丰", "星河", "锦程", "美联", "信达", "凯旋", "合力", "大成", "南方", "龙腾",
	"高德", "同创", "顺发", "祥和", "泰和", "振华", "志远", "精诚", "宏图", "银河", "雅居",
};

static const struct {
	const char *industry;
	const char *const words[5];
} trades[] = {
	{ "manufacturing", { "精密制造", "电子科技", "五金制品", "塑胶制品", "机械设备" } },
	{ "trade", { "贸易", "进出口", "商贸", "国际贸易", "实业" } },
	{ "services", { "企业管理咨询", "物业管理", "餐饮管理", "人力资源", "会计师事务所" } },
	{ "construction", { "建筑工程", "装饰工程", "建材", "市政工程", "幕墙工程" } },
	{ "it", { "信息技术", "网络科技", "软件", "智能科技", "数据科技" } },
	{ "retail", { "百货", "连锁超市", "医药连锁", "母婴用品", "服饰" } },
	{ "logistics", { "物流", "供应链管理", "货运代理", "仓储服务", "快运" } },
	{ "other", { "文化传播", "农业发展", "环保科技", "教育咨询", "旅游发展" } },
};

static const char *const surnames[] = {
	"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱",
	"胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "邓", "冯",
};
static const char *const given[] = {
	"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
	"涛", "明", "超", "秀英", "霞", "平", "刚", "桂英", "建华", "文", "华", "晓东", "志强",
	"海燕", "丹", "鹏", "婷", "慧", "晨", "宇", "欣怡", "子涵", "国庆", "玉兰", "春梅",
};

static const struct {
	const char *title, *role;
} titles[] = {
	{ "总经理", "decision_maker" }, { "财务总监", "influencer" }, { "财务经理", "technical_evaluator" },
	{ "IT经理", "technical_evaluator" }, { "会计主管", "user" }, { "采购经理", "gatekeeper" },
	{ "行政经理", "coach" },
};

/* Product lines (keys of dimensions.yaml) with the product names and price ranges. */
static const struct {
	const char *key, *product;
	int64_t lo, hi; /* yuan */
	int weight_direct, weight_dist;
} products[] = {
	{ "mini", "KIS迷你版", 2980, 9800, 10, 35 },
	{ "standard", "KIS标准版", 9800, 39800, 25, 35 },
	{ "commerce", "KIS商贸版", 15000, 68000, 20, 20 },
	{ "professional", "KIS专业版", 28000, 168000, 30, 8 },
	{ "new_products", "云星辰", 60000, 380000, 15, 2 },
};
#define N_PRODUCTS 5

static const char *const services[] = { "实施服务", "年度运维服务", "二次开发", "财务软件培训",
					"数据迁移服务" };

static const char *const sources_direct[] = { "grid", "grid", "market_activity", "telemarketing",
					      "resale", "resale", "referral", "inbound" };

static const char *const competitors[] = { "用友", "浪潮", "管家婆", "速达", "用友,管家婆", "金算盘" };

/* Won and lost reasons per reason category (analysis.yaml). */
static const struct {
	const char *category, *won, *lost;
} reasons[] = {
	{ "sales_process", "需求挖掘充分，方案贴合客户流程", "需求了解不够，跟进不及时" },
	{ "sales_process", "高层拜访到位，决策链全部覆盖", "未接触到真正的决策人" },
	{ "resource_organisation", "原厂技术支持及时到位", "售前资源不足，演示准备仓促" },
	{ "product_fit", "行业方案成熟，功能满足需求", "产品功能不满足生产管理需求" },
	{ "product_fit", "云产品移动办公受客户认可", "客户要求私有化部署" },
	{ "project_staff", "实施顾问经验丰富，客户信任", "销售人员更换，客户关系中断" },
	{ "customer_feedback", "老客户推荐，信任度高", "价格高于竞争对手报价" },
	{ "customer_feedback", "价格与付款方式有优势", "客户预算取消，项目暂停" },
};

/* ---- generator state -------------------------------------------------------------- */

typedef struct customer_def {
	kiscrm_id id, contact_id;
	int owner; /* index in staff[] */
	char short_name[128];
	int pays;  /* 0 on time, 1 slow, 2 bad */
} customer_def;

typedef struct opp_def {
	kiscrm_id id, contract_id;
	int customer, owner, product; /* product: index in products[], or -1 for a service */
	int service;                  /* index in services[] */
	int64_t amount;               /* minor units */
	kiscrm_time created, close_at, slip_at;
	kiscrm_date expected0, expected;
	int outcome;                  /* 0 open, 1 won, 2 lost */
	int reached;                  /* last working stage entered (index) */
	int reason, abandoned;
	int due1; /* days from signing to the second instalment */
} opp_def;

enum { EV_CREATE, EV_MOVE, EV_SLIP, EV_CLOSE, EV_COLLECT };

typedef struct event {
	kiscrm_time at;
	int type, opp, arg; /* EV_MOVE: stage index; EV_COLLECT: instalment index */
	size_t seq;         /* tie-breaker: the order events were made in */
} event;

typedef struct gen {
	rng r;
	cli *c;
	kiscrm_db *db;
	int decimals;
	kiscrm_date as_of;
	kiscrm_id dept_id[N_DEPTS], staff_id[N_STAFF];
	customer_def cust[N_CUSTOMERS];
	opp_def *opps;
	size_t nopps;
	event *ev;
	size_t nev, cev;
	int contract_seq;
	size_t n_contacts, n_contracts, n_collections, n_plans, n_targets, n_snapshots, n_moves;
	int64_t won_by_staff[N_STAFF];
} gen;

static const char *const default_stages[] = { "opportunity", "diagnosis", "design", "commercial" };
static const char *const service_stages[] = { "opportunity", "proposal" };

static int n_work(const opp_def *o)
{
	return o->product < 0 ? 2 : 4;
}

static const char *stage_key(const opp_def *o, int i)
{
	return o->product < 0 ? service_stages[i] : default_stages[i];
}

/* ---- small helpers ------------------------------------------------------------------ */

static int fail(const char *what)
{
	return cli_fail(what);
}

static int set_text(kiscrm_record *rec, int field, const char *v)
{
	return kiscrm_record_set_text(rec, field, v) < 0 ? fail("demo-data") : 0;
}

static int set_int(kiscrm_record *rec, int field, int64_t v)
{
	return kiscrm_record_set_int(rec, field, v) < 0 ? fail("demo-data") : 0;
}

/* Inserts and frees a record; *id receives its id. */
static int insert(gen *g, kiscrm_record *rec, kiscrm_id *id, const char *what)
{
	int rc = kiscrm_record_insert(g->db, rec);
	if (rc == 0 && id)
		*id = kiscrm_record_id(rec);
	kiscrm_record_free(rec);
	return rc < 0 ? fail(what) : 0;
}

static void person_name(gen *g, char *out, size_t size)
{
	snprintf(out, size, "%s%s", PICK(&g->r, surnames), PICK(&g->r, given));
}

static void phone(gen *g, char *out, size_t size)
{
	static const char *const prefixes[] = { "138", "139", "135", "136", "137", "150", "186", "189" };
	snprintf(out, size, "%s%08lld", PICK(&g->r, prefixes), (long long)rint_in(&g->r, 0, 99999999));
}

/* ---- organisation ------------------------------------------------------------------- */

static int make_org(gen *g)
{
	kiscrm_record *rec;
	for (int d = 0; d < N_DEPTS; d++) {
		if (kiscrm_record_new(&rec, KISCRM_KIND_DEPARTMENT) < 0)
			return fail("demo-data");
		if (set_text(rec, KISCRM_DEPARTMENT_NAME, depts[d].name) ||
		    set_text(rec, KISCRM_DEPARTMENT_CODE, depts[d].code) ||
		    (d && set_int(rec, KISCRM_DEPARTMENT_PARENT_ID, g->dept_id[D_GM]))) {
			kiscrm_record_free(rec);
			return 1;
		}
		if (insert(g, rec, &g->dept_id[d], "department"))
			return 1;
	}
	for (int s = 0; s < N_STAFF; s++) {
		char email[64], tel[24];
		kiscrm_date hired;
		if (kiscrm_record_new(&rec, KISCRM_KIND_STAFF) < 0)
			return fail("demo-data");
		snprintf(email, sizeof(email), "staff%02d@jinqiao-soft.cn", s + 1);
		phone(g, tel, sizeof(tel));
		hired = g->as_of - staff[s].hired_years_ago * 365 - (kiscrm_date)rint_in(&g->r, 0, 300);
		if (set_text(rec, KISCRM_STAFF_NAME, staff[s].name) ||
		    set_int(rec, KISCRM_STAFF_DEPARTMENT_ID, g->dept_id[staff[s].dept]) ||
		    set_text(rec, KISCRM_STAFF_ROLE, staff[s].role) ||
		    (staff[s].manager >= 0 &&
		     set_int(rec, KISCRM_STAFF_MANAGER_ID, g->staff_id[staff[s].manager])) ||
		    set_int(rec, KISCRM_STAFF_ACTIVE, 1) || set_int(rec, KISCRM_STAFF_HIRE_DATE, hired) ||
		    set_text(rec, KISCRM_STAFF_EDUCATION, staff[s].education) ||
		    kiscrm_record_set_rate(rec, KISCRM_STAFF_SALES_YEARS, staff[s].hired_years_ago + 1.5) < 0 ||
		    kiscrm_record_set_rate(rec, KISCRM_STAFF_INDUSTRY_YEARS, staff[s].hired_years_ago + 0.5) < 0 ||
		    kiscrm_record_set_rate(rec, KISCRM_STAFF_MANAGEMENT_YEARS,
					   staff[s].manager <= 0 ? staff[s].hired_years_ago / 2.0 : 0.0) < 0 ||
		    set_text(rec, KISCRM_STAFF_EMAIL, email) || set_text(rec, KISCRM_STAFF_PHONE, tel)) {
			kiscrm_record_free(rec);
			return fail("staff");
		}
		if (insert(g, rec, &g->staff_id[s], "staff"))
			return 1;
	}
	/* Department heads: the first staff member of each department. */
	for (int d = 0; d < N_DEPTS; d++) {
		int s = 0;
		while (staff[s].dept != d)
			s++;
		if (kiscrm_record_get(&rec, g->db, KISCRM_KIND_DEPARTMENT, g->dept_id[d]) < 0)
			return fail("department");
		if (set_int(rec, KISCRM_DEPARTMENT_MANAGER_ID, g->staff_id[s])) {
			kiscrm_record_free(rec);
			return 1;
		}
		int rc = kiscrm_record_update(g->db, rec);
		kiscrm_record_free(rec);
		if (rc < 0)
			return fail("department");
	}
	return 0;
}

/* A seller of a department, by the weights of staff[]. */
static int pick_seller(gen *g, int dept)
{
	int total = 0;
	for (int s = 0; s < N_STAFF; s++)
		if (staff[s].dept == dept)
			total += staff[s].weight;
	int x = (int)rint_in(&g->r, 1, total);
	for (int s = 0; s < N_STAFF; s++)
		if (staff[s].dept == dept && (x -= staff[s].weight) <= 0)
			return s;
	return 0;
}

/* ---- customers ---------------------------------------------------------------------- */

static int customer_exists(const gen *g, int n, const char *stem)
{
	for (int i = 0; i < n; i++)
		if (strcmp(g->cust[i].short_name, stem) == 0)
			return 1;
	return 0;
}

static int make_customer(gen *g, int i)
{
	static const char *const suffixes[] = { "有限公司", "有限公司", "有限公司", "股份有限公司",
						"有限责任公司" };
	static const char *const bands[] = { "1000万以下", "1000-5000万", "5000万-1亿", "1亿以上" };
	static const char *const lifecycles[] = { "new", "growing", "growing", "mature", "mature",
						  "declining" };
	customer_def *cu = &g->cust[i];
	char stem[128], name[192], tel[24];
	int city, trade, dept;

	/* Departments: key accounts are the big ones; distribution serves the small. */
	dept = i < 40 ? D_KA : i < 130 ? D_DS1 : i < 220 ? D_DS2 : D_DIST;
	cu->owner = pick_seller(g, dept);
	cu->pays = chance(&g->r, 72) ? 0 : chance(&g->r, 70) ? 1 : 2;
	do {
		int w = (int)rint_in(&g->r, 1, 96), k = 0;
		while ((w -= cities[k].weight) > 0)
			k++;
		city = k;
		trade = (int)rint_in(&g->r, 0, 9);
		trade = trade >= 8 ? 0 : trade; /* manufacturing twice as likely */
		snprintf(stem, sizeof(stem), "%s%s%s", cities[city].city, PICK(&g->r, brands),
			 trades[trade].words[rint_in(&g->r, 0, 4)]);
	} while (customer_exists(g, i, stem));
	snprintf(cu->short_name, sizeof(cu->short_name), "%s", stem);
	snprintf(name, sizeof(name), "%s%s", stem, PICK(&g->r, suffixes));

	kiscrm_record *rec;
	int64_t employees = dept == D_KA ? rint_in(&g->r, 300, 3000)
			   : dept == D_DIST ? rint_in(&g->r, 5, 60)
					    : rint_in(&g->r, 20, 500);
	int band = employees > 1000 ? 3 : employees > 300 ? 2 : employees > 50 ? 1 : 0;
	if (kiscrm_record_new(&rec, KISCRM_KIND_CUSTOMER) < 0)
		return fail("customer");
	/* The short name: the stem without the city ("华南精密制造"). */
	const char *shortn = stem + strlen(cities[city].city);
	if (set_text(rec, KISCRM_CUSTOMER_NAME, name) || set_text(rec, KISCRM_CUSTOMER_SHORT_NAME, shortn) ||
	    set_text(rec, KISCRM_CUSTOMER_INDUSTRY, trades[trade].industry) ||
	    set_text(rec, KISCRM_CUSTOMER_REGION, cities[city].region) ||
	    set_int(rec, KISCRM_CUSTOMER_EMPLOYEES, employees) ||
	    set_text(rec, KISCRM_CUSTOMER_REVENUE_BAND, bands[band]) ||
	    set_int(rec, KISCRM_CUSTOMER_OWNER_ID, g->staff_id[cu->owner]) ||
	    set_text(rec, KISCRM_CUSTOMER_SOURCE, PICK(&g->r, sources_direct)) ||
	    set_text(rec, KISCRM_CUSTOMER_STATUS, "active") ||
	    set_int(rec, KISCRM_CUSTOMER_KEY_ACCOUNT, dept == D_KA) ||
	    set_text(rec, KISCRM_CUSTOMER_VALUE_CLASS, dept == D_KA ? "A" : band >= 1 ? "B" : "C") ||
	    set_text(rec, KISCRM_CUSTOMER_LIFECYCLE, PICK(&g->r, lifecycles)) ||
	    set_int(rec, KISCRM_CUSTOMER_CREATED, g->as_of - 400 - rint_in(&g->r, 0, 1500))) {
		kiscrm_record_free(rec);
		return 1;
	}
	memmove(cu->short_name, shortn, strlen(shortn) + 1);
	if (insert(g, rec, &cu->id, "customer"))
		return 1;

	/* Contacts: the boss first (the main contact of the opportunities), then 0–2 more. */
	int ncontacts = (int)rint_in(&g->r, 1, 3);
	for (int k = 0; k < ncontacts; k++) {
		char pname[32], email[64];
		int t = k == 0 ? 0 : (int)rint_in(&g->r, 1, (int64_t)(sizeof(titles) / sizeof(titles[0])) - 1);
		static const char *const attitudes[] = { "supporter", "supporter", "neutral", "neutral", "opponent" };
		person_name(g, pname, sizeof(pname));
		phone(g, tel, sizeof(tel));
		snprintf(email, sizeof(email), "c%03d%d@example.cn", i + 1, k + 1);
		if (kiscrm_record_new(&rec, KISCRM_KIND_CONTACT) < 0)
			return fail("contact");
		if (set_int(rec, KISCRM_CONTACT_CUSTOMER_ID, cu->id) || set_text(rec, KISCRM_CONTACT_NAME, pname) ||
		    set_text(rec, KISCRM_CONTACT_TITLE, titles[t].title) ||
		    set_text(rec, KISCRM_CONTACT_PHONE, tel) || set_text(rec, KISCRM_CONTACT_EMAIL, email) ||
		    set_text(rec, KISCRM_CONTACT_CHAIN_ROLE, titles[t].role) ||
		    set_text(rec, KISCRM_CONTACT_ATTITUDE, PICK(&g->r, attitudes)) ||
		    (k > 0 && set_int(rec, KISCRM_CONTACT_REPORTS_TO, cu->contact_id))) {
			kiscrm_record_free(rec);
			return 1;
		}
		if (insert(g, rec, k == 0 ? &cu->contact_id : NULL, "contact"))
			return 1;
		g->n_contacts++;
	}
	return 0;
}

/* ---- opportunities: plans and events ---------------------------------------------- */

static int add_event(gen *g, kiscrm_time at, int type, int opp, int arg)
{
	if (g->nev == g->cev) {
		size_t cap = g->cev ? g->cev * 2 : 8192;
		event *e = realloc(g->ev, cap * sizeof(*e));
		if (!e) {
			fputs("kiscrm: demo-data: out of memory\n", stderr);
			return 1;
		}
		g->ev = e;
		g->cev = cap;
	}
	event *e = &g->ev[g->nev];
	e->at = at;
	e->type = type;
	e->opp = opp;
	e->arg = arg;
	e->seq = g->nev++;
	return 0;
}

static int event_cmp(const void *a, const void *b)
{
	const event *x = a, *y = b;
	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Money in minor units of a yuan amount rounded to `step` yuan. */
static int64_t yuan(gen *g, int64_t lo, int64_t hi, int64_t step)
{
	int64_t v = rint_in(&g->r, lo, hi) / step * step;
	int64_t unit = 1;
	for (int i = 0; i < g->decimals; i++)
		unit *= 10;
	return (v < step ? step : v) * unit;
}

/* Collections of a won deal, planned with it so that they replay in time order: by the
 * customer's habit — on time, slow, or stopping after the advance —, an instalment
 * sometimes paid in two parts. Events from as_of on are never replayed. */
static int plan_collections(gen *g, opp_def *o, size_t idx)
{
	kiscrm_date signed_on = kiscrm_time_date(o->close_at);
	kiscrm_date due[3] = { signed_on + 10, 0, 0 };
	kiscrm_money amt[3] = { o->amount, 0, 0 };
	size_t n = 1;
	o->due1 = (int)rint_in(&g->r, 45, 75);
	if (o->amount >= 2000000) {
		due[0] = signed_on + 7;
		due[1] = signed_on + o->due1;
		due[2] = signed_on + 180;
		amt[0] = o->amount * 30 / 100;
		amt[1] = o->amount * 60 / 100;
		amt[2] = o->amount - amt[0] - amt[1];
		n = 3;
	}
	/* Collections by the customer's habit: on time, slow, or stopping after the advance.
	 * An instalment is sometimes paid in two parts. Events past as_of are never replayed. */
	int pays = g->cust[o->customer].pays;
	for (size_t k = 0; k < n; k++) {
		if (pays == 2 && k > 0)
			break;
		int64_t late = pays == 0 ? rint_in(&g->r, -3, 12) : rint_in(&g->r, 20, 100);
		kiscrm_time at = (kiscrm_time)(due[k] + late) * DAY + 11 * 3600;
		if (at < o->close_at)
			at = o->close_at + 3600;
		int parts = amt[k] > 1000000 && chance(&g->r, 15) ? 2 : 1;
		for (int p = 0; p < parts; p++)
			if (add_event(g, at + (kiscrm_time)p * 20 * DAY, EV_COLLECT, (int)idx,
				      (int)(k * 2 + (size_t)p + (parts == 2 ? 0 : 16))))
				return 1;
	}
	return 0;
}

static int plan_opportunity(gen *g, size_t i)
{
	opp_def *o = &g->opps[i];
	kiscrm_time as_of_t = (kiscrm_time)g->as_of * DAY;
	int svc = chance(&g->r, 12);

	memset(o, 0, sizeof(*o));
	if (svc) {
		/* Services are sold by the service department to existing customers. */
		o->customer = (int)rint_in(&g->r, 0, N_CUSTOMERS - 1);
		o->owner = pick_seller(g, D_SVC);
		o->product = -1;
		o->service = (int)rint_in(&g->r, 0, 4);
		o->amount = yuan(g, 5000, 80000, 500);
	} else {
		o->customer = (int)rint_in(&g->r, 0, N_CUSTOMERS - 1);
		int owner = g->cust[o->customer].owner, dept = staff[owner].dept;
		o->owner = chance(&g->r, 88) ? owner : pick_seller(g, dept);
		int w = (int)rint_in(&g->r, 1, 100), p = 0;
		while (p < N_PRODUCTS - 1 &&
		       (w -= dept == D_DIST ? products[p].weight_dist : products[p].weight_direct) > 0)
			p++;
		o->product = p;
		o->amount = yuan(g, products[p].lo, products[p].hi, 100);
		if (dept == D_KA && p >= 3)
			o->amount *= rint_in(&g->r, 2, 5); /* group companies buy many licences */
	}
	/* Created over the year before as_of; planned cycle 3 weeks … 4 months. */
	int64_t created_day = g->as_of - 365 + rint_in(&g->r, 0, 361);
	int64_t cycle = rint_in(&g->r, 21, 75) + (o->amount > 10000000 ? rint_in(&g->r, 20, 60) : 0);
	int64_t actual = cycle;
	if (chance(&g->r, 30))
		actual += rint_in(&g->r, 10, 60); /* slips */
	o->created = (kiscrm_time)created_day * DAY + rint_in(&g->r, 9, 17) * 3600;
	o->expected0 = (kiscrm_date)(created_day + cycle);
	o->expected = (kiscrm_date)(created_day + actual);
	o->close_at = (kiscrm_time)(created_day + actual) * DAY + rint_in(&g->r, 9, 18) * 3600;
	o->reason = (int)rint_in(&g->r, 0, (int64_t)(sizeof(reasons) / sizeof(reasons[0])) - 1);
	int nw = n_work(o);
	if (o->close_at < as_of_t - DAY / 2 || (o->close_at < as_of_t && chance(&g->r, 50))) {
		/* Closed before the meeting: won or lost, lost deals stop at some stage. */
		o->outcome = chance(&g->r, 40) ? 1 : 2;
		o->reached = o->outcome == 1 ? nw - 1 : (int)rint_in(&g->r, 0, nw - 1);
		o->abandoned = o->outcome == 2 && chance(&g->r, 10);
	} else {
		/* Still open: progress so far along the planned path; a few went quiet and were
		 * never updated (their expected date stays in the past). */
		double f = (double)(as_of_t - o->created) / (double)(o->close_at - o->created);
		o->reached = (int)(f * nw);
		if (o->reached > nw - 1)
			o->reached = nw - 1;
		if (o->reached < 0)
			o->reached = 0;
		o->outcome = 0;
		if (chance(&g->r, 6))
			o->expected = o->expected0; /* stale: no slip recorded */
	}
	if (add_event(g, o->created, EV_CREATE, (int)i, 0))
		return 1;
	for (int s = 1; s <= o->reached; s++) {
		kiscrm_time at = o->created + (o->close_at - o->created) * s / (nw + 1);
		if (o->outcome == 2)
			at = o->created + (o->close_at - o->created) * s / (o->reached + 2);
		if (add_event(g, at, EV_MOVE, (int)i, s))
			return 1;
	}
	if (o->expected != o->expected0) {
		o->slip_at = (kiscrm_time)(o->expected0 - rint_in(&g->r, 1, 6)) * DAY + 10 * 3600;
		if (o->slip_at <= o->created)
			o->slip_at = o->created + 3600;
		if (add_event(g, o->slip_at, EV_SLIP, (int)i, 0))
			return 1;
	}
	if (o->outcome && add_event(g, o->close_at, EV_CLOSE, (int)i, 0))
		return 1;
	return o->outcome == 1 ? plan_collections(g, o, i) : 0;
}

static int insert_opportunity(gen *g, opp_def *o, size_t idx)
{
	static const char *const sources_dist[] = { "partner", "partner", "partner", "telemarketing", "inbound" };
	const customer_def *cu = &g->cust[o->customer];
	int dept = staff[o->owner].dept;
	char name[192];
	kiscrm_record *rec;
	kiscrm_date created = kiscrm_time_date(o->created);

	if (o->product < 0)
		snprintf(name, sizeof(name), "%s %s", cu->short_name, services[o->service]);
	else
		snprintf(name, sizeof(name), "%s %s", cu->short_name, products[o->product].product);
	if (kiscrm_record_new(&rec, KISCRM_KIND_OPPORTUNITY) < 0)
		return fail("opportunity");
	kiscrm_date last = o->outcome ? kiscrm_time_date(o->close_at)
				      : (kiscrm_date)(g->as_of - rint_in(&g->r, 1, 20));
	if (!o->outcome && o->expected == o->expected0 && o->expected0 < g->as_of)
		last = (kiscrm_date)(g->as_of - rint_in(&g->r, 35, 90)); /* gone quiet */
	if (last < created)
		last = created;
	int rc = set_text(rec, KISCRM_OPPORTUNITY_NAME, name) ||
		 set_int(rec, KISCRM_OPPORTUNITY_CUSTOMER_ID, cu->id) ||
		 (chance(&g->r, 92) && set_int(rec, KISCRM_OPPORTUNITY_CONTACT_ID, cu->contact_id)) ||
		 set_int(rec, KISCRM_OPPORTUNITY_OWNER_ID, g->staff_id[o->owner]) ||
		 set_text(rec, KISCRM_OPPORTUNITY_BUSINESS_LINE, o->product < 0 ? "service" : depts[dept].line) ||
		 set_text(rec, KISCRM_OPPORTUNITY_PRODUCT_LINE,
			  o->product < 0 ? "professional" : products[o->product].key) ||
		 set_int(rec, KISCRM_OPPORTUNITY_AMOUNT, o->amount) ||
		 set_int(rec, KISCRM_OPPORTUNITY_EXPECTED_CLOSE, o->expected0) ||
		 (o->product < 0 && set_text(rec, KISCRM_OPPORTUNITY_PIPELINE, "service")) ||
		 set_text(rec, KISCRM_OPPORTUNITY_STAGE, stage_key(o, 0)) ||
		 set_text(rec, KISCRM_OPPORTUNITY_SOURCE,
			  dept == D_DIST ? PICK(&g->r, sources_dist) : PICK(&g->r, sources_direct)) ||
		 (dept == D_DIST && set_text(rec, KISCRM_OPPORTUNITY_PARTNER, "东莞智联财务软件服务部")) ||
		 (chance(&g->r, 60) && set_text(rec, KISCRM_OPPORTUNITY_COMPETITORS, PICK(&g->r, competitors))) ||
		 set_int(rec, KISCRM_OPPORTUNITY_CREATED, created) ||
		 set_int(rec, KISCRM_OPPORTUNITY_LAST_ACTIVITY, last);
	if (rc) {
		kiscrm_record_free(rec);
		return 1;
	}
	(void)idx;
	kiscrm_db_set_actor(g->db, g->staff_id[o->owner]);
	return insert(g, rec, &o->id, "opportunity");
}

/* Reads an opportunity, lets `edit` change it, writes it back. */
static int update_opp(gen *g, opp_def *o, int field, const char *text, int64_t value)
{
	kiscrm_record *rec;
	if (kiscrm_record_get(&rec, g->db, KISCRM_KIND_OPPORTUNITY, o->id) < 0)
		return fail("opportunity");
	int rc = text ? set_text(rec, field, text) : set_int(rec, field, value);
	if (rc == 0 && kiscrm_record_update(g->db, rec) < 0)
		rc = fail("opportunity");
	kiscrm_record_free(rec);
	return rc;
}

static int sign_contract(gen *g, opp_def *o)
{
	kiscrm_record *rec;
	kiscrm_date signed_on = kiscrm_time_date(o->close_at);
	int y, m;
	char number[32];
	kiscrm_date_to_ymd(signed_on, &y, &m, NULL);
	snprintf(number, sizeof(number), "HT%04d%02d-%04d", y, m, ++g->contract_seq);
	int small = o->amount < 2000000; /* below 20,000.00 yuan: paid at once */
	if (kiscrm_record_new(&rec, KISCRM_KIND_CONTRACT) < 0)
		return fail("contract");
	if (set_text(rec, KISCRM_CONTRACT_NUMBER, number) ||
	    set_int(rec, KISCRM_CONTRACT_CUSTOMER_ID, g->cust[o->customer].id) ||
	    set_int(rec, KISCRM_CONTRACT_OPPORTUNITY_ID, o->id) || set_int(rec, KISCRM_CONTRACT_SIGNED, signed_on) ||
	    set_int(rec, KISCRM_CONTRACT_AMOUNT, o->amount) ||
	    set_int(rec, KISCRM_CONTRACT_OWNER_ID, g->staff_id[o->owner]) ||
	    set_text(rec, KISCRM_CONTRACT_APPROVAL, "approved") ||
	    set_text(rec, KISCRM_CONTRACT_PAYMENT_TERMS,
		     small ? "签约后10天内付清" : "预付30%，验收后付60%，质保期满付10%")) {
		kiscrm_record_free(rec);
		return 1;
	}
	if (insert(g, rec, &o->contract_id, "contract"))
		return 1;
	g->n_contracts++;

	kiscrm_date due[3];
	kiscrm_money amt[3];
	size_t n;
	if (small) {
		due[0] = signed_on + 10;
		amt[0] = o->amount;
		n = 1;
	} else {
		due[0] = signed_on + 7;
		due[1] = signed_on + o->due1;
		due[2] = signed_on + 180;
		amt[0] = o->amount * 30 / 100;
		amt[1] = o->amount * 60 / 100;
		amt[2] = o->amount - amt[0] - amt[1];
		n = 3;
	}
	if (kiscrm_contract_plan_instalments(g->db, o->contract_id, due, amt, n, 0) < 0)
		return fail("collection plan");
	g->n_plans += n;

	return 0;
}

/* arg of a collection event: instalment k*2 + part, +16 when the instalment is paid whole. */
static int collect(gen *g, opp_def *o, int arg, kiscrm_time at)
{
	kiscrm_money amt[3];
	int small = o->amount < 2000000, whole = arg >= 16, k = (arg & 15) / 2, part = arg & 1;
	if (small) {
		amt[0] = o->amount;
	} else {
		amt[0] = o->amount * 30 / 100;
		amt[1] = o->amount * 60 / 100;
		amt[2] = o->amount - amt[0] - amt[1];
	}
	kiscrm_money a = amt[k];
	if (!whole)
		a = part == 0 ? a / 2 : a - a / 2;
	kiscrm_record *rec;
	char note[64];
	snprintf(note, sizeof(note), "银行转账 第%d期%s", k + 1, whole ? "" : part ? "（尾款）" : "（部分）");
	if (kiscrm_record_new(&rec, KISCRM_KIND_COLLECTION) < 0)
		return fail("collection");
	if (set_int(rec, KISCRM_COLLECTION_CONTRACT_ID, o->contract_id) ||
	    set_int(rec, KISCRM_COLLECTION_RECEIVED, kiscrm_time_date(at)) ||
	    set_int(rec, KISCRM_COLLECTION_AMOUNT, a) || set_text(rec, KISCRM_COLLECTION_NOTE, note)) {
		kiscrm_record_free(rec);
		return 1;
	}
	g->n_collections++;
	return insert(g, rec, NULL, "collection");
}

static int close_opportunity(gen *g, opp_def *o)
{
	const char *stage = o->outcome == 1 ? "won" : "lost";
	kiscrm_db_set_actor(g->db, g->staff_id[o->owner]);
	if (kiscrm_opportunity_move(g->db, o->id, stage, o->close_at, 0) < 0)
		return fail("move");
	g->n_moves++;
	kiscrm_record *rec;
	if (kiscrm_record_get(&rec, g->db, KISCRM_KIND_OPPORTUNITY, o->id) < 0)
		return fail("opportunity");
	int rc = set_text(rec, KISCRM_OPPORTUNITY_REASON,
			  o->outcome == 1 ? reasons[o->reason].won : reasons[o->reason].lost) ||
		 set_text(rec, KISCRM_OPPORTUNITY_REASON_CATEGORY, reasons[o->reason].category) ||
		 (o->abandoned && set_text(rec, KISCRM_OPPORTUNITY_STATUS, "abandoned"));
	if (rc == 0 && kiscrm_record_update(g->db, rec) < 0)
		rc = fail("opportunity");
	kiscrm_record_free(rec);
	if (rc)
		return rc;
	if (o->outcome == 1) {
		g->won_by_staff[o->owner] += o->amount;
		return sign_contract(g, o);
	}
	return 0;
}

static int snapshot(gen *g, kiscrm_date week)
{
	kiscrm_db_set_actor(g->db, g->staff_id[0]);
	if (kiscrm_budget_snapshot(NULL, g->db, week) < 0)
		return fail("snapshot");
	g->n_snapshots++;
	return 0;
}

/* Replays the events in time order, saving the rolling budget each Monday morning of the
 * last weeks; events from as_of on are the future and are dropped. */
static int replay(gen *g)
{
	const kiscrm_config *cfg = kiscrm_db_config(g->db);
	kiscrm_date w = kiscrm_date_week_start(g->as_of, kiscrm_config_week_start(cfg));
	kiscrm_date next_snap = w - 7 * N_SNAPSHOT_WEEKS;
	kiscrm_time end = (kiscrm_time)g->as_of * DAY;

	qsort(g->ev, g->nev, sizeof(*g->ev), event_cmp);
	for (size_t i = 0; i < g->nev; i++) {
		event *e = &g->ev[i];
		opp_def *o = &g->opps[e->opp];
		if (e->at >= end)
			break;
		while (next_snap < w && e->at >= (kiscrm_time)next_snap * DAY) {
			if (snapshot(g, next_snap))
				return 1;
			next_snap += 7;
		}
		int rc = 0;
		switch (e->type) {
		case EV_CREATE:
			rc = insert_opportunity(g, o, (size_t)e->opp);
			break;
		case EV_MOVE:
			kiscrm_db_set_actor(g->db, g->staff_id[o->owner]);
			if (kiscrm_opportunity_move(g->db, o->id, stage_key(o, e->arg), e->at, 0) < 0)
				rc = fail("move");
			g->n_moves++;
			break;
		case EV_SLIP:
			rc = update_opp(g, o, KISCRM_OPPORTUNITY_EXPECTED_CLOSE, NULL, o->expected);
			break;
		case EV_CLOSE:
			rc = close_opportunity(g, o);
			break;
		case EV_COLLECT:
			rc = collect(g, o, e->arg, e->at);
			break;
		}
		if (rc)
			return rc;
	}
	while (next_snap < w) {
		if (snapshot(g, next_snap))
			return 1;
		next_snap += 7;
	}
	/* This week's table, as saved at the meeting itself. */
	return snapshot(g, g->as_of);
}

/* ---- targets ------------------------------------------------------------------------ */

/* The children of a target that are periods of kind `period` (and have no more dims). */
static int children_of_period(gen *g, kiscrm_id parent, int period, kiscrm_id *out, size_t *n)
{
	kiscrm_id *ids = NULL;
	size_t count = 0;
	*n = 0;
	if (kiscrm_target_children(&ids, &count, g->db, parent) < 0)
		return fail("target");
	for (size_t i = 0; i < count; i++) {
		kiscrm_record *rec;
		if (kiscrm_record_get(&rec, g->db, KISCRM_KIND_TARGET, ids[i]) < 0) {
			kiscrm_ids_free(ids);
			return fail("target");
		}
		if (kiscrm_record_int(rec, KISCRM_TARGET_PERIOD) == period && *n < 64)
			out[(*n)++] = ids[i];
		kiscrm_record_free(rec);
	}
	kiscrm_ids_free(ids);
	return 0;
}

/* Year → quarters (a stronger second half) → months → weeks. */
static int split_down(gen *g, kiscrm_id year)
{
	static const int64_t q[4] = { 21, 24, 25, 30 }, m[3] = { 32, 33, 35 };
	kiscrm_id quarters[64], months[64];
	size_t nq, nm;
	if (kiscrm_target_split_time(g->db, year, KISCRM_PERIOD_QUARTER, q, 4) < 0)
		return fail("target");
	if (children_of_period(g, year, KISCRM_PERIOD_QUARTER, quarters, &nq))
		return 1;
	g->n_targets += nq;
	for (size_t i = 0; i < nq; i++) {
		if (kiscrm_target_split_time(g->db, quarters[i], KISCRM_PERIOD_MONTH, m, 3) < 0)
			return fail("target");
		if (children_of_period(g, quarters[i], KISCRM_PERIOD_MONTH, months, &nm))
			return 1;
		g->n_targets += nm;
		for (size_t k = 0; k < nm; k++) {
			size_t nw;
			int64_t w[6] = { 1, 1, 1, 1, 1, 1 };
			if (kiscrm_target_split_count(&nw, g->db, months[k], KISCRM_PERIOD_WEEK) < 0 ||
			    nw > 6 || kiscrm_target_split_time(g->db, months[k], KISCRM_PERIOD_WEEK, w, nw) < 0)
				return fail("target");
			g->n_targets += nw;
		}
	}
	return 0;
}

/* The company's yearly target of a metric, to departments and to people, each split
 * down to weeks. People's weights: what they won this year plus a base, so targets are
 * ambitious but in reach. */
static int make_targets(gen *g, const char *metric, int fiscal_year, int percent_of_won)
{
	int64_t total = 0, wstaff[N_STAFF], wdept[N_DEPTS];
	kiscrm_id ids[N_STAFF];
	int64_t weights[N_STAFF];
	size_t n = 0;
	memset(wdept, 0, sizeof(wdept));
	for (int s = 0; s < N_STAFF; s++) {
		wstaff[s] = staff[s].weight ? g->won_by_staff[s] / 100 + 200000 : 0;
		wdept[staff[s].dept] += wstaff[s];
		total += g->won_by_staff[s];
	}
	/* Rounded to 10,000.00 yuan. */
	int64_t step = 1000000;
	int64_t amount = (total / 100 * percent_of_won) / step * step;
	kiscrm_id year;
	kiscrm_target_dims dims = KISCRM_TARGET_DIMS_INIT;
	if (kiscrm_target_set_year(&year, g->db, metric, fiscal_year, amount, &dims) < 0)
		return fail("target");
	g->n_targets++;
	if (split_down(g, year))
		return 1;
	for (int d = 0; d < N_DEPTS; d++)
		if (wdept[d]) {
			ids[n] = g->dept_id[d];
			weights[n++] = wdept[d];
		}
	if (kiscrm_target_split_dim_ids(g->db, year, KISCRM_GROUP_DEPARTMENT, ids, weights, n) < 0)
		return fail("target");
	kiscrm_id kids[64];
	size_t nk;
	if (children_of_period(g, year, KISCRM_PERIOD_YEAR, kids, &nk))
		return 1;
	g->n_targets += nk;
	for (size_t i = 0; i < nk; i++)
		if (split_down(g, kids[i]))
			return 1;
	n = 0;
	for (int s = 0; s < N_STAFF; s++)
		if (wstaff[s]) {
			ids[n] = g->staff_id[s];
			weights[n++] = wstaff[s];
		}
	/* The people's split is a second decomposition of the company year (same period,
	 * owner set): children_of_period() then returns departments and people alike, and
	 * only the new ones still need their time split. */
	if (kiscrm_target_split_dim_ids(g->db, year, KISCRM_GROUP_OWNER, ids, weights, n) < 0)
		return fail("target");
	kiscrm_id all[64];
	size_t na;
	if (children_of_period(g, year, KISCRM_PERIOD_YEAR, all, &na))
		return 1;
	for (size_t i = 0; i < na; i++) {
		int done = 0;
		for (size_t k = 0; k < nk; k++)
			done |= all[i] == kids[k];
		if (!done) {
			g->n_targets++;
			if (split_down(g, all[i]))
				return 1;
		}
	}
	return 0;
}

/* ---- the command ------------------------------------------------------------------ */

static const char demo_help[] =
	"usage: kiscrm demo-data [--seed N] [--as-of YYYY-MM-DD]\n"
	"\n"
	"Fills the database with a deterministic demo company (the same seed and date give the\n"
	"same data): 深圳市金桥软件有限公司, a Kingdee KIS reseller —\n"
	"  departments  总经办 with 大客户部, 直销一部, 直销二部, 分销部, 服务部 below it\n"
	"  staff        22 people with roles (roles.yaml) and reporting lines\n"
	"  customers    300 companies with Chinese names, industries and regions, 1–3 contacts\n"
	"  opportunities ~1,500 created over the year before the date, moved through the\n"
	"               stages with history; won and lost ones with reasons and categories;\n"
	"               some slipped (expected date moved), a few gone quiet\n"
	"  contracts    for the won deals, with collection plans (30/60/10 % or at once) and\n"
	"               collections, some late, partial or missing (overdue receivables)\n"
	"  targets      contract and collection targets of the fiscal year, decomposed to\n"
	"               quarters, months and weeks, to departments and to people\n"
	"  snapshots    the rolling budget of the last five Mondays, as it stood each Monday,\n"
	"               and of the date's week\n"
	"Everything is written in one transaction. Use it on a new, empty database.\n"
	"\n"
	"  --seed N        seed of the generator (default 1)\n"
	"  --as-of DATE    the day of the weekly meeting (default 2026-11-23, a Monday);\n"
	"                  nothing after it is generated\n";

int cmd_demo_data(cli *c, int argc, char **argv)
{
	gen *g;
	const char *v;
	uint64_t seed = 1;
	kiscrm_date as_of;
	kiscrm_date_from_ymd(&as_of, 2026, 11, 23);
	for (int i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			fputs(demo_help, stdout);
			return 0;
		} else if ((v = cli_opt(argc, argv, &i, "--seed"))) {
			char *end;
			seed = strtoull(v, &end, 10);
			if (!*v || *end)
				return cli_usage("--seed: '%s' is not a number", v);
		} else if ((v = cli_opt(argc, argv, &i, "--as-of"))) {
			if (kiscrm_date_parse(&as_of, v) < 0)
				return cli_usage("--as-of: '%s' is not a date (YYYY-MM-DD)", v);
		} else
			return cli_usage("demo-data: unknown option '%s'", argv[i]);
	}
	if (cli_open(c))
		return 1;
	kiscrm_iter *it;
	const kiscrm_record *any;
	if (kiscrm_iter_new(&it, c->db, KISCRM_KIND_STAFF, NULL) < 0)
		return cli_fail("demo-data");
	int rc = kiscrm_iter_next(&any, it);
	kiscrm_iter_free(it);
	if (rc == 0) {
		fprintf(stderr, "kiscrm: demo-data: %s already has staff; use a new database\n", c->db_path);
		return 1;
	}
	g = calloc(1, sizeof(*g));
	if (!g || !(g->opps = calloc(N_OPPS, sizeof(*g->opps)))) {
		free(g);
		fputs("kiscrm: demo-data: out of memory\n", stderr);
		return 1;
	}
	g->r.s = seed * 0x2545f4914f6cdd1dull + 0x5eed;
	g->c = c;
	g->db = c->db;
	g->decimals = kiscrm_config_currency_decimals(kiscrm_db_config(c->db));
	g->as_of = as_of;
	g->nopps = N_OPPS;

	rc = 1;
	if (kiscrm_db_begin(c->db) < 0) {
		cli_fail("demo-data");
		goto out;
	}
	if (make_org(g))
		goto rollback;
	for (int i = 0; i < N_CUSTOMERS; i++)
		if (make_customer(g, i))
			goto rollback;
	for (size_t i = 0; i < g->nopps; i++)
		if (plan_opportunity(g, i))
			goto rollback;
	if (replay(g))
		goto rollback;
	size_t n_campaign_records = 0;
	if (demo_campaigns_make(c->db, as_of, g->staff_id[0], g->staff_id[N_STAFF - 1], &n_campaign_records) < 0) {
		cli_fail("demo-data: market activities");
		goto rollback;
	}
	kiscrm_id svc_customers[40], svc_contracts[3];
	size_t n_svc_contracts = 0, n_service_records = 0;
	for (int i = 0; i < 40; i++)
		svc_customers[i] = g->cust[i].id;
	for (size_t i = g->nopps; i-- > 0 && n_svc_contracts < 3;) /* three of the contracts */
		if (g->opps[i].contract_id)
			svc_contracts[n_svc_contracts++] = g->opps[i].contract_id;
	if (demo_service_make(c->db, as_of, svc_customers, 40, svc_contracts, n_svc_contracts, g->staff_id[19],
			      &n_service_records) < 0) {
		cli_fail("demo-data: service");
		goto rollback;
	}
	int fy = kiscrm_date_fiscal_year(as_of, kiscrm_config_fiscal_year_start(kiscrm_db_config(c->db)));
	/* This year's targets, and next year's (the eight weeks may run into it). */
	if (make_targets(g, KISCRM_METRIC_CONTRACT_AMOUNT, fy, 135) ||
	    make_targets(g, KISCRM_METRIC_COLLECTION_AMOUNT, fy, 120) ||
	    make_targets(g, KISCRM_METRIC_CONTRACT_AMOUNT, fy + 1, 150) ||
	    make_targets(g, KISCRM_METRIC_COLLECTION_AMOUNT, fy + 1, 135))
		goto rollback;
	kiscrm_db_set_actor(c->db, 0);
	if (kiscrm_db_commit(c->db) < 0) {
		cli_fail("demo-data");
		goto out;
	}
	size_t created = 0, won = 0, lost = 0;
	for (size_t i = 0; i < g->nopps; i++)
		if (g->opps[i].id) {
			created++;
			won += g->opps[i].outcome == 1;
			lost += g->opps[i].outcome == 2;
		}
	char d[16];
	kiscrm_date_format(d, sizeof(d), as_of);
	printf("demo company 深圳市金桥软件有限公司 as of %s (seed %llu):\n"
	       "  %d departments, %d staff, %d customers, %zu contacts\n"
	       "  %zu opportunities (%zu won, %zu lost, %zu open), %zu stage moves\n"
	       "  %zu contracts, %zu plan instalments, %zu collections\n"
	       "  %zu targets, %zu weekly snapshots, %zu market-activity records, %zu service records\n",
	       d, (unsigned long long)seed, N_DEPTS, N_STAFF, N_CUSTOMERS, g->n_contacts, created, won,
	       lost, created - won - lost, g->n_moves, g->n_contracts, g->n_plans, g->n_collections,
	       g->n_targets, g->n_snapshots, n_campaign_records, n_service_records);
	rc = 0;
	goto out;
rollback:
	kiscrm_db_rollback(c->db);
out:
	free(g->ev);
	free(g->opps);
	free(g);
	return rc;
}
