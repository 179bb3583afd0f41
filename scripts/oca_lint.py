"""Run pylint(-odoo) or oca-checks-odoo-module on this repository.

Usage (from .pre-commit-config.yaml):
    .venv/bin/python scripts/oca_lint.py pylint --rcfile=.pylintrc-mandatory FILES
    .venv/bin/python scripts/oca_lint.py oca-checks-odoo-module FILES

Why: this repository's root IS the Odoo module, but pylint-odoo 9.1 and
oca-odoo-pre-commit-hooks 0.0.33 find a file's module by walking up to its
__manifest__.py and stop *before* looking in the git top-level directory
(walk_up() returns None as soon as path == top). Run as is, the module checks
(duplicate XML ids, CSV/XML syntax, consider-merging-classes-inherited, ...)
would be skipped without a word. Here walk_up() also looks in the top-level
directory before it stops; everything else is the tools' own code.
(oca-checks-po needs no module, so its hook runs .venv/bin/oca-checks-po.)
"""

import os
import sys


def walk_up(path, filenames, top):
    """Return the first of ``filenames`` found in ``path`` or a parent of it,
    up to and including ``top``; None when there is none."""
    path, top = os.path.realpath(path), os.path.realpath(str(top))
    while True:
        for filename in filenames:
            candidate = os.path.join(path, filename)
            if os.path.isfile(candidate):
                return candidate
        parent = os.path.dirname(path)
        if path == top or parent == path:
            return None
        path = parent


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    tool, args = sys.argv[1], sys.argv[2:]
    sys.argv = [tool, *args]
    if tool == "pylint":
        from pylint_odoo import misc

        misc.walk_up = walk_up
        from pylint import run_pylint

        run_pylint()
    elif tool == "oca-checks-odoo-module":
        from oca_pre_commit_hooks import cli, utils

        utils.walk_up = walk_up
        sys.exit(cli.main())
    else:
        sys.exit(f"oca_lint.py: unknown tool {tool!r}\n{__doc__}")


if __name__ == "__main__":
    main()
