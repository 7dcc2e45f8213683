#!/usr/bin/env python3
"""Runs the bash completion of kiscrm as readline would: COMP_WORDS and COMP_CWORD set,
_kiscrm called, COMPREPLY compared with hand-written expectations.

usage: check_completion.py BASH COMPLETION_SCRIPT KISCRM
"""
import os
import subprocess
import sys

BASH, SCRIPT, KISCRM = sys.argv[1], sys.argv[2], os.path.abspath(sys.argv[3])
failures = []


def complete(*words):
    """The completions of the last word of `kiscrm WORDS…`, sorted."""
    words = [KISCRM] + list(words)
    quoted = ' '.join("'%s'" % w.replace("'", "'\\''") for w in words)
    script = ('source "$1"; COMP_WORDS=(%s); COMP_CWORD=%d; _kiscrm; '
              'printf "%%s\\n" "${COMPREPLY[@]}"' % (quoted, len(words) - 1))
    p = subprocess.run([BASH, '--norc', '--noprofile', '-c', script, 'bash', SCRIPT],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        failures.append('%s: bash exited %d: %s' % (words, p.returncode, p.stderr.decode()))
    return sorted(w for w in p.stdout.decode('utf-8').split('\n') if w)


def check(got, want, what):
    if got == want:
        print('ok   ' + what)
    else:
        failures.append(what)
        print('FAIL: %s\n  want %r\n  got  %r' % (what, want, got))


check(complete('rep'), ['report', 'reports'], 'commands: rep → report, reports')
check(complete('--db', 'x.db', 'up'), ['update'], 'a global option and its value are skipped')
check(complete('--ba'), ['--backend'], 'global options')
check(complete('--backend', 'm'), ['memory'], '--backend values')
check(complete('report', 'win'), ['win-loss', 'win-rate'], 'report names from kiscrm reports')
check(complete('report', 'funnel', '--for'), ['--format'], "a command's options from its --help")
check(complete('report', 'funnel', '--format', 'j'), ['json'], '--format values')
check(complete('list', 'opp'), ['opportunity', 'opportunity_competitor'], 'entities from kiscrm fields')
check(complete('delete', '--cas'), ['--cascade'], 'delete --cascade')
check(complete('add', 'opportunity', 'own'), ['owner=', 'owner_id='],
      'add: fields and the name form of references')
check(complete('update', 'opportunity', '4', 'amo'), ['amount='], 'update: fields after the id')
check(complete('update', 'opportunity', 'am'), [], 'update: no fields in place of the id')
check(complete('help', 'dup'), ['duplicates'], 'help COMMAND')
check(complete('pack', 'w'), ['weekly'], 'pack kinds')

if failures:
    print('%d check(s) failed' % len(failures))
    sys.exit(1)
print('all checks passed')
