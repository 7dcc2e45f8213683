"""Records of every kind, with field access by name: ``rec["name"]`` and ``rec.name``."""

import ctypes
from typing import Any, Dict, Optional, Type

from . import _lib
from . import values as V
from .errors import Invalid, NotFound


class _FieldInfo:
    """One field of a kind: its id (which carries the kind, see KISCRM_FIELD_ID), name,
    type and the kind it references (0: none)."""
    __slots__ = ("id", "name", "type", "ref")

    def __init__(self, id_, name, type_, ref):
        self.id, self.name, self.type, self.ref = id_, name, type_, ref


_KIND_CACHE: Dict[Any, "Kind"] = {}


class Kind:
    """A kind of record: its number, name and fields (name → field id, type, reference)."""

    def __init__(self, code):
        L = _lib.lib()
        name = L.kiscrm_kind_name(code)
        if name is None:
            raise Invalid("unknown record kind %d" % code, value=str(code))
        self.code = code
        self.name = name
        self.fields = []
        self.by_name = {}
        for i in range(L.kiscrm_kind_field_count(code)):
            fid = L.kiscrm_kind_field_id(code, i)  # field ids carry their kind
            f = _FieldInfo(fid, L.kiscrm_kind_field_name(code, fid),
                           L.kiscrm_kind_field_type(code, fid), L.kiscrm_kind_field_ref(code, fid))
            self.fields.append(f)
            self.by_name[f.name] = f

    def field(self, name):
        """The field called name; NotFound naming the kind's fields otherwise."""
        if isinstance(name, int):
            # a position (0 = id) or a field id of this kind (kind << 8 | position)
            pos = name & 0xFF if name >> 8 == self.code else name
            if 0 <= pos < len(self.fields):
                return self.fields[pos]
            raise NotFound("%s has no field %d" % (self.name, name), value=str(name))
        try:
            return self.by_name[name]
        except KeyError:
            raise NotFound("%s has no field '%s' (fields: %s)"
                           % (self.name, name, ", ".join(f.name for f in self.fields)),
                           field=str(name), value=str(name)) from None

    @property
    def field_names(self):
        return [f.name for f in self.fields]

    def __repr__(self):
        return "<kiscrm.Kind %s (%d)>" % (self.name, self.code)


def kind(k):
    """Kind of a name ('customer'), a number (3), a Kind or a Record class."""
    if isinstance(k, Kind):
        return k
    if isinstance(k, type) and issubclass(k, Record) and k.KIND:
        k = k.KIND
    if isinstance(k, str):
        cached = _KIND_CACHE.get(k)
        if cached is not None:
            return cached
        code = _lib.lib().kiscrm_kind_find(_lib.enc(k))
        if code < 0:
            raise NotFound("unknown record kind '%s' (kinds: %s)" % (k, ", ".join(kind_names())),
                           value=k)
        kd = kind(code)
        _KIND_CACHE[k] = kd
        return kd
    code = int(k)
    cached = _KIND_CACHE.get(code)
    if cached is None:
        cached = _KIND_CACHE[code] = Kind(code)
    return cached


def kind_names():
    """Names of every record kind the library knows."""
    L = _lib.lib()
    out = []
    code = 1
    while True:
        n = L.kiscrm_kind_name(code)
        if n is None:
            break
        out.append(n)
        code += 1
    return out


_CLASSES: Dict[str, Type["Record"]] = {}


class Record:
    """One record of any kind. Fields are read and written by name, as items or as
    attributes: ``rec["amount"]``, ``rec.amount = Decimal("1234.56")``.

    Values: money Decimal, dates datetime.date, times datetime.datetime (UTC), rates
    float, ints int, text str, NULL None. A record read from or stored in a Database keeps
    it alive (``rec.db``) and can be saved with ``rec.save()``.

    Names of methods and properties (id, db, kind_name, kind_code, fields, get, set,
    to_dict, save, delete, refresh, copy) take precedence over fields of the same name for
    attribute access; use item access for those fields (``experience["kind"]``).
    """

    KIND: Optional[str] = None  # set by the entity subclasses

    def __new__(cls, kind_=None, *args, **kw):
        # Record("opportunity") gives an Opportunity.
        if cls is Record and kind_ is not None:
            _register_classes()
            cls = _CLASSES.get(kind(kind_).code, Record)
        return object.__new__(cls)

    def __init__(self, kind_=None, db=None, **fields):
        if kind_ is None:
            kind_ = self.KIND
        if kind_ is None:
            raise Invalid("Record() needs a kind, e.g. Record('customer', name='甲')")
        kd = kind(kind_)
        ptr = _lib.RecordP()
        _lib.lib().kiscrm_record_new(ctypes.byref(ptr), kd.code)
        self._init(ptr, kd, db)
        for k, v in fields.items():
            self.set(k, v)

    def _init(self, ptr, kd, db):
        object.__setattr__(self, "_ptr", ptr)
        object.__setattr__(self, "_kind", kd)
        object.__setattr__(self, "db", db)

    @classmethod
    def _wrap(cls, ptr, db):
        """A Record (of the entity class of its kind) owning ptr."""
        code = _lib.lib().kiscrm_record_kind(ptr)
        _register_classes()
        klass = _CLASSES.get(code, Record)
        rec = object.__new__(klass)
        rec._init(ptr, kind(code), db)
        return rec

    def __del__(self):
        ptr = self.__dict__.get("_ptr")
        if ptr and _lib._LIB is not None:
            _lib._LIB.kiscrm_record_free(ptr)
            object.__setattr__(self, "_ptr", None)

    @property
    def _decimals(self):
        return self.db.money_decimals if self.db is not None else 2

    @property
    def id(self):
        """The record's id; 0 until stored."""
        return _lib.lib().kiscrm_record_id(self._ptr)

    @property
    def kind_name(self):
        """Name of the record's kind, e.g. 'opportunity'."""
        return self._kind.name

    @property
    def kind_code(self):
        """Number of the record's kind (a KISCRM_KIND_* value)."""
        return self._kind.code

    @property
    def fields(self):
        """Names of the kind's fields, in order."""
        return self._kind.field_names

    def get(self, name, default=None):
        """Value of a field (default when NULL)."""
        v = self[name]
        return default if v is None else v

    def __getitem__(self, name):
        f = self._kind.field(name)
        L = _lib.lib()
        p = self._ptr
        if L.kiscrm_record_is_null(p, f.id):
            return None
        t = f.type
        if t == V.TYPE_TEXT:
            return L.kiscrm_record_text(p, f.id).decode("utf-8")
        if t == V.TYPE_RATE:
            return L.kiscrm_record_rate(p, f.id)
        v = L.kiscrm_record_int(p, f.id)
        if t == V.TYPE_MONEY:
            return V.money_to_decimal(v, self._decimals)
        if t == V.TYPE_DATE:
            return V.date_to_python(v)
        if t == V.TYPE_TIME:
            return V.time_to_python(v)
        return v

    def set(self, name, value):
        """Sets a field from a Python value (None sets NULL)."""
        f = self._kind.field(name)
        L = _lib.lib()
        p = self._ptr
        if value is None:
            L.kiscrm_record_set_null(p, f.id)
            return
        t = f.type
        if t == V.TYPE_TEXT:
            L.kiscrm_record_set_text(p, f.id, _lib.enc(str(value)))
        elif t == V.TYPE_RATE:
            L.kiscrm_record_set_rate(p, f.id, float(value))
        elif t == V.TYPE_MONEY:
            L.kiscrm_record_set_int(p, f.id, V.money_from_python(value, self._decimals))
        elif t == V.TYPE_DATE:
            L.kiscrm_record_set_int(p, f.id, V.date_from_python(value))
        elif t == V.TYPE_TIME:
            L.kiscrm_record_set_int(p, f.id, V.time_from_python(value))
        else:
            if isinstance(value, Record):
                value = value.id
            if isinstance(value, bool):
                value = int(value)
            if not isinstance(value, int):
                raise TypeError("%s.%s is an integer field, not %s"
                                % (self._kind.name, f.name, type(value).__name__))
            L.kiscrm_record_set_int(p, f.id, value)

    __setitem__ = set

    def set_text(self, name, text):
        """Sets a field from text, converted exactly by its type (as CSV imports do)."""
        f = self._kind.field(name)
        _lib.lib().kiscrm_record_set_from_text(self._ptr, f.id, _lib.enc(text),
                                               self._decimals)

    def text(self, name):
        """A field's value as the library writes it in CSV ('' for NULL)."""
        f = self._kind.field(name)
        buf = _lib.Buf()
        _lib.lib().kiscrm_record_field_to_text(ctypes.byref(buf), self._ptr, f.id,
                                               self._decimals)
        return _lib.take_buf(buf)

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        kd = self.__dict__.get("_kind")
        if kd is None or name not in kd.by_name:
            raise AttributeError("%s record has no field or attribute '%s'"
                                 % (kd.name if kd else "?", name))
        return self[name]

    def __setattr__(self, name, value):
        if name.startswith("_") or name == "db" or name in type(self).__dict__ or \
                hasattr(type(self), name):
            object.__setattr__(self, name, value)
        elif name in self._kind.by_name:
            self.set(name, value)
        else:
            raise AttributeError("%s has no field '%s' (fields: %s)"
                                 % (self._kind.name, name, ", ".join(self.fields)))

    def __contains__(self, name):
        return name in self._kind.by_name

    def __iter__(self):
        return iter(self.fields)

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self.fields))

    def to_dict(self, skip_null=False):
        """Fields as a dict (NULL fields omitted with skip_null=True)."""
        d = {}
        for f in self._kind.fields:
            v = self[f.id]
            if v is not None or not skip_null:
                d[f.name] = v
        return d

    def copy(self):
        """An independent copy (same id, same database)."""
        ptr = _lib.RecordP()
        _lib.lib().kiscrm_record_dup(ctypes.byref(ptr), self._ptr)
        return Record._wrap(ptr, self.db)

    def _need_db(self):
        if self.db is None:
            raise Invalid("this %s record is not attached to a Database; use "
                          "db.insert(record)" % self._kind.name)
        return self.db

    def save(self):
        """Inserts the record (id 0) or updates it, in its database."""
        db = self._need_db()
        if self.id:
            db.update(self)
        else:
            db.insert(self)
        return self

    def delete(self, cascade=False):
        """Deletes the record from its database."""
        self._need_db().delete(self._kind.code, self.id, cascade=cascade)

    def refresh(self):
        """Re-reads the record from its database."""
        fresh = self._need_db().get(self._kind.code, self.id)
        old = self.__dict__["_ptr"]
        object.__setattr__(self, "_ptr", fresh._ptr)
        object.__setattr__(fresh, "_ptr", old)  # freed with `fresh`
        return self

    def __eq__(self, other):
        if not isinstance(other, Record):
            return NotImplemented
        return self._kind.code == other._kind.code and self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value: unhashable

    def __repr__(self):
        name = self.get("name") if "name" in self._kind.by_name else None
        return "<kiscrm.%s id=%d%s>" % (type(self).__name__ if type(self) is not Record
                                        else "Record " + self._kind.name, self.id,
                                        " name=%r" % name if name else "")


class Department(Record):
    """部门: a department (kind 'department')."""
    KIND = "department"

    def subtree(self):
        """Ids of this department and every department below it."""
        return self._need_db().department_subtree(self.id)


class Staff(Record):
    """员工: a staff member (kind 'staff')."""
    KIND = "staff"


class Customer(Record):
    """客户: a customer (kind 'customer'), with custom attributes and merging."""
    KIND = "customer"

    def set_attr(self, key, value):
        """Sets (or with None deletes) a custom attribute."""
        self._need_db().set_customer_attr(self.id, key, value)

    def attr(self, key, default=None):
        """A custom attribute's value (default when absent)."""
        return self._need_db().customer_attr(self.id, key, default)

    def merge(self, duplicate):
        """Merges another customer (or its id) into this one."""
        dup = duplicate.id if isinstance(duplicate, Record) else duplicate
        self._need_db().merge_customers(self.id, dup)
        return self.refresh()

    def receivable(self):
        """Money still to be collected on this customer's contracts."""
        return self._need_db().customer_receivable(self.id)


class CustomerAttr(Record):
    """A custom attribute of a customer (kind 'customer_attr')."""
    KIND = "customer_attr"


class Contact(Record):
    """联系人: a contact (kind 'contact')."""
    KIND = "contact"


class Lead(Record):
    """线索: a lead (kind 'lead')."""
    KIND = "lead"

    def qualify(self, customer_id=0, at=None):
        """Qualifies the lead; returns the new Opportunity."""
        db = self._need_db()
        opp = db.qualify_lead(self.id, customer_id, at)
        self.refresh()
        return db.get("opportunity", opp)


class Opportunity(Record):
    """商机: an opportunity (kind 'opportunity'), moved between stages with move()."""
    KIND = "opportunity"

    def move(self, stage, at=None, reopen=False):
        """Moves to another stage (recorded in the stage history) and re-reads itself."""
        self._need_db().move(self.id, stage, at, reopen=reopen)
        return self.refresh()

    def set_probability(self, percent):
        """Sets the probability by hand (None: follow the stage again)."""
        self._need_db().set_probability(self.id, percent)
        return self.refresh()

    def history(self):
        """The opportunity's stage-history entries, oldest first."""
        db = self._need_db()
        return [h for h in db.records("stage_history")
                if h["opportunity_id"] == self.id]


class StageHistory(Record):
    """A stage move of an opportunity (kind 'stage_history')."""
    KIND = "stage_history"


class Contract(Record):
    """合同: a contract (kind 'contract')."""
    KIND = "contract"

    def collected(self):
        """Money collected on the contract (Decimal)."""
        return self._need_db().contract_collected(self.id)

    def receivable(self):
        """Amount − collected (Decimal)."""
        return self._need_db().contract_receivable(self.id)

    def overdue(self, as_of=None):
        """Planned instalments due before as_of and not yet collected (Decimal)."""
        return self._need_db().contract_overdue(self.id, as_of)

    def plan(self, instalments, allow_less=False):
        """Replaces the collection plan by (due date, amount) pairs."""
        self._need_db().plan_instalments(self.id, instalments, allow_less)


class CollectionPlan(Record):
    """收款计划: a planned instalment (kind 'collection_plan')."""
    KIND = "collection_plan"


class Collection(Record):
    """收款: money received (kind 'collection')."""
    KIND = "collection"


class Target(Record):
    """业绩指标: a target (kind 'target')."""
    KIND = "target"

    def children(self):
        """Ids of the targets decomposing this one."""
        return self._need_db().target_children(self.id)


class Snapshot(Record):
    """A saved weekly rolling budget (kind 'snapshot')."""
    KIND = "snapshot"


class SnapshotLine(Record):
    """One project-week of a snapshot (kind 'snapshot_line')."""
    KIND = "snapshot_line"


class KpiScore(Record):
    """A manually entered KPI score (kind 'kpi_score')."""
    KIND = "kpi_score"


class Evidence(Record):
    """Evidence of a qualification behaviour item (kind 'evidence')."""
    KIND = "evidence"


class ExamResult(Record):
    """An exam result (kind 'exam_result')."""
    KIND = "exam_result"


class Experience(Record):
    """Years of one kind of work experience (kind 'experience'); its field 'kind' is
    read with item access: ``rec["kind"]``."""
    KIND = "experience"


class Training(Record):
    """A training attended (kind 'training')."""
    KIND = "training"


class Activity(Record):
    """An activity: visit, call-back, meeting, task … (kind 'activity'); see
    Database.activity_occurrences() for its calendar."""
    KIND = "activity"


class ActivityException(Record):
    """A moved or cancelled occurrence of a recurring activity (kind 'activity_exception')."""
    KIND = "activity_exception"


class KeyAccountEvent(Record):
    """An event of the key-account archive: gained, lost, executive_change, major_event,
    important_date, family_celebration (kind 'key_account_event')."""
    KIND = "key_account_event"


class ValueClass(Record):
    """A customer's A/B/C value class as computed on a date (kind 'value_class'); see
    Database.classify_value()."""
    KIND = "value_class"


class Competitor(Record):
    """A competitor of the register (kind 'competitor'); see report('competitors')."""
    KIND = "competitor"


class OpportunityCompetitor(Record):
    """A competitor met on an opportunity, `won` when it took the deal (kind
    'opportunity_competitor')."""
    KIND = "opportunity_competitor"


class SwotEntry(Record):
    """A strength, weakness, opportunity or threat (kind 'swot_entry')."""
    KIND = "swot_entry"


class SwotStrategy(Record):
    """An SO, ST, WO or WT strategy pairing two SWOT entries (kind 'swot_strategy')."""
    KIND = "swot_strategy"


class WorkItem(Record):
    """An item of the annual, resource or problem list (kind 'work_item'); see
    report('work-review')."""
    KIND = "work_item"


class WorkLog(Record):
    """A dated measure taken on a work item (kind 'work_log')."""
    KIND = "work_log"


class GridCell(Record):
    """A region × industry cell of the market grid (kind 'grid_cell'); see report('grid')."""
    KIND = "grid_cell"


class Campaign(Record):
    """A market activity (市场活动, kind 'campaign'); see report('campaign-roi')."""
    KIND = "campaign"


class CampaignCost(Record):
    """A dated cost item of a market activity (kind 'campaign_cost')."""
    KIND = "campaign_cost"


class CampaignMember(Record):
    """A person invited to a market activity (kind 'campaign_member')."""
    KIND = "campaign_member"


class CampaignTouch(Record):
    """A market activity reaching a customer, contact or lead on a day (kind 'campaign_touch')."""
    KIND = "campaign_touch"


class ServiceRequest(Record):
    """A service request or complaint (kind 'service_request'); see Database.service_sla()."""
    KIND = "service_request"


class ServiceEvent(Record):
    """What happened to a service request (kind 'service_event', append-only)."""
    KIND = "service_event"


class SatisfactionSurvey(Record):
    """A satisfaction survey score of 1-5 (kind 'satisfaction_survey')."""
    KIND = "satisfaction_survey"


class Milestone(Record):
    """An implementation milestone of a contract (kind 'milestone'); see report('milestones')."""
    KIND = "milestone"


class Partner(Record):
    """A second-tier partner (kind 'partner'); see report('partner-results')."""
    KIND = "partner"


class PartnerTarget(Record):
    """A partner's own target (kind 'partner_target')."""
    KIND = "partner_target"


class Registration(Record):
    """A partner's project registration (kind 'registration'); see report('registration-conflicts')."""
    KIND = "registration"


class Product(Record):
    """A product of the price list (产品, kind 'product'): code, name, product line, list price."""
    KIND = "product"


class Quote(Record):
    """A quote to a customer (报价单, kind 'quote'); see Database.quote_submit()."""
    KIND = "quote"


class QuoteLine(Record):
    """A line of a quote (kind 'quote_line'): product, quantity, list price, discount_bp."""
    KIND = "quote_line"


class Approval(Record):
    """A price or contract approval (审批, kind 'approval'); see Database.approval_decide()."""
    KIND = "approval"


class AuditEntry(Record):
    """One change of one record in the audit log (审计日志, kind 'audit_entry'), written by the
    library alone; see Database.history()."""
    KIND = "audit_entry"


class PresalesRequest(Record):
    """A presales support request (kind 'presales_request'); see report('presales-queue')."""
    KIND = "presales_request"


ENTITY_CLASSES = [Department, Staff, Customer, CustomerAttr, Contact, Lead, Opportunity,
                  StageHistory, Contract, CollectionPlan, Collection, Target, Snapshot,
                  SnapshotLine, KpiScore, Evidence, ExamResult, Experience, Training, Activity,
                  ActivityException, KeyAccountEvent, ValueClass,
                  Competitor, OpportunityCompetitor, SwotEntry, SwotStrategy, WorkItem, WorkLog,
                  GridCell, Campaign, CampaignCost, CampaignMember, CampaignTouch, ServiceRequest,
                  ServiceEvent, SatisfactionSurvey, PresalesRequest, Milestone,
                  Partner, PartnerTarget, Registration, Product, Quote, QuoteLine, Approval, AuditEntry]


def _register_classes():
    """Maps kind numbers to entity classes (after the library is loaded)."""
    if _CLASSES:
        return
    for cls in ENTITY_CLASSES:
        code = _lib.lib().kiscrm_kind_find(cls.KIND.encode())
        if code > 0:
            _CLASSES[code] = cls
