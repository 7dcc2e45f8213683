#!/usr/bin/env python3
"""Compiles every C snippet of the documentation (README.md and doc/*.md).

A ```c block containing `main(` is a complete program: it is compiled and linked against
libkiscrm as it stands. Any other ```c block is a fragment: it becomes the body of a
function `static void snippet(kiscrm_db *db)` (an open database is in scope as `db`), in a
file that includes <kiscrm.h>, <stdio.h>, <stdlib.h> and <string.h>, and is compiled and
linked the same way. A line holding only `...` in a fragment stands for code left out.

Markers, an HTML comment on the line before the fence (invisible in the rendered docs):
  <!-- snippet: continued -->  the fragment continues the previous one of the same file
                               (same function, so its variables are in scope);
  <!-- snippet: skip -->       not C meant to compile (avoid: say why next to it).

usage: check_snippets.py SOURCE_ROOT LIBKISCRM CC [CC_ARGS...]
"""
import os
import re
import subprocess
import sys
import tempfile

FENCE = re.compile(r'^```c\s*$')
MARKER = re.compile(r'^<!--\s*snippet:\s*(continued|skip)\s*-->\s*$')

PRELUDE = """#include <kiscrm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
"""


def blocks(path):
    """(first line, marker or None, code) of every ```c block of a Markdown file."""
    lines = open(path, encoding='utf-8').read().split('\n')
    out, i = [], 0
    while i < len(lines):
        if FENCE.match(lines[i]):
            prev = lines[i - 1] if i > 0 else ''
            m = MARKER.match(prev.strip())
            j = i + 1
            while j < len(lines) and lines[j].strip() != '```':
                j += 1
            if j == len(lines):
                sys.exit(f'{path}:{i + 1}: ```c block is not closed')
            out.append((i + 1, m.group(1) if m else None, '\n'.join(lines[i + 1:j])))
            i = j
        i += 1
    return out


def programs(path):
    """(name, C source) of every program to build from a Markdown file."""
    result, fragment, first = [], None, None
    base = os.path.basename(path)

    def flush():
        if fragment is not None:
            body = '\n'.join('\t/* … */' if l.strip() == '...' else '\t' + l for l in fragment)
            src = (f'{PRELUDE}\n/* {base}:{first} */\nstatic void snippet(kiscrm_db *db)\n{{\n'
                   f'\t(void)db;\n\t{{\n{body}\n\t}}\n}}\n\n'
                   'int main(void)\n{\n\tkiscrm_db *db = NULL;\n'
                   '\tif (kiscrm_db_open(&db, NULL) == KISCRM_OK)\n\t\tsnippet(db);\n'
                   '\tkiscrm_db_free(db);\n\treturn 0;\n}\n')
            result.append((f'{base}:{first}', src))

    for line, marker, code in blocks(path):
        if marker == 'skip':
            continue
        if re.search(r'\bmain\s*\(', code):
            flush()
            fragment = None
            result.append((f'{base}:{line}', code + '\n'))
        elif marker == 'continued':
            if fragment is None:
                sys.exit(f'{path}:{line}: "snippet: continued" without a fragment before it')
            fragment += [f'/* {base}:{line} */'] + code.split('\n')
        else:
            flush()
            fragment, first = code.split('\n'), line
    flush()
    return result


def main():
    root, lib, cc = sys.argv[1], sys.argv[2], sys.argv[3:]
    docs = [os.path.join(root, 'README.md')] + sorted(
        os.path.join(root, 'doc', f) for f in os.listdir(os.path.join(root, 'doc')) if f.endswith('.md'))
    failures, count = 0, 0
    with tempfile.TemporaryDirectory() as tmp:
        for doc in docs:
            for name, src in programs(doc):
                count += 1
                c = os.path.join(tmp, f'snippet{count}.c')
                with open(c, 'w', encoding='utf-8') as f:
                    f.write(src)
                cmd = cc + ['-std=c11', '-Wall', '-Wextra', '-Werror', '-Wno-unused-variable',
                            '-Wno-unused-but-set-variable', '-I', os.path.join(root, 'include'),
                            # version.h is generated into the build tree's include folder
                            '-I', os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(lib))), 'include'), c, '-o', os.path.join(tmp, f'snippet{count}'), lib,
                            '-Wl,-rpath,' + os.path.dirname(os.path.abspath(lib))]
                r = subprocess.run(cmd, capture_output=True, text=True)
                if r.returncode != 0:
                    failures += 1
                    print(f'FAIL {name}\n{r.stderr}')
                else:
                    print(f'ok   {name}')
    print(f'{count} snippets, {failures} failed')
    if count == 0:
        sys.exit('no C snippets found')
    sys.exit(1 if failures else 0)


if __name__ == '__main__':
    main()
