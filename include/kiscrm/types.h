/**
 * @file kiscrm/types.h
 * @brief The common types: opaque handles, kinds of record, field ids and the byte buffer.
 */
#ifndef KISCRM_TYPES_H
#define KISCRM_TYPES_H

#include "common.h"

KISCRM_BEGIN_DECL

/** An open database: storage backend, configuration and caches. One per thread. */
typedef struct kiscrm_db kiscrm_db;
/** Loaded and validated configuration (dimensions, roles, calendar, pipelines …). */
typedef struct kiscrm_config kiscrm_config;
/** One record of any kind (customer, staff, opportunity …) held in memory. */
typedef struct kiscrm_record kiscrm_record;
/** A pull-style iterator over stored records. */
typedef struct kiscrm_iter kiscrm_iter;
/** A report: named, typed columns and rows. */
typedef struct kiscrm_table kiscrm_table;
/** A storage backend vtable (see kiscrm/sys/backend.h). */
typedef struct kiscrm_backend kiscrm_backend;

/** Kinds of records. Values are only ever appended. */
typedef enum kiscrm_kind {
	KISCRM_KIND_DEPARTMENT = 1,    /**< 部门, see kiscrm/org.h. */
	KISCRM_KIND_STAFF = 2,         /**< 员工, see kiscrm/org.h. */
	KISCRM_KIND_CUSTOMER = 3,      /**< 客户, see kiscrm/customer.h. */
	KISCRM_KIND_CUSTOMER_ATTR = 4, /**< Custom attribute of a customer. */
	KISCRM_KIND_CONTACT = 5,       /**< 联系人, see kiscrm/customer.h. */
	KISCRM_KIND_LEAD = 6,          /**< 线索, see kiscrm/pipeline.h. */
	KISCRM_KIND_OPPORTUNITY = 7,   /**< 商机, see kiscrm/pipeline.h. */
	KISCRM_KIND_STAGE_HISTORY = 8, /**< A stage move of an opportunity, see kiscrm/pipeline.h. */
	KISCRM_KIND_CONTRACT = 9,      /**< 合同, see kiscrm/money_flow.h. */
	KISCRM_KIND_COLLECTION_PLAN = 10, /**< 收款计划 instalment, see kiscrm/money_flow.h. */
	KISCRM_KIND_COLLECTION = 11,   /**< 收款 money received, see kiscrm/money_flow.h. */
	KISCRM_KIND_TARGET = 12,       /**< 业绩指标, see kiscrm/target.h. */
	KISCRM_KIND_SNAPSHOT = 13,     /**< A saved weekly rolling budget, see kiscrm/budget.h. */
	KISCRM_KIND_SNAPSHOT_LINE = 14, /**< One project-week of a snapshot, see kiscrm/budget.h. */
	KISCRM_KIND_KPI_SCORE = 15,    /**< A manually entered KPI score, see kiscrm/kpi.h. */
	KISCRM_KIND_EVIDENCE = 16,     /**< Evidence of a qualification behaviour item, see kiscrm/kpi.h. */
	KISCRM_KIND_EXAM_RESULT = 17,  /**< An exam result of a knowledge subject, see kiscrm/kpi.h. */
	KISCRM_KIND_EXPERIENCE = 18,   /**< Years of one kind of work experience, see kiscrm/kpi.h. */
	KISCRM_KIND_TRAINING = 19,     /**< A training attended, see kiscrm/qualification.h. */
	KISCRM_KIND_ACTIVITY = 20,     /**< 活动: a visit, call, meeting or task, see kiscrm/activity.h. */
	KISCRM_KIND_ACTIVITY_EXCEPTION = 21, /**< A moved or cancelled occurrence of a series, see kiscrm/activity.h. */
	KISCRM_KIND_KEY_ACCOUNT_EVENT = 22, /**< An event of the key-account archive, see kiscrm/care.h. */
	KISCRM_KIND_VALUE_CLASS = 23,  /**< A customer's value class as computed on a date, see kiscrm/value.h. */
	KISCRM_KIND_COMPETITOR = 24,   /**< 竞争对手, see kiscrm/market.h. */
	KISCRM_KIND_OPPORTUNITY_COMPETITOR = 25, /**< A competitor met on an opportunity, see kiscrm/market.h. */
	KISCRM_KIND_SWOT_ENTRY = 26,   /**< A SWOT entry, see kiscrm/routines.h. */
	KISCRM_KIND_SWOT_STRATEGY = 27, /**< A SWOT strategy (SO, ST, WO, WT), see kiscrm/routines.h. */
	KISCRM_KIND_WORK_ITEM = 28,    /**< An item of a work list, see kiscrm/routines.h. */
	KISCRM_KIND_WORK_LOG = 29,     /**< A measure taken on a work item, see kiscrm/routines.h. */
	KISCRM_KIND_GRID_CELL = 30,    /**< 网格: a region × industry cell of the market grid, see kiscrm/market.h. */
	KISCRM_KIND_CAMPAIGN = 31,     /**< 市场活动: a market activity, see kiscrm/campaign.h. */
	KISCRM_KIND_CAMPAIGN_COST = 32, /**< A dated cost item of a market activity, see kiscrm/campaign.h. */
	KISCRM_KIND_CAMPAIGN_MEMBER = 33, /**< A person invited to a market activity, see kiscrm/campaign.h. */
	KISCRM_KIND_CAMPAIGN_TOUCH = 34, /**< A market activity reaching a customer, contact or lead, see kiscrm/campaign.h. */
	KISCRM_KIND_SERVICE_REQUEST = 35, /**< 服务请求/投诉: a service request or complaint, see kiscrm/service.h. */
	KISCRM_KIND_SERVICE_EVENT = 36, /**< What happened to a service request, see kiscrm/service.h. */
	KISCRM_KIND_SATISFACTION_SURVEY = 37, /**< A satisfaction survey (满意度调查), see kiscrm/service.h. */
	KISCRM_KIND_PRESALES_REQUEST = 38, /**< 售前支持申请: a presales support request, see kiscrm/presales.h. */
	KISCRM_KIND_MILESTONE = 39,    /**< 实施里程碑: an implementation milestone of a contract, see kiscrm/delivery.h. */
	KISCRM_KIND_PARTNER = 40,      /**< 二级渠道伙伴: a second-tier partner, see kiscrm/channel.h. */
	KISCRM_KIND_PARTNER_TARGET = 41, /**< A partner's target, see kiscrm/channel.h. */
	KISCRM_KIND_REGISTRATION = 42, /**< 项目报备: a partner's project registration, see kiscrm/channel.h. */
	KISCRM_KIND_PRODUCT = 43,      /**< 产品: a product of the price list, see kiscrm/pricing.h. */
	KISCRM_KIND_QUOTE = 44,        /**< 报价单: a quote to a customer, see kiscrm/pricing.h. */
	KISCRM_KIND_QUOTE_LINE = 45,   /**< A line of a quote, see kiscrm/pricing.h. */
	KISCRM_KIND_APPROVAL = 46,     /**< 审批: a price or contract approval, see kiscrm/pricing.h. */
	KISCRM_KIND_AUDIT_ENTRY = 47   /**< 审计日志: one change of one record, written by the library, see kiscrm/audit.h. */
} kiscrm_kind;

/**
 * A field id: which field of which kind. Field ids carry their kind, so a record accessor
 * given another kind's field (a contact's name for a customer) refuses it with
 * ::KISCRM_EINVALID instead of touching the field at the same position. Each public header
 * declares the ids of its kinds (::KISCRM_CUSTOMER_NAME …); language bindings build them
 * with kiscrm_kind_field_id() or find them by name with kiscrm_kind_field_find().
 */
typedef int kiscrm_field;

/** The id of the field at @p position (0 = `id`) of @p kind (a ::kiscrm_kind). */
#define KISCRM_FIELD_ID(kind, position) (((int)(kind) << 8) | (int)(position))
/** The ::kiscrm_kind a field id belongs to. */
#define KISCRM_FIELD_KIND(field) ((int)(field) >> 8)
/** The position of a field id within its kind (0 = `id`). */
#define KISCRM_FIELD_POSITION(field) ((int)(field) & 0xff)

/**
 * A growable byte buffer the library fills and the caller disposes with
 * kiscrm_buf_dispose(). Initialise with ::KISCRM_BUF_INIT.
 */
typedef struct kiscrm_buf {
	char *ptr;    /**< NUL-terminated contents, or NULL when empty and never written. */
	size_t size;  /**< Bytes used, without the terminating NUL. */
	size_t asize; /**< Bytes allocated. */
} kiscrm_buf;

/** Initialiser for an empty ::kiscrm_buf. */
#define KISCRM_BUF_INIT { NULL, 0, 0 }

/**
 * Frees the memory of a buffer filled by the library and resets it to empty.
 * @param buf may be NULL.
 */
KISCRM_API void kiscrm_buf_dispose(kiscrm_buf *buf);

/** Frees an id array returned by the library. @param ids may be NULL. */
KISCRM_API void kiscrm_ids_free(kiscrm_id *ids);

KISCRM_END_DECL

#endif
