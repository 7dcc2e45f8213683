#!/usr/bin/env python3
"""Checks the generated kiscrm(1) page: it exists, is a man page, names every command of
`kiscrm --help`, and (when groff is installed) formats without a warning.

usage: check_man.py KISCRM_1 KISCRM
"""
import re
import shutil
import subprocess
import sys


def main():
    page_path, kiscrm = sys.argv[1], sys.argv[2]
    with open(page_path, encoding='utf-8') as f:
        page = f.read()
    problems = []
    if not page.startswith('.\\"') or '\n.TH KISCRM 1 ' not in page or '\n.SH NAME\n' not in page:
        problems.append('not a man page with .TH KISCRM 1 and a NAME section')
    r = subprocess.run([kiscrm, '--backend', 'memory', '--help'], capture_output=True, text=True, check=True)
    section = r.stdout.split('Commands', 1)[1].split('\n\n', 1)[0]
    commands = sorted({m.group(1) for m in re.finditer(r'^  ([a-z][a-z-]*)\b', section, re.M)})
    # roff writes a hyphen as \- and code in bold: \fBdemo\-data\fR
    text = page.replace('\\-', '-')
    for c in commands:
        if not re.search(r'\\fB' + re.escape(c) + r'\b', text):
            problems.append('command %s is not in the page' % c)
    groff = shutil.which('groff')
    if groff:
        g = subprocess.run([groff, '-k', '-man', '-Tutf8', '-ww', '-z', page_path],
                           capture_output=True, text=True)
        if g.returncode != 0 or g.stderr.strip():
            problems.append('groff warns: ' + g.stderr.strip())
    print('%d commands in kiscrm --help; groff %s' % (len(commands), 'checked' if groff else 'not installed'))
    for p in problems:
        print('FAIL:', p)
    sys.exit(1 if problems or not commands else 0)


if __name__ == '__main__':
    main()
