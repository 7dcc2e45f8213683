#!/usr/bin/env python3
"""Checks that the documentation names everything the kiscrm command line offers.

The lists come from the program itself: the commands and global options of `kiscrm
--help`, the options of each `kiscrm COMMAND --help`, and the report names of `kiscrm
reports` (the library's report registry, kiscrm_report_name()). doc/cli.md must mention
every command (in backquotes), every option and every report, and give the right number of
reports; doc/reports.md must have a row for every report in its by-name table.

usage: check_cli_docs.py SOURCE_ROOT KISCRM
"""
import os
import re
import subprocess
import sys


def run(kiscrm, *args):
    r = subprocess.run([kiscrm, '--backend', 'memory', *args], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f'kiscrm {" ".join(args)} failed ({r.returncode}): {r.stderr}')
    return r.stdout + r.stderr


def main():
    root, kiscrm = sys.argv[1], sys.argv[2]
    cli = open(os.path.join(root, 'doc', 'cli.md'), encoding='utf-8').read()
    reports_md = open(os.path.join(root, 'doc', 'reports.md'), encoding='utf-8').read()
    help_text = run(kiscrm, '--help')

    # "Commands (each takes --help):" then "  NAME ARGS   description" lines
    section = help_text.split('Commands', 1)[1].split('\n\n', 1)[0]
    commands = sorted({m.group(1) for m in re.finditer(r'^  ([a-z][a-z-]*)\b', section, re.M)})
    global_options = set(re.findall(r'(--[a-z][a-z-]*)', help_text.split('Commands', 1)[0]))
    options = {o: 'global' for o in global_options}
    for c in commands:
        for o in re.findall(r'(--[a-z][a-z-]*)', run(kiscrm, c, '--help')):
            options.setdefault(o, c)
    reports = [l.split()[0] for l in run(kiscrm, 'reports').splitlines() if l.strip()]

    missing = []
    for c in commands:
        if '`' + c not in cli:
            missing.append(f'command {c}')
    for o, where in sorted(options.items()):
        if o not in cli:
            missing.append(f'option {o} ({where})')
    for r in reports:
        if not re.search(r'(?<![\w-])' + re.escape(r) + r'(?![\w-])', cli):
            missing.append(f'report {r} in doc/cli.md')
        if f'| `{r}` |' not in reports_md:
            missing.append(f'report {r} in the by-name table of doc/reports.md')
    counts = re.findall(r'lists the (\d+) names', cli)
    if counts != [str(len(reports))]:
        missing.append(f'doc/cli.md gives the number of reports as {counts}, kiscrm reports lists {len(reports)}')

    print(f'{len(commands)} commands, {len(options)} options, {len(reports)} reports')
    for m in missing:
        print('not documented:', m)
    if not commands or not reports:
        sys.exit('could not read the commands or reports from kiscrm')
    sys.exit(1 if missing else 0)


if __name__ == '__main__':
    main()
