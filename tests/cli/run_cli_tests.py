#!/usr/bin/python3
"""Runs the kiscrm command-line tool on small fixture files and compares its output with
the hand-written files in tests/cli/expected/.

usage: run_cli_tests.py KISCRM SOURCE_DIR MAVEN_DIR GROUP
GROUP is basic (import, list, show, add, move, report, export round trip), errors (import
error reports, exit codes, help) or maven (the Maven sample's counts and figures).
"""
import json
import os
import subprocess
import sys
import tempfile

KISCRM, SRC, MAVEN, GROUP = sys.argv[1:5]
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
    check(out.splitlines()[1:] == ['2,1,,2027-03-31,4000.00,验收款'],
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


def demo(tmp):
    a, b = os.path.join(tmp, 'a.db'), os.path.join(tmp, 'b.db')
    out, _ = run(a, 'demo-data', '--seed', '7')
    check('21 staff, 300 customers' in out and '1500 opportunities' in out, 'demo company sizes')
    run(b, 'demo-data', '--seed', '7')
    for k in ('customer', 'opportunity', 'contract', 'collection', 'target', 'snapshot_line'):
        x, _ = run(a, 'export', k)
        y, _ = run(b, 'export', k)
        check(x == y and x.count('\n') > 2, 'demo-data is deterministic: %s' % k)
    run(a, 'demo-data', code=1)  # refuses a database that already has a company
    out, _ = run(a, 'meeting', '--as-of', '2026-11-23')
    for title in ('八周滚动预算', '商机充足率', '销售漏斗', '赢单与输单', '逾期应收'):
        check(title in out, 'meeting pack has section %s' % title)
    out, _ = run(a, 'meeting', '--as-of', '2026-11-23', '--lang', 'en')
    check('Eight-week rolling budget' in out and 'Overdue receivables' in out, 'meeting pack in English')


with tempfile.TemporaryDirectory() as tmp:
    {'basic': basic, 'errors': errors, 'maven': maven, 'demo': demo}[GROUP](tmp)
if failures:
    print('%d check(s) failed' % len(failures))
    sys.exit(1)
print('all checks passed')
