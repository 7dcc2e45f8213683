#!/usr/bin/python3
"""Runs the kiscrm command-line tool on small fixture files and compares its output with
the hand-written files in tests/cli/expected/.

usage: run_cli_tests.py KISCRM SOURCE_DIR MAVEN_DIR GROUP
GROUP is basic (import, list, show, add, move, report, export round trip), errors (import
error reports, exit codes, help), maven (the Maven sample's counts and figures), demo,
files (export safety, formula neutralisation, malformed Maven files, argument checks), or
names (records by name, did-you-mean, update, delete, help).
"""
import json
import os
import re
import subprocess
import sys
import tempfile

KISCRM, SRC, MAVEN, GROUP = sys.argv[1:5]
KISCRM = os.path.abspath(KISCRM)  # some checks run it from another directory
DATA = os.path.join(SRC, 'data')
EXPECTED = os.path.join(SRC, 'expected')
failures = []


def run(db, *args, code=0):
    """Runs kiscrm on db; checks the exit status; returns (stdout, stderr)."""
    cmd = [KISCRM, '--db', db] + list(args)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = p.stdout.decode('utf-8'), p.stderr.decode('utf-8')
    if p.returncode != code:
        fail('%s: exit %d, expected %d\nstdout: %s\nstderr: %s'
             % (' '.join(args), p.returncode, code, out, err))
    return out, err


def fail(msg):
    failures.append(msg)
    print('FAIL: ' + msg)


def check(cond, msg):
    if cond:
        print('ok   ' + msg)
    else:
        fail(msg)


def same_as(actual, name):
    with open(os.path.join(EXPECTED, name), encoding='utf-8') as f:
        want = f.read()
    if actual == want:
        print('ok   output equals expected/' + name)
    else:
        fail('output differs from expected/%s\n--- expected\n%s--- actual\n%s' % (name, want, actual))


def load_fixture(db):
    for entity, f in (('department', 'departments'), ('staff', 'staff'),
                      ('customer', 'customers'), ('opportunity', 'opportunities')):
        out, _ = run(db, 'import', entity, os.path.join(DATA, f + '.csv'))
        check(out.startswith('imported 3 %s record(s)' % entity), 'import %s: 3 records' % entity)


def basic(tmp):
    db = os.path.join(tmp, 'basic.db')
    load_fixture(db)
    out, _ = run(db, 'list', 'department', '--format', 'csv')
    same_as(out, 'departments.csv')
    # A fourth opportunity, by hand: created 16 Nov, moved to diagnosis on the 17th and won
    # on the 20th; opportunity 3 (commercial) is lost on the 19th.
    out, _ = run(db, 'add', 'opportunity', 'name=湘江物流 实施服务', 'customer_id=2', 'owner_id=2',
                 'business_line=direct', 'product_line=standard', 'amount=8000.00',
                 'expected_close=2026-11-25', 'stage=opportunity', 'created=2026-11-16')
    check(out == '4\n', 'add prints the new id 4')
    run(db, 'move', '4', 'diagnosis', '--at', '2026-11-17T09:00:00Z')
    run(db, 'move', '4', 'won', '--at', '2026-11-20T15:30:00Z')
    run(db, 'move', '3', 'lost', '--at', '2026-11-19T10:00:00Z')
    # Moving a won opportunity again needs --reopen: a conflict, exit 1.
    _, err = run(db, 'move', '4', 'design', code=1)
    check('kiscrm: move:' in err, 'reopening without --reopen is refused with the library message')
    out, _ = run(db, 'show', 'opportunity', '4')
    same_as(out, 'show_opportunity_4.txt')
    # win-rate by owner over all closes: 张伟 won opportunity 4 (8000.00), lost nothing →
    # rate 1; 李娜 lost opportunity 3 → 0 won, 1 lost, rate 0. 王建国 owns nothing: no row.
    out, _ = run(db, 'report', 'win-rate', '--by', 'owner', '--format', 'json')
    same_as(out, 'win_rate_owner.json')
    doc = json.loads(out)
    check(list(doc) == ['columns', 'rows'], 'JSON has exactly columns and rows')
    # --lang zh: Chinese headers (labels.yaml) in CSV and table output, names in JSON.
    out, _ = run(db, '--lang', 'zh', 'report', 'win-rate', '--by', 'owner', '--format', 'csv')
    check(out.splitlines()[0] == '负责人,赢单数,输单数,赢单金额,赢单率', 'report --lang zh: Chinese CSV headers')
    out, _ = run(db, 'report', 'win-rate', '--by', 'owner', '--lang', 'en')
    check(out.splitlines()[0].split() == ['Owner', 'Won', 'Lost', 'Won', 'amount', 'Win', 'rate'],
          'report --lang en: English table headers')
    out, _ = run(db, '--lang', 'zh', 'report', 'win-rate', '--by', 'owner', '--format', 'json')
    check(json.loads(out)['columns'][0]['name'] == 'owner', 'report --lang zh: JSON keeps column names')
    # The funnel as of 23 Nov, worked out in expected/funnel.md.
    out, _ = run(db, 'report', 'funnel', '--as-of', '2026-11-23', '--format', 'csv')
    same_as(out, 'funnel.csv')
    out, _ = run(db, 'report', 'funnel', '--as-of', '2026-11-23')
    check('164,800.50' in out, 'table output has thousands separators')

    # list --where: contract 1 for the won opportunity 4 with three instalments; a second
    # contract's instalment must never show up under contract 1.
    run(db, 'add', 'contract', 'customer_id=2', 'opportunity_id=4', 'owner_id=2',
        'signed=2026-11-20', 'amount=8000.00')
    run(db, 'add', 'contract', 'customer_id=1', 'owner_id=1', 'signed=2026-11-21', 'amount=1000.00')
    for plan in (('contract_id=1', 'due=2026-12-31', 'amount=3000.00', 'note=预付款'),
                 ('contract_id=1', 'due=2027-03-31', 'amount=4000.00', 'note=验收款'),
                 ('contract_id=1', 'due=2027-06-30', 'amount=1000.00'),
                 ('contract_id=2', 'due=2027-01-31', 'amount=1000.00', 'note=预付款')):
        run(db, 'add', 'collection_plan', *plan)
    out, _ = run(db, 'list', 'collection_plan', '--where', 'contract_id=1', '--format', 'csv')
    check([l.split(',')[0] for l in out.splitlines()[1:]] == ['1', '2', '3'],
          'list --where contract_id=1: plans 1, 2, 3')
    out, _ = run(db, 'list', 'collection_plan', '--where', 'contract_id=1',
                 '--where', 'due>=2027-01-01', '--where', 'amount>3000.00', '--format', 'csv')
    check(out.splitlines()[1:] == ['2,1,,2027-03-31,4000.00,验收款,,'],
          'list --where on a date and an amount: plan 2 only')
    out, _ = run(db, 'list', 'collection_plan', '--where', 'note~预付', '--format', 'csv')
    check([l.split(',')[0] for l in out.splitlines()[1:]] == ['1', '4'], 'list --where note~预付: plans 1, 4')
    out, _ = run(db, 'list', 'collection_plan', '--where', 'note=', '--format', 'csv')
    check([l.split(',')[0] for l in out.splitlines()[1:]] == ['3'], 'list --where note= (NULL): plan 3')
    _, err = run(db, 'list', 'collection_plan', '--where', 'amount>=1.234', code=2)
    check('1.234' in err and 'amount' in err, 'list --where names a bad value')
    _, err = run(db, 'list', 'collection_plan', '--where', 'nosuch=1', code=2)
    check('nosuch' in err, 'list --where names an unknown field')
    _, err = run(db, 'list', 'collection_plan', '--where', 'amount~1', code=1)
    check('contains' in err and 'amount' in err, 'list --where: contains on money is refused')

    # Export → import with --keep-ids --raw → export gives the same bytes.
    db2 = os.path.join(tmp, 'copy.db')
    kinds = ['department', 'staff', 'customer', 'opportunity', 'stage_history']
    for k in kinds:
        run(db, 'export', k, os.path.join(tmp, k + '.csv'))
    for k in kinds:
        run(db2, 'import', k, os.path.join(tmp, k + '.csv'), '--keep-ids', '--raw')
    for k in kinds:
        a, _ = run(db, 'export', k)
        b, _ = run(db2, 'export', k)
        check(a == b and a.count('\n') > 1, 'export round trip of %s is exact' % k)

    # GBK (Chinese Excel): read with --encoding gbk; without it the bytes are not UTF-8.
    _, err = run(db, 'import', 'customer', os.path.join(DATA, 'customers_gbk.csv'), code=1)
    check(err != '', 'a GBK file without --encoding is refused')
    out, _ = run(db, 'import', 'customer', os.path.join(DATA, 'customers_gbk.csv'), '--encoding', 'gbk')
    check(out.startswith('imported 2 customer'), 'GBK import: 2 customers')
    out, _ = run(db, 'list', 'customer', '--name', '天成', '--format', 'csv')
    check('广州市天成贸易有限公司' in out, 'GBK names are stored as UTF-8')

    snapshot_diff(tmp)
    calendar(tmp)
    care_and_value(tmp)
    duplicates_and_merge(tmp)
    approvals(tmp)
    partner_and_history(tmp)


def snapshot_diff(tmp):
    """The weekly routine: snapshot-diff by owner, first without any snapshot, then before
    the week's snapshot is saved (the live table against last week's snapshot)."""
    db = os.path.join(tmp, 'weekly.db')
    load_fixture(db)
    # No snapshot of the week of 16 Nov: an empty table and a note, exit 0.
    out, _ = run(db, 'report', 'snapshot-diff', '--as-of', '2026-11-23', '--by', 'owner')
    check(out.splitlines()[0].split()[:2] == ['owner', 'change'], 'snapshot-diff --by owner: one owner column')
    check(out.endswith('\n\nNo rolling-budget snapshot of the previous week (starting 2026-11-16) '
                       'to compare with: save one every week (kiscrm snapshot).\n'),
          'snapshot-diff without snapshots prints a note after the table')
    run(db, 'snapshot', '--as-of', '2026-11-16')
    # 李娜 (staff 3) adds opportunity 4, expected Friday 27 Nov (week of 23 Nov, w1), 5000.00.
    # The three fixture opportunities keep their expected dates: no change. Week of 23 Nov
    # is not saved: the live table as of 23 Nov is compared with the snapshot of 16 Nov.
    run(db, 'add', 'opportunity', 'name=恒通五金 二期', 'customer_id=3', 'owner_id=3',
        'business_line=distribution', 'product_line=mini', 'amount=5000.00',
        'expected_close=2026-11-27', 'stage=opportunity', 'created=2026-11-18')
    out, err = run(db, 'report', 'snapshot-diff', '--as-of', '2026-11-23', '--by', 'owner', '--format', 'csv')
    lines = out.splitlines()
    check(lines[0] == 'owner,change,kind,opportunity_id,contract_id,old_stage,new_stage,old_date,new_date,'
          'old_amount,new_amount,amount_delta,old_contract,new_contract,old_collection,new_collection',
          'snapshot-diff --by owner --format csv: header')
    check(lines[1:] == ['李娜,new,opportunity,4,,,opportunity,,2026-11-27,,5000.00,5000.00,,5000.00,,0.00'],
          'snapshot-diff --by owner: opportunity 4 is new for 李娜')
    check(err == 'note: The week starting 2026-11-23 has no snapshot yet: compared the live table as of '
          '2026-11-23 with the snapshot of the week starting 2026-11-16.\n',
          'snapshot-diff --format csv says on stderr that it compared the live table')


def duplicates_and_merge(tmp):
    """重复客户 through the CLI: 北京金蝶软件有限公司 exists; a file brings 北京 金蝶软件（有限公司）
    (the same once normalised) and 上海新客户. With --refuse-duplicates nothing is imported;
    without, both are, with a warning naming the pair; merge leaves no duplicates."""
    db = os.path.join(tmp, 'dup.db')
    run(db, 'init')
    run(db, 'add', 'customer', 'name=北京金蝶软件有限公司')
    csv = os.path.join(tmp, 'dup.csv')
    with open(csv, 'w', encoding='utf-8') as f:
        f.write('name\n北京 金蝶软件（有限公司）\n上海新客户\n')
    _, err = run(db, 'import', 'customer', csv, '--refuse-duplicates', code=1)
    check('nothing imported' in err, 'import --refuse-duplicates refuses a duplicate')
    out, _ = run(db, 'list', 'customer', '--format', 'csv')
    check(len(out.splitlines()) == 2, 'the refused import wrote nothing')
    out, err = run(db, 'import', 'customer', csv)
    check(out.startswith('imported 2 customer') and
          "has the same normalised name as customer 1 '北京金蝶软件有限公司'" in err,
          'import warns about the duplicate and imports')
    out, _ = run(db, 'duplicates', 'customer', '--format', 'csv')
    rows = [l.split(',') for l in out.splitlines()[1:]]
    check([(r[0], r[3]) for r in rows] == [('1', '北京金蝶软件'), ('1', '北京金蝶软件')],
          'duplicates customer: one group of two')
    dup = rows[1][1]
    out, _ = run(db, 'merge', 'customer', '1', dup)
    check(out == 'merged 1 customer(s) into 1\n', 'merge customer')
    out, _ = run(db, 'duplicates', 'customer', '--format', 'csv')
    check(out.splitlines()[1:] == [], 'no duplicates after the merge')
    _, err = run(db, 'merge', 'customer', '1', '999', code=1)
    check('999 does not exist' in err, 'merge of a missing customer is refused')
    run(db, 'merge', 'customer', '1', 'x', code=2)


def care_and_value(tmp):
    """Key-account care and customer value through the CLI. 甲 (key account, owner 张三) signed
    its first contract on 2026-03-01, so the general manager's visits (accounts of two years
    or more) do not apply; the key-account manager owes 4 quarterly reviews (none done) and
    the desk 12 monthly call-backs (one, in February): 16 required, 1 done. Over 2026 甲 is
    the only customer ranked: 100,000.00 less the call-back's cost of 10.00, no whole year:
    score 99,990.00, class A; it is gold and, with one product line, a cross-sell candidate."""
    db = os.path.join(tmp, 'care.db')
    run(db, 'init')
    run(db, 'add', 'department', 'name=总部')
    for name, role in (('王总', 'general_manager'), ('李经理', 'key_account_manager'),
                       ('赵专员', 'opportunity_desk'), ('张三', 'sales_rep')):
        run(db, 'add', 'staff', 'name=' + name, 'department_id=1', 'role=' + role)
    run(db, 'add', 'customer', 'name=甲', 'owner_id=4')
    run(db, 'add', 'key_account_event', 'customer_id=1', 'date=2026-01-05', 'type=gained')
    out, _ = run(db, 'show', 'customer', '1')
    check(any(l.split()[:2] == ['key_account', '1'] for l in out.splitlines()),
          'a gained event makes the customer a key account')
    run(db, 'add', 'contract', 'customer_id=1', 'owner_id=4', 'signed=2026-03-01', 'amount=100000.00',
        'product_line=mini')
    run(db, 'add', 'activity', 'type=call_back', 'subject=回访', 'owner_id=3', 'customer_id=1',
        'start=2026-02-10T09:00:00Z', 'status=done')
    out, _ = run(db, 'report', 'care-compliance', '--as-of', '2026-12-04', '--format', 'csv')
    rows = [l.split(',') for l in out.splitlines()[1:]]
    check([r[2] + ':' + r[5] + ':' + ','.join(r[6:9]) for r in rows[:2]] ==
          ['application_review:李经理:4,0,4', 'call_back:赵专员:12,1,11'] and rows[2][6:8] == ['16', '1'],
          'care-compliance: 4 reviews owed by 李经理, 1 of 12 call-backs, 16/1 in total')
    out, _ = run(db, 'report', 'care-due', '--as-of', '2026-12-04', '--format', 'csv')
    check(len(out.splitlines()) == 1 + 4 + 11, 'care-due: 4 quarters and 11 months open')
    out, _ = run(db, 'report', 'customer-value', '--period', 'year', '--as-of', '2026-06-30', '--format', 'csv')
    check(out.splitlines()[1:] == ['1,1,甲,100000.00,0.00,10.00,0,99990.00,A'], 'customer-value: 甲 ranks first, A')
    out, _ = run(db, 'classify-value', '--as-of', '2026-06-30')
    check(out == '1 customers classed\n', 'classify-value stores one class')
    out, _ = run(db, 'report', 'idic', '--period', 'year', '--as-of', '2026-06-30', '--format', 'csv')
    check([l.split(',')[0] for l in out.splitlines()[1:]] == ['gold', 'cross_sell'], 'idic: gold and cross-sell')
    run(db, 'classify-value', '--period', 'fortnight', code=2)


def partner_and_history(tmp):
    """--partner sees one partner's world; history shows the audit log."""
    db = os.path.join(tmp, 'partners.db')
    run(db, 'init')
    run(db, 'add', 'partner', 'name=伙伴甲')
    run(db, 'add', 'partner', 'name=伙伴乙')
    run(db, 'add', 'customer', 'name=甲的客户', 'partner_id=1')
    run(db, 'add', 'customer', 'name=乙的客户', 'partner_id=2')
    run(db, 'add', 'customer', 'name=直销客户')
    out, _ = run(db, '--partner', '1', 'list', 'customer', '--format', 'csv')
    check([l.split(',')[1] for l in out.splitlines()[1:]] == ['甲的客户'], '--partner 1 lists its customer only')
    _, err = run(db, '--partner', '1', 'show', 'customer', '2', code=1)
    check('customer 2 does not exist' in err and '乙' not in err, "--partner 1: partner 2's customer is not found")
    out, _ = run(db, '--partner', '1', 'add', 'customer', 'name=甲的新客户')
    out, _ = run(db, 'show', 'customer', out.strip())
    check(re.search(r'^partner_id\s+1 \(伙伴甲\)$', out, re.M) is not None,
          "a customer added as partner 1 is partner 1's (show names the partner)")
    _, err = run(db, '--partner', '9', 'list', 'customer', code=1)
    check('partner_id' in err and '9' in err, '--partner naming no partner is refused')
    out, _ = run(db, '--partner', '伙伴乙', 'list', 'customer', '--format', 'csv')
    check([l.split(',')[1] for l in out.splitlines()[1:]] == ['乙的客户'], '--partner 伙伴乙 lists its customer only')
    _, err = run(db, '--partner', '伙伴丙', 'list', 'customer', code=1)
    check("--partner: no partner is named '伙伴丙'" in err and '伙伴甲' in err,
          '--partner naming no partner by name is refused, with the names closest to it')
    run(db, 'add', 'department', 'name=甲部', 'partner_id=1')
    run(db, 'add', 'department', 'name=乙部', 'partner_id=2')
    run(db, 'add', 'staff', 'name=乙的销售', 'department_id=2', 'partner_id=2', 'role=sales_rep')
    run(db, 'add', 'staff', 'name=同名', 'department_id=1', 'partner_id=1', 'role=sales_rep')
    run(db, 'add', 'staff', 'name=同名', 'department_id=2', 'partner_id=2', 'role=sales_rep')
    out, _ = run(db, '--partner', '伙伴乙', '--as', '乙的销售', 'add', 'customer', 'name=乙的新客户')
    hist, _ = run(db, 'history', 'customer', out.strip(), '--format', 'csv')
    check(hist.splitlines()[1].split(',')[4] == '乙的销售', '--as 乙的销售 is the actor of the insert')
    _, err = run(db, '--partner', '伙伴乙', '--as', '同名', 'list', 'customer', code=1)
    check('--as' in err and '同名' in err, '--as a name two people share is refused')
    run(db, 'add', 'customer', 'name=改名前')
    run(db, 'history', 'customer', '5')
    out, _ = run(db, 'history', 'customer', '3', '--format', 'csv')
    check(out.splitlines()[0] == 'entry,day,at,actor_id,actor,job,action,changes' and
          out.splitlines()[1].endswith(',insert,'), 'history: the insert of customer 3')
    out, _ = run(db, '--partner', '1', 'history', 'customer', '3', '--format', 'csv')
    check(len(out.splitlines()) == 1, "--partner 1 sees no history of a direct customer")
    run(db, 'history', 'nosuch', '1', code=2)


def approvals(tmp):
    """Price and contract approval through the CLI. A standard-line quote at 5.01 % is one
    basis point above the rep's 5 %: the supervisor (10 %) decides it. A contract of
    500,000.01 is one fen above the department manager's limit: he is refused and nothing
    is written; the executive general manager approves it with the whole checklist."""
    db = os.path.join(tmp, 'approvals.db')
    run(db, 'init')
    run(db, 'add', 'department', 'name=销售部')
    for name, role in (('张伟', 'sales_rep'), ('李娜', 'supervisor'), ('王强', 'department_manager'),
                       ('赵总', 'executive_general_manager')):
        run(db, 'add', 'staff', 'name=' + name, 'department_id=1', 'role=' + role)
    run(db, 'add', 'customer', 'name=北京金蝶软件有限公司')
    run(db, 'add', 'product', 'code=KIS-STD', 'name=金蝶KIS标准版', 'product_line=standard', 'list_price=9800.00')
    run(db, 'add', 'quote', 'customer_id=1', 'owner_id=1', 'date=2026-03-01')
    # 2 × 9,800.00 at 5.01 %: 1960000 × 9499 / 10000 = 1861804 fen
    run(db, 'add', 'quote_line', 'quote_id=1', 'product_id=1', 'quantity=2', 'discount_bp=501')
    out, _ = run(db, 'quote-submit', '1', '--at', '2026-03-02T01:00:00Z', '--by', '1')
    check(out == 'approval 1 pending\n', 'quote-submit: approval 1 pending')
    _, err = run(db, 'approve', '1', '--by', '1', '--at', '2026-03-02T02:00:00Z', code=1)
    check('sales_rep may approve 5.00% on standard' in err, 'the rep may not approve 5.01 %')
    run(db, 'approve', '1', '--by', '2', '--comment', '同意', '--at', '2026-03-02T02:00:00Z')
    out, _ = run(db, 'list', 'approval', '--format', 'csv')
    row = out.splitlines()[1].split(',')
    check(row[4:8] == ['approved', 'supervisor', 'standard 5.01% <= supervisor 10.00%', '18618.04'],
          'the supervisor approved 18,618.04 under the standard-line rule')
    run(db, 'add', 'contract', 'customer_id=1', 'owner_id=1', 'signed=2026-03-01', 'amount=500000.01')
    run(db, 'contract-submit', '1', '--at', '2026-03-02T01:00:00Z')
    six = 'scope,risk,resources,legal,delivery,key_points'
    _, err = run(db, 'approve', '2', '--by', '3', '--checklist', six, '--at', '2026-03-02T02:00:00Z', code=1)
    check('department_manager may sign contracts up to 500000.00' in err, 'one fen above the limit is refused')
    out, _ = run(db, 'show', 'approval', '2')
    check(any(l.split()[:2] == ['status', 'pending'] for l in out.splitlines()), 'nothing was written')
    run(db, 'approve', '2', '--by', '4', '--checklist', 'scope,risk', '--at', '2026-03-02T02:00:00Z', code=1)
    run(db, 'approve', '2', '--by', '4', '--checklist', six, '--at', '2026-03-02T02:00:00Z')
    out, _ = run(db, 'show', 'contract', '1')
    check(any(l.split()[:2] == ['approval', 'approved'] for l in out.splitlines()), 'the contract is approved')
    run(db, 'approve', '2', code=2)


def calendar(tmp):
    """kiscrm calendar: a one-off visit 09:00-10:00 and a weekly call-back from 09:30 (30
    minutes, COUNT=3: 11-23, 11-30, 12-07) of staff 1. From 11-23 to 12-31 that is four
    occurrences; on 11-23 the two overlap 09:30-10:00, 30 minutes; the iCalendar file has
    two events and the rule."""
    db = os.path.join(tmp, 'calendar.db')
    run(db, 'init')
    run(db, 'add', 'department', 'name=销售一部')
    run(db, 'add', 'staff', 'name=张三', 'department_id=1', 'role=sales_rep')
    run(db, 'add', 'activity', 'type=visit', 'subject=现场拜访', 'owner_id=1',
        'start=2026-11-23T09:00:00Z', 'duration_min=60')
    run(db, 'add', 'activity', 'type=call_back', 'subject=回访', 'owner_id=1',
        'start=2026-11-23T09:30:00Z', 'duration_min=30', 'rrule=FREQ=WEEKLY;COUNT=3')
    out, _ = run(db, 'calendar', '--from', '2026-11-23', '--to', '2026-12-31', '--format', 'csv')
    starts = [l.split(',')[1] for l in out.splitlines()[1:]]
    check(starts == ['2026-11-23T09:00:00Z', '2026-11-23T09:30:00Z', '2026-11-30T09:30:00Z',
                     '2026-12-07T09:30:00Z'], 'calendar: four occurrences in order')
    out, _ = run(db, 'calendar', '--from', '2026-11-23', '--overlaps', '--format', 'csv')
    check(out.splitlines()[1:] == ['1,1,2,2026-11-23T09:00:00Z,2026-11-23T09:30:00Z,30'],
          'calendar --overlaps: the visit and the call-back overlap 30 minutes')
    ics = os.path.join(tmp, 'cal.ics')
    run(db, 'calendar', '--from', '2026-11-23', '--ical', ics)
    with open(ics, 'rb') as f:
        data = f.read()
    check(data.count(b'BEGIN:VEVENT') == 2 and b'RRULE:FREQ=WEEKLY;COUNT=3\r\n' in data,
          'calendar --ical: two events, the rule, CRLF')
    _, err = run(db, 'add', 'activity', 'type=golf', 'subject=x', 'owner_id=1',
                 'start=2026-11-23T09:00:00Z', code=1)
    check("'golf' is not a configured activity type" in err, 'add activity: unknown type refused')
    run(db, 'calendar', '--from', 'tomorrow', code=2)
    run(db, 'add', 'customer', 'name=甲公司')
    run(db, 'add', 'activity', 'type=visit', 'subject=拜访甲公司', 'owner_id=1', 'customer_id=1',
        'start=2026-11-20T09:00:00Z', 'status=done')
    out, _ = run(db, 'show', 'customer', '1', '--timeline')
    check('2026-11-20' in out and '拜访甲公司' in out and 'activity' in out,
          'show customer --timeline: the visit on its day')
    run(db, 'show', 'staff', '1', '--timeline', code=2)


def errors(tmp):
    db = os.path.join(tmp, 'errors.db')
    load_fixture(db)
    _, err = run(db, 'import', 'opportunity', os.path.join(DATA, 'opportunities_bad.csv'), code=1)
    # Rows 2-5 are bad (line numbers count the header as line 1); row 6 is good but the
    # import is atomic.
    for line, col, value in (('2', 'amount', '1.2万'), ('3', 'amount', '1.234'),
                             ('4', 'customer', '北京不存在的公司'),
                             ('5', 'expected_close', '2026-13-01')):
        check(any(l.split()[:3] == [line, col, value] for l in err.splitlines() if l.strip()),
              'import error report names row %s, column %s, value %s' % (line, col, value))
    check('4 bad rows' in err and 'nothing was imported' in err, 'the summary counts 4 bad rows')
    out, _ = run(db, 'list', 'opportunity', '--format', 'csv')
    check(out.count('\n') == 4, 'nothing of the bad file was imported (3 opportunities remain)')
    # Duplicate ids with --keep-ids.
    _, err = run(db, 'import', 'customer', os.path.join(DATA, 'customers_dupid.csv'), '--keep-ids', code=1)
    check('10' in err and 'id' in err, 'a duplicate id is reported')
    out, _ = run(db, 'list', 'customer', '--format', 'csv')
    check(out.count('\n') == 4, 'no customer of the duplicate-id file was imported')
    # Dry run writes nothing.
    out, _ = run(db, 'import', 'customer', os.path.join(DATA, 'customers_gbk.csv'), '--encoding', 'gbk', '--dry-run')
    check(out.startswith('checked 2 customer'), 'dry run checks 2 customers')
    out, _ = run(db, 'list', 'customer', '--format', 'csv')
    check(out.count('\n') == 4, 'dry run wrote nothing')
    # Exit codes: 2 for usage errors, 1 for what the library refuses.
    run(db, 'no-such-command', code=2)
    run(db, 'report', 'funnel', '--as-of', '2026-02-30', code=2)
    run(db, 'report', 'funnel', '--format', 'xml', code=2)
    _, err = run(db, 'report', 'no-such-report', code=1)
    check('no-such-report' in err, 'an unknown report is named in the message')
    _, err = run(db, 'show', 'customer', '999', code=1)
    check('999' in err, 'a missing record is named in the message')
    _, err = run(db, 'add', 'customer', 'region=south', code=1)
    check('name' in err, 'a missing required field is named')
    _, err = run(db, 'list', 'nosuchentity', code=2)
    # Help: every command explains itself and exits 0.
    out, _ = run(db, '--help')
    for word in ('Entities', 'Exit status', 'json', 'demo-data', 'meeting', 'fields'):
        check(word in out, 'kiscrm --help mentions %s' % word)
    for cmd in ('init', 'import', 'export', 'list', 'show', 'add', 'move', 'fields', 'snapshot',
                'report', 'reports', 'demo-data', 'meeting'):
        out, _ = run(db, cmd, '--help')
        check(out.startswith('usage: kiscrm ' + cmd) or cmd == 'reports', '%s --help' % cmd)
    out, _ = run(db, 'report', '--help')
    check('win-rate' in out and 'rolling-budget' in out, 'report --help lists the reports')
    out, _ = run(db, 'fields', 'opportunity')
    check('amount                   money' in out and '-> customer' in out, 'fields lists types and references')


def maven(tmp):
    db = os.path.join(tmp, 'maven.db')
    out, _ = run(db, 'import', 'maven', MAVEN)
    check('opportunity      8800' in out, '8,800 opportunities imported')
    check('customer         85' in out, '85 accounts → customers')
    check('staff            41' in out, '35 agents + 6 managers = 41 staff')
    out, _ = run(db, 'list', 'staff', '--format', 'json')
    staff = json.loads(out)
    role = [c['name'] for c in staff['columns']].index('role')
    check(sum(r[role] == 'sales_rep' for r in staff['rows']) == 35, '35 agents are sales reps')
    out, _ = run(db, 'report', 'win-rate', '--by', 'owner', '--format', 'json')
    doc = json.loads(out)
    names = [c['name'] for c in doc['columns']]
    rows = {r[0]: dict(zip(names, r)) for r in doc['rows']}
    # Figures counted with awk from sales_pipeline.csv (column 2 agent, 5 stage, 8 value):
    #   awk -F, '$2=="Darcel Schlecht" && $5=="Won"' → 349 rows, close_value sum 1153214;
    #   … && $5=="Lost" → 204 rows; 349 / 553 = 0.63110307…
    #   Vicki Laflamme: 221 won, 126 lost.  All deals: 4238 won, 2473 lost.
    d = rows.get('Darcel Schlecht', {})
    check(d.get('won_count') == 349 and d.get('lost_count') == 204, 'Darcel Schlecht won 349, lost 204')
    check(abs(d.get('win_rate', 0) - 349 / 553) < 1e-9, 'Darcel Schlecht win rate 0.6311')
    check(d.get('won_amount') == '1153214.00', 'Darcel Schlecht won 1153214.00')
    v = rows.get('Vicki Laflamme', {})
    check(v.get('won_count') == 221 and v.get('lost_count') == 126, 'Vicki Laflamme won 221, lost 126')
    check(sum(r['won_count'] for r in rows.values()) == 4238, 'total won 4238')
    check(sum(r['lost_count'] for r in rows.values()) == 2473, 'total lost 2473')
    check(len(rows) == 30, '30 agents have deals')
    maven_by_manager_and_account(db)


def maven_by_manager_and_account(db):
    """Win rates and won values per manager, and the accounts ranked by won value, through
    the CLI — checked against the same figures counted straight from the CSV files with
    Python's csv module (an independent count, not the library's)."""
    import csv
    from collections import Counter, defaultdict
    with open(os.path.join(MAVEN, 'sales_teams.csv'), encoding='utf-8') as f:
        manager_of = {r['sales_agent']: r['manager'] for r in csv.DictReader(f)}
    won, lost, value = Counter(), Counter(), Counter()
    account_value, account_won = defaultdict(int), Counter()
    with open(os.path.join(MAVEN, 'sales_pipeline.csv'), encoding='utf-8') as f:
        for r in csv.DictReader(f):
            m = manager_of.get(r['sales_agent'])
            if r['deal_stage'] == 'Won':
                won[m] += 1
                value[m] += int(r['close_value'] or 0)
                if r['account']:
                    account_value[r['account']] += int(r['close_value'] or 0)
                    account_won[r['account']] += 1
            elif r['deal_stage'] == 'Lost':
                lost[m] += 1
    out, _ = run(db, 'report', 'win-rate', '--by', 'manager', '--format', 'json')
    doc = json.loads(out)
    names = [c['name'] for c in doc['columns']]
    rows = {r[0]: dict(zip(names, r)) for r in doc['rows'] if r[0]}
    check(sorted(rows) == sorted(won), 'win-rate --by manager: one row per Maven manager')
    check(all(rows[m]['won_count'] == won[m] and rows[m]['lost_count'] == lost[m] for m in won),
          'win-rate --by manager: won and lost counts per manager as in the CSV')
    check(all(rows[m]['won_amount'] == '%d.00' % value[m] for m in won),
          'win-rate --by manager: won values per manager as in the CSV')
    check(all(abs(rows[m]['win_rate'] - won[m] / (won[m] + lost[m])) < 1e-9 for m in won),
          'win-rate --by manager: win rates per manager')
    out, _ = run(db, 'report', 'top-customers', '--format', 'json')
    doc = json.loads(out)
    names = [c['name'] for c in doc['columns']]
    ranked = [dict(zip(names, r)) for r in doc['rows']]
    expect = sorted(account_value, key=lambda a: (-account_value[a], -account_won[a]))
    check([r['customer'] for r in ranked[:10]] == expect[:10],
          'top-customers: the ten largest accounts by won value, in order')
    check(ranked[0]['won_amount'] == '%d.00' % account_value[expect[0]]
          and ranked[0]['won_count'] == account_won[expect[0]],
          'top-customers: the largest account\'s won value and count')


def demo(tmp):
    a, b = os.path.join(tmp, 'a.db'), os.path.join(tmp, 'b.db')
    out, _ = run(a, 'demo-data', '--seed', '7')
    check('22 staff, 300 customers' in out and '1500 opportunities' in out, 'demo company sizes')
    run(b, 'demo-data', '--seed', '7')
    for k in ('customer', 'opportunity', 'contract', 'collection', 'target', 'snapshot_line'):
        x, _ = run(a, 'export', k)
        y, _ = run(b, 'export', k)
        check(x == y and x.count('\n') > 2, 'demo-data is deterministic: %s' % k)
    run(a, 'demo-data', code=1)  # refuses a database that already has a company
    out, _ = run(a, 'meeting', '--as-of', '2026-11-23')
    for title in ('八周滚动预算', '商机充足率', '销售漏斗', '赢单与输单', '逾期应收', '逾期与升级的服务请求',
                  '实施里程碑'):
        check(title in out, 'meeting pack has section %s' % title)
    out, _ = run(a, 'meeting', '--as-of', '2026-11-23', '--lang', 'en')
    check('Eight-week rolling budget' in out and 'Overdue receivables' in out, 'meeting pack in English')
    check('逾期的重点客户关怀' in run(a, 'meeting', '--as-of', '2026-11-23')[0], 'meeting pack has overdue care')
    html = os.path.join(tmp, 'meeting.html')
    run(a, 'meeting', '--as-of', '2026-11-23', '--format', 'html', '--output', html)
    page = open(html, encoding='utf-8').read()
    check(page.startswith('<!DOCTYPE html>') and '<svg' in page and '<script' not in page,
          'meeting --format html writes a self-contained page with SVG charts')
    check(run(a, 'pack', 'weekly', '--as-of', '2026-11-23', '--format', 'html')[0] == page,
          'pack weekly is meeting')
    out, _ = run(a, 'pack', 'monthly', '--as-of', '2026-11-23', '--format', 'csv')
    check('目标与实际（按维度）' in out and 'KPI 计分卡' in out, 'monthly pack as CSV')
    out, _ = run(a, 'meeting', '--pack', 'quarterly', '--as-of', '2026-11-23', '--lang', 'en')
    check(out.startswith('Quarterly review'), 'quarterly pack')
    run(a, 'meeting', '--format', 'xlsx', code=2)
    run(a, 'pack', 'daily', code=2)


def run_plain(args, code=0, env=None, cwd=None, user=None):
    """Runs kiscrm with exactly these arguments (no --db added)."""
    kw = {}
    if user is not None:
        kw = dict(user=user, group=user, extra_groups=[])
    p = subprocess.run([KISCRM] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=env, cwd=cwd, **kw)
    out, err = p.stdout.decode('utf-8'), p.stderr.decode('utf-8')
    if p.returncode != code:
        fail('%s: exit %d, expected %d\nstdout: %s\nstderr: %s'
             % (' '.join(args), p.returncode, code, out, err))
    return out, err


def file_bytes(path):
    with open(path, 'rb') as f:
        return f.read()


def listing(directory):
    return sorted(os.listdir(directory))


def valgrind_prefix():
    """valgrind, when installed, so that the error paths of export are checked for leaks
    in the normal build too (the sanitizer build checks them with LeakSanitizer)."""
    for d in os.environ.get('PATH', '/usr/bin').split(os.pathsep):
        if os.access(os.path.join(d, 'valgrind'), os.X_OK) and \
                'asan' not in os.path.basename(os.path.dirname(os.path.dirname(KISCRM))):
            return ['valgrind', '-q', '--leak-check=full', '--errors-for-leak-kinds=definite',
                    '--error-exitcode=99']
    return []


def export_safety(tmp):
    """Item 3: export never destroys the database, and a failed export leaves its target
    as it was and nothing behind."""
    import sqlite3
    d = os.path.join(tmp, 'exp')
    os.mkdir(d)
    db = os.path.join(d, 'crm.db')
    run(db, 'add', 'customer', 'name=长沙湘江物流有限责任公司')
    run(db, 'add', 'contact', 'customer_id=1', 'name=王总', 'birthday=1980-02-29')
    before = file_bytes(db)
    files = listing(d)
    _, err = run(db, 'export', 'customer', db, code=1)
    check('refusing to write' in err and 'open database' in err,
          'export onto the open database is refused with a clear message')
    for suffix in ('-wal', '-shm', '-journal'):
        _, err = run(db, 'export', 'customer', db + suffix, code=1)
        check('refusing to write' in err, 'export onto crm.db%s is refused' % suffix)
    _, err = run(db, 'export', 'customer', os.path.join(d, '.', 'crm.db'), code=1)
    check('refusing to write' in err, 'export onto ./crm.db is refused')
    check(file_bytes(db) == before and listing(d) == files,
          'crm.db has the same bytes and no file was added')
    out, _ = run(db, 'list', 'customer', '--format', 'csv')
    check('长沙湘江物流有限责任公司' in out, 'the database still reads')

    # A birthday no YYYY-MM-DD can show (year 12921, written behind the library's back)
    # makes the export fail after the header: the old file keeps its bytes, a new file is
    # not created, and nothing is left behind. The same failure on stdout frees its
    # buffer (valgrind or LeakSanitizer would fail the command otherwise).
    target = os.path.join(d, 'contacts.csv')
    with open(target, 'w') as f:
        f.write('precious\n')
    con = sqlite3.connect(db)
    con.execute('UPDATE contact SET birthday = 4000000')
    con.commit()
    con.close()
    files = listing(d)
    _, err = run(db, 'export', 'contact', target, code=1)
    check('outside 1..9999' in err, 'the failed export names the bad date')
    check(file_bytes(target) == b'precious\n', 'the existing target is untouched')
    run(db, 'export', 'contact', os.path.join(d, 'new.csv'), code=1)
    check(listing(d) == files, 'a failed export leaves no file behind')
    p = subprocess.run(valgrind_prefix() + [KISCRM, '--db', db, 'export', 'contact'],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    err = p.stderr.decode('utf-8')
    check(p.returncode == 1 and 'outside 1..9999' in err and 'LeakSanitizer' not in err
          and p.stdout == b'', 'export to stdout fails cleanly without a leak (exit %d)'
          % p.returncode)

    # An unwritable directory: an error naming the file, nothing created. Root writes
    # anywhere, so as root the command runs as nobody (on a memory database).
    ro = os.path.join(tmp, 'readonly')
    os.mkdir(ro, 0o555)
    os.chmod(ro, 0o555)
    os.chmod(tmp, 0o755)
    user = 65534 if os.geteuid() == 0 else None
    _, err = run_plain(['--backend', 'memory', 'export', 'department',
                        os.path.join(ro, 'd.csv')], code=1, user=user)
    check(os.path.join(ro, 'd.csv') in err, 'the unwritable target is named')
    check(listing(ro) == [], 'nothing was created in the unwritable directory')


def formulas(tmp):
    """Item 7: formula-looking texts are neutralised on CSV output and come back exact."""
    a, b = os.path.join(tmp, 'f1.db'), os.path.join(tmp, 'f2.db')
    values = ['=1+1', '+86 138', '-5', '@x', '\tx', "'=already"]
    for v in values:
        run(a, 'add', 'customer', 'name=' + v)
    out, _ = run(a, 'export', 'customer')
    rows = out.split('\n')[1:-1]
    names = [r.split(',')[1] for r in rows]
    check(names == ["'=1+1", "'+86 138", "'-5", "'@x", "'\tx", "''=already"],
          'export writes one leading quote before each formula: %r' % names)
    out, _ = run(a, 'list', 'customer', '--format', 'csv')
    check("\n1,'=1+1," in out and "\n6,''=already," in out, 'list --format csv neutralises too')
    out, _ = run(a, 'list', 'customer', '--format', 'csv', '--raw-csv')
    check('\n1,=1+1,' in out and "\n6,'=already," in out, 'list --raw-csv writes the raw text')
    run(a, 'list', 'customer', '--raw-csv', code=2)
    path = os.path.join(tmp, 'customers.csv')
    run(a, 'export', 'customer', path)
    run(b, 'import', 'customer', path, '--keep-ids', '--raw')
    out, _ = run(b, 'list', 'customer', '--format', 'json')
    doc = json.loads(out)
    name = [c['name'] for c in doc['columns']].index('name')
    check([r[name] for r in doc['rows']] == values, 'export → import gives the exact names back')
    x, _ = run(a, 'export', 'customer')
    y, _ = run(b, 'export', 'customer')
    check(x == y, 'and the second export equals the first')


def maven_malformed(tmp):
    """Item 6: a malformed Maven file is an error naming file:line:column; nothing is
    imported."""
    import shutil
    lines = file_bytes(os.path.join(MAVEN, 'sales_pipeline.csv')).split(b'\n')
    # The first lost deal from line 101 on: its close_value is not used (the amount is the
    # list price), so a quote opened there used to swallow the rest of the file silently.
    lost = next(i for i in range(100, len(lines)) if b',Lost,' in lines[i]) + 1
    for case, line, col, what in (('stray_quote', 101, 4, 'never closed'),
                                  ('swallow', lost, 8, 'never closed'),
                                  ('nul', 101, 2, 'NUL byte'),
                                  ('extra_field', 101, 0, '9 fields but the header has 8')):
        d = os.path.join(tmp, case)
        shutil.copytree(MAVEN, d)
        path = os.path.join(d, 'sales_pipeline.csv')
        lines = file_bytes(path).split(b'\n')
        cells = lines[line - 1].split(b',')
        if case == 'stray_quote':
            cells[3] = b'"' + cells[3]   # the account of one deal opens a quote
        elif case == 'swallow':
            cells[7] = b'"' + cells[7]
        elif case == 'nul':
            cells[1] = cells[1][:3] + b'\0' + cells[1][3:]
        else:
            cells.append(b'x')
        lines[line - 1] = b','.join(cells)
        with open(path, 'wb') as f:
            f.write(b'\n'.join(lines))
        db = os.path.join(tmp, case + '.db')
        run(db, 'init')
        before = file_bytes(db)
        _, err = run(db, 'import', 'maven', d, code=1)
        where = '%s:%d:%d:' % (path, line, col) if col else '%s:%d:' % (path, line)
        check(where in err and what in err, '%s: the error names %s (%s)' % (case, where, err.strip()))
        out, _ = run(db, 'list', 'department', '--format', 'csv')
        check(out.count('\n') == 1, '%s: nothing was imported' % case)
        check(file_bytes(db) == before, '%s: the database file is unchanged' % case)


def arguments(tmp):
    """Item 13: the database path, counts and extra arguments are checked."""
    env = dict(os.environ, KISCRM_DB='')
    _, err = run_plain(['list', 'customer'], code=2, env=env, cwd=tmp)
    check('KISCRM_DB is set but empty' in err, 'KISCRM_DB= is an error')
    run_plain(['init'], code=2, env=env, cwd=tmp)
    _, err = run_plain(['--db', '', 'init'], code=2, cwd=tmp)
    check('empty' in err, '--db "" is an error')
    missing = os.path.join(tmp, 'missing.db')
    for args in (['list', 'customer'], ['report', 'funnel'], ['export', 'customer'],
                 ['show', 'customer', '1'], ['snapshot'], ['meeting'],
                 ['move', '1', 'won']):
        _, err = run(missing, *args, code=1)
        check('does not exist' in err and not os.path.exists(missing),
              '%s on a missing database: an error, and no file is created' % args[0])
    check(listing(tmp) == [], 'no -wal, -shm or database file was left')
    # The commands that may create one.
    for cmd, args in (('init', []), ('add', ['customer', 'name=甲']),
                      ('import', ['department', os.path.join(DATA, 'departments.csv')]),
                      ('demo-data', ['--seed', '3'])):
        path = os.path.join(tmp, 'new_%s.db' % cmd)
        run(path, cmd, *args)
        check(os.path.exists(path), '%s creates a missing database' % cmd)
    db = os.path.join(tmp, 'new_add.db')
    for bad in ('-1', 'abc', '1x', ''):
        _, err = run(db, 'import', 'customer', os.path.join(DATA, 'customers.csv'),
                     '--max-errors', bad, code=2)
        check('--max-errors' in err, '--max-errors %r is refused' % bad)
    out, _ = run(db, 'import', '--dry-run', 'department', '--max-errors', '0',
                 os.path.join(DATA, 'departments.csv'))
    check(out.startswith('checked 3 department'), 'options may come before the positionals')
    os.chdir(tmp)
    before = listing(tmp)
    run(db, 'export', 'customer', 'a.csv', 'extra', code=2)
    _, err = run(db, 'export', 'customer', 'a.csv', '--encoding', 'latin1', code=2)
    check("--encoding: 'latin1'" in err, 'export --encoding latin1 is refused')
    check(listing(tmp) == before, 'neither a.csv nor a file named latin1 was written')
    run(db, 'list', 'customer', '--key-account', 'yes', code=2)
    run(db, 'export', '--raw-csv', 'customer', 'a.csv')
    check(os.path.exists('a.csv'), 'export takes its options anywhere')


def run_bytes(db, *args, code=0):
    """Runs kiscrm on db; returns (stdout bytes, stderr text)."""
    p = subprocess.run([KISCRM, '--db', db] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    if p.returncode != code:
        fail('%s: exit %d, expected %d\nstderr: %s'
             % (' '.join(args), p.returncode, code, p.stderr.decode('utf-8')))
    return p.stdout, p.stderr.decode('utf-8')


def excel_encodings(tmp):
    """Issue 17 item 4: --encoding of export and report; item 5: what Chinese Excel
    writes imports as the same records."""
    db = os.path.join(tmp, 'enc.db')
    load_fixture(db)
    plain, _ = run(db, 'export', 'customer')
    check(not plain.startswith('\ufeff'), 'export to stdout is UTF-8 without a mark')
    bom, gbk = os.path.join(tmp, 'c_bom.csv'), os.path.join(tmp, 'c_gbk.csv')
    run(db, 'export', 'customer', bom)
    check(file_bytes(bom) == b'\xef\xbb\xbf' + plain.encode('utf-8'),
          'export to a file: the mark EF BB BF, then the same UTF-8 text')
    run(db, 'export', 'customer', gbk, '--encoding', 'gbk')
    check(file_bytes(gbk) == plain.encode('gbk'), 'export --encoding gbk: the same text in GBK')
    out, _ = run_bytes(db, 'export', 'customer', '--encoding', 'gbk')
    check(out == plain.encode('gbk'), 'export --encoding gbk to stdout')
    out, _ = run_bytes(db, 'export', 'customer', '--encoding', 'utf-8-bom')
    check(out == b'\xef\xbb\xbf' + plain.encode('utf-8'), 'export --encoding utf-8-bom to stdout')
    for name, path, enc in (('bom', bom, 'utf-8'), ('gbk', gbk, 'gbk')):
        copy = os.path.join(tmp, 'copy_%s.db' % name)
        run(copy, 'import', 'department', os.path.join(DATA, 'departments.csv'))
        run(copy, 'import', 'staff', os.path.join(DATA, 'staff.csv'))
        run(copy, 'import', 'customer', path, '--encoding', enc, '--keep-ids', '--raw')
        again, _ = run(copy, 'export', 'customer')
        check(again == plain, 'the %s file imports as the same customers' % name)

    # report --format csv in every encoding; --output writes a file (UTF-8-BOM by default).
    ref, _ = run(db, '--lang', 'zh', 'report', 'funnel', '--as-of', '2026-11-23', '--format', 'csv')
    out, _ = run_bytes(db, '--lang', 'zh', 'report', 'funnel', '--as-of', '2026-11-23',
                       '--format', 'csv', '--encoding', 'gbk')
    check(out == ref.encode('gbk') and '阶段' in ref, 'report --format csv --encoding gbk')
    rpt = os.path.join(tmp, 'funnel.csv')
    run(db, '--lang', 'zh', 'report', 'funnel', '--as-of', '2026-11-23', '--format', 'csv',
        '--output', rpt)
    check(file_bytes(rpt) == b'\xef\xbb\xbf' + ref.encode('utf-8'), 'report --output: UTF-8 with the mark')
    run(db, 'report', 'funnel', '--encoding', 'gbk', code=2)

    # A character GBK lacks: an error naming row and column; the old file stays.
    before = file_bytes(gbk)
    run(db, 'add', 'customer', 'name=笑脸😀贸易', 'region=east')
    _, err = run(db, 'export', 'customer', gbk, '--encoding', 'gbk', code=1)
    # 3 customers of the fixture, then this one: data row 4, line 5 of the file
    check("row 4 (line 5), column 'name'" in err and 'U+1F600' in err,
          'the unencodable character is named with its row and column: %s' % err.strip())
    check(file_bytes(gbk) == before, 'and the existing file is untouched')
    run(db, 'export', 'customer', '--encoding', 'latin1', code=2)

    # Chinese Excel's file: GBK, Chinese headers and names, slash dates, ￥ and 1,234.
    zh = os.path.join(tmp, 'zh_gbk.csv')
    with open(zh, 'wb') as f:
        f.write(('客户名称,区域,行业,员工人数,负责人,创建日期\n'
                 '武汉江城软件有限公司,华中,信息技术,"1,200",张伟,2026/1/5\n').encode('gbk'))
    out, _ = run(db, 'import', 'customer', zh, '--encoding', 'gbk')
    check(out.startswith('imported 1 customer'), 'a GBK file with Chinese headers imports')
    out, _ = run(db, 'list', 'customer', '--where', 'name=武汉江城软件有限公司', '--format', 'json')
    doc = json.loads(out)
    rec = dict(zip([c['name'] for c in doc['columns']], doc['rows'][0]))
    check((rec['region'], rec['industry'], rec['employees'], rec['created']) ==
          ('central', 'it', 1200, '2026-01-05'), 'stored as keys, 1200 and 2026-01-05: %r' % rec)

    # A value in no configured list: refused naming it, or with --warn-unlisted a warning.
    mars = os.path.join(tmp, 'mars.csv')
    with open(mars, 'w', encoding='utf-8') as f:
        f.write('name,region\n火星贸易,火星\n')
    _, err = run(db, 'import', 'customer', mars, code=1)
    check("mars.csv:2: column 'region', value '火星'" in err, 'an unlisted region is refused: %s' % err.strip())
    out, err = run(db, 'import', 'customer', mars, '--warn-unlisted')
    check(out.startswith('imported 1') and 'warning' in err and '火星' in err,
          '--warn-unlisted stores it with a warning')


def files(tmp):
    export_safety(tmp)
    formulas(tmp)
    excel_encodings(tmp)
    maven_malformed(tmp)
    sub = os.path.join(tmp, 'args')
    os.mkdir(sub)
    arguments(sub)


def csv_ids(out):
    """The first column of a CSV listing, header left out."""
    return [l.split(',')[0] for l in out.splitlines()[1:]]


STAGES = ('  opportunity    商机(提问)阶段  Opportunity (questioning)\n'
          '  diagnosis      需求(诊断)阶段  Diagnosis (requirements)\n'
          '  design         方案(设计)阶段  Design (solution)\n'
          '  commercial     商务(实现)阶段  Commercial (negotiation)\n'
          '  won            赢单  Won\n'
          '  lost           输单  Lost\n')


def names(tmp):
    """Issue 17 item 6: the fixture (王建国 1, 张伟 2 of 直销一部, 李娜 3 of 分销部; customers
    1 华南精密, 2 湘江物流, 3 恒通五金; opportunities 1-2 of 张伟, 3 of 李娜) and a second
    张伟 (staff 4) in 分销部."""
    db = os.path.join(tmp, 'names.db')
    load_fixture(db)
    out, _ = run(db, 'add', 'staff', 'name=张伟', 'department=分销部', 'role=sales_rep')
    check(out == '4\n', 'add staff department=分销部: a department by name')
    out, _ = run(db, 'show', 'staff', '4')
    check('department_id        3 (分销部)\n' in out, 'show names the department beside its id')

    # Filters by name.
    out, _ = run(db, 'list', 'opportunity', '--owner', '李娜', '--format', 'csv')
    check(csv_ids(out) == ['3'], 'list --owner 李娜: opportunity 3')
    out, _ = run(db, 'list', 'opportunity', '--department', '直销一部', '--format', 'csv')
    check(csv_ids(out) == ['1', '2'], 'list --department 直销一部: opportunities 1 and 2')
    out, _ = run(db, 'list', 'opportunity', '--customer', '长沙湘江物流有限公司', '--format', 'csv')
    check(csv_ids(out) == ['2'], 'list --customer by normalised name: opportunity 2')
    _, err = run(db, 'list', 'opportunity', '--owner', '张伟', code=2)
    check(err.startswith("kiscrm: --owner: '张伟' names 2 staff records; give the id of one:\n"
                         "  2  张伟  (department 直销一部)\n"
                         "  4  张伟  (department 分销部)\n"),
          'an ambiguous name lists the candidates with ids and departments: %r' % err)
    _, err = run(db, 'report', 'win-rate', '--owner', '张玮', code=2)
    check(err == "kiscrm: --owner: no staff is named '张玮' (did you mean 张伟?)\n",
          'an unknown name: did you mean 张伟? %r' % err)
    _, err = run(db, 'report', 'funnel', '--department', '直销一', code=2)
    check("no department is named '直销一' (did you mean 直销一部?)" in err, 'report --department 直销一')
    _, err = run(db, 'list', 'opportunity', '--customer', '湘江物流', code=2)
    check('(did you mean 长沙湘江物流有限责任公司?)' in err, 'a name containing what was typed is suggested')
    a, _ = run(db, 'report', 'funnel', '--as-of', '2026-11-23', '--department', '分销部', '--format', 'csv')
    b, _ = run(db, 'report', 'funnel', '--as-of', '2026-11-23', '--department', '3', '--format', 'csv')
    check(a == b and '6980.00' in a, 'report --department 分销部 is --department 3')
    run(db, 'list', 'opportunity', '--owner', '0', code=2)
    _, err = run(db, 'list', 'department', '--owner', '1', code=2)
    check('--owner does not apply to department records' in err and 'owner_id' not in err,
          'a filter the kind lacks is named by its option')
    _, err = run(db, 'report', 'qualification-assessment', code=1)
    check('--owner' in err and 'owner_id' not in err, 'the report message names --owner, not owner_id')

    # Names beside ids: table output only; CSV keeps the ids.
    out, _ = run(db, 'list', 'opportunity', '--owner', '3')
    row = out.splitlines()[2]
    check('3 东莞市恒通五金制品有限公司' in row and '3 李娜' in row and '3 分销部' in row,
          'list table: "3 李娜" for references')
    out, _ = run(db, 'list', 'opportunity', '--owner', '3', '--format', 'json')
    doc = json.loads(out)
    cols = [c['name'] for c in doc['columns']]
    check(doc['rows'][0][cols.index('owner_id')] == 3 and
          doc['columns'][cols.index('owner_id')]['type'] == 'int', 'list json: owner_id stays the int 3')

    # add with names; nothing written when a name is bad.
    out, _ = run(db, 'add', 'opportunity', 'name=湘江物流 二期', 'customer=长沙湘江物流有限公司', 'owner=李娜',
                 'business_line=distribution', 'product_line=mini', 'amount=5000.00',
                 'expected_close=2026-12-20', 'stage=方案(设计)阶段', 'created=2026-11-10')
    check(out == '4\n', 'add opportunity customer=… owner=… stage by display name: id 4')
    out, _ = run(db, 'show', 'opportunity', '4')
    lines = out.splitlines()
    check('customer_id          2 (长沙湘江物流有限责任公司)' in lines and 'owner_id             3 (李娜)' in lines
          and 'stage                design' in lines, 'show opportunity 4: names beside ids, stage design')
    out, _ = run(db, 'add', 'opportunity', 'name=x', 'customer_id=1', 'owner_id=2', 'amount=1.00',
                 'business_line=direct', 'product_line=mini', 'expected_close=2026-12-20', 'stage=opportunity')
    check(out == '5\n', 'customer_id=1 owner_id=2 keep working')
    for bad, what in ((['owner=张伟'], "'张伟' names 2 staff records"),
                      (['owner=张玮'], 'did you mean 张伟?'),
                      (['customer=北京不存在'], "no customer is named '北京不存在'"),
                      (['stage=desgn'], "add: stage: 'desgn' is not a stage of pipeline default "
                                        "(did you mean design?); its stages are:\n" + STAGES),
                      (['amout=1.00'], 'opportunity has no field \'amout\' (did you mean amount?)')):
        _, err = run(db, 'add', 'opportunity', 'name=坏', 'customer_id=1', 'owner_id=2', 'amount=1.00',
                     'business_line=direct', 'product_line=mini', 'expected_close=2026-12-20', *bad, code=2)
        check(what in err, 'add %s: %s' % (bad[0], what.split('\n')[0]))
    out, _ = run(db, 'list', 'opportunity', '--format', 'csv')
    check(csv_ids(out) == ['1', '2', '3', '4', '5'], 'the refused adds wrote nothing')

    # move: a stage by name, --by by name, a bad stage lists the stages.
    _, err = run(db, 'move', '4', 'wonn', code=2)
    check(err == "kiscrm: move: 'wonn' is not a stage of pipeline default (did you mean won?); "
          "its stages are:\n" + STAGES, 'move to a bad stage lists the pipeline\'s stages')
    run(db, 'move', '4', '商务(实现)阶段', '--by', '李娜', '--at', '2026-11-12T09:00:00Z')
    out, _ = run(db, 'list', 'stage_history', '--where', 'opportunity_id=4', '--format', 'csv')
    last = out.splitlines()[-1]
    check(',design,commercial,' in last and ',3,' in last, 'move by display name, --by 李娜 is staff 3: %s' % last)
    _, err = run(db, 'move', '4', 'won', '--by', '张伟', code=2)
    check("--by: '张伟' names 2 staff records" in err, 'move --by an ambiguous name')

    # update: only the given fields change; names for references.
    before, _ = run(db, 'show', 'opportunity', '4')
    out, _ = run(db, 'update', 'opportunity', '4', 'amount=9000.00', 'owner=王建国', 'source=')
    check(out == '', 'update prints nothing')
    after, _ = run(db, 'show', 'opportunity', '4')
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines()) if a != b]
    check([b for _, b in changed] == ['owner_id             1 (王建国)', 'amount               9000.00'],
          'update changes amount and owner only: %r' % changed)
    _, err = run(db, 'update', 'opportunity', '4', 'amout=1', code=2)
    check('did you mean amount?' in err, 'update: did you mean amount?')
    run(db, 'update', 'opportunity', '4', 'owner=nobody', code=2)
    run(db, 'update', 'opportunity', '4', 'id=7', code=2)
    _, err = run(db, 'update', 'opportunity', '4', 'amount=1.234', code=1)
    check('1.234' in err, 'update: a bad value is the library\'s error')
    check(run(db, 'show', 'opportunity', '4')[0] == after, 'the refused updates wrote nothing')
    run(db, 'update', 'opportunity', '99', 'amount=1.00', code=1)
    run(db, 'update', 'customer', '东莞市恒通五金制品有限公司', 'employees=45')
    out, _ = run(db, 'show', 'customer', '东莞市恒通五金制品有限责任公司')
    check(out.startswith('id                   3\n'), 'show customer by normalised name')
    out, _ = run(db, 'list', 'customer', '--where', 'employees=45', '--format', 'csv')
    check(csv_ids(out) == ['3'], 'update and show take a record\'s name for its id')

    # delete
    _, err = run(db, 'delete', 'customer', '3', code=1)
    check('--cascade' in err and 'KISCRM_DELETE_CASCADE' not in err, 'delete names --cascade: %s' % err.strip())
    run(db, 'delete', 'customer', '3', '--cascade')
    out, _ = run(db, 'list', 'customer', '--format', 'csv')
    check(csv_ids(out) == ['1', '2'], 'delete --cascade deleted customer 3')
    run(db, 'add', 'department', 'name=临时部')
    run(db, 'delete', 'department', '临时部')
    out, _ = run(db, 'list', 'department', '--format', 'csv')
    check(csv_ids(out) == ['1', '2', '3'], 'delete a department by name')
    run(db, 'delete', 'customer', code=2)
    run(db, 'delete', 'customer', '1', '--force', code=2)

    # did you mean, help
    _, err = run(db, 'lsit', code=2)
    check("unknown command 'lsit' (did you mean list or init?)" in err, 'lsit: did you mean list or init?')
    _, err = run(db, 'list', 'opportunty', code=2)
    check("unknown entity 'opportunty' (did you mean opportunity?)" in err, 'did you mean opportunity?')
    _, err = run(db, 'report', 'win-rat', code=1)
    check("unknown report 'win-rat' (did you mean win-rate?)" in err, 'did you mean win-rate?')
    _, err = run(db, 'repor', code=2)
    check('(did you mean report or reports?)' in err, 'repor: did you mean report or reports?')
    a, _ = run(db, 'help')
    b, _ = run(db, '--help')
    check(a == b and 'update ENTITY ID' in a and 'help [COMMAND]' in a, 'kiscrm help is kiscrm --help')
    for cmd in ('list', 'add', 'update', 'delete', 'move', 'report', 'reports', 'help', 'pack', 'approve'):
        a, _ = run(db, 'help', cmd)
        b, _ = run(db, cmd, '--help')
        check(a == b and a, 'kiscrm help %s is kiscrm %s --help' % (cmd, cmd))
    _, err = run(db, 'help', 'lst', code=2)
    check("unknown command 'lst' (did you mean list" in err, 'help lst: did you mean list …')


with tempfile.TemporaryDirectory() as tmp:
    {'basic': basic, 'errors': errors, 'maven': maven, 'demo': demo, 'files': files,
     'names': names}[GROUP](tmp)
if failures:
    print('%d check(s) failed' % len(failures))
    sys.exit(1)
print('all checks passed')
