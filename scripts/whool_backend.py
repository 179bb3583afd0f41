# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""PEP 517 build backend of this repository: whool, for a repository whose root
is the add-on.

OCA keeps each add-on in a folder named after it, with a ``pyproject.toml`` that
says ``build-backend = "whool.buildapi"``: whool names the package after that
folder (``odoo-addon-<folder>``) and packs every file git tracks in it. Here the
repository root is the add-on, so its folder is named after the clone (``main``,
``ciclone``...) and it holds the developer tools too. This backend copies the
files git tracks, except those that ``.gitattributes`` marks ``export-ignore``
(the tools; ``git archive`` leaves them out too), into a temporary folder named
``account_payment_followup`` and lets whool build there. It adds nothing else:
the name, the version (the manifest's) and the dependencies are whool's.

``pyproject.toml`` declares it with ``backend-path = ["scripts"]``, so that
``pip install .``, ``pip wheel .`` and ``make dist`` all go through it. The
sdist it builds says ``build-backend = "whool.buildapi"``: a folder named after
the add-on, with the whool metadata (PKG-INFO), needs nothing more. Editable
installs are not offered: a checkout uses the ``.odoo/addons`` link of ``make
bootstrap``.
"""

import contextlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from whool import buildapi as _whool

ADDON = "account_payment_followup"
SDIST_BUILD_SYSTEM = """\
[build-system]
requires = ["whool>=1.3,<2"]
build-backend = "whool.buildapi"
"""
GIT_VARIABLES = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY")


def _git(root, *args, stdin=None):
    try:
        return subprocess.run(
            ["git", *args], cwd=root, input=stdin, capture_output=True, check=True
        ).stdout.decode()
    except (OSError, subprocess.CalledProcessError) as error:
        raise RuntimeError(
            f"{root} must be a git checkout of {ADDON}: the files to package are "
            f"the ones git tracks ({error})"
        ) from error


def packaged_files(root):
    """The files of ``root`` that git tracks, without those that are marked
    ``export-ignore``, or sit in a folder that is, in ``.gitattributes``."""
    files = [path for path in _git(root, "ls-files", "-z").split("\0") if path]
    paths = set(files)
    for path in files:
        parts = path.split("/")[:-1]
        paths.update("/".join(parts[: index + 1]) for index in range(len(parts)))
    fields = _git(
        root,
        "check-attr",
        "-z",
        "--stdin",
        "export-ignore",
        stdin="\0".join(sorted(paths)).encode(),
    ).split("\0")
    ignored = {
        path
        for path, _attribute, value in zip(
            fields[0::3], fields[1::3], fields[2::3], strict=False
        )
        if value == "set"
    }

    def shipped(path):
        parts = path.split("/")
        return not any(
            "/".join(parts[: index + 1]) in ignored for index in range(len(parts))
        )

    # a tracked file deleted from the working tree is not shipped
    return sorted(path for path in files if shipped(path) and (root / path).is_file())


def _whool_settings(root):
    """The ``[tool.whool]`` table of pyproject.toml, as written there."""
    lines, inside = [], False
    for line in (root / "pyproject.toml").read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            inside = line.strip() == "[tool.whool]"
        if inside:
            lines.append(line)
    return "\n".join(lines).strip() + "\n" if lines else ""


@contextlib.contextmanager
def _staged():
    """Work in a copy of the add-on, in a folder named after it."""
    root = Path.cwd()
    with tempfile.TemporaryDirectory(prefix="whool-") as tmp:
        stage = Path(tmp) / ADDON
        for path in packaged_files(root):
            (stage / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / path, stage / path)
        (stage / "pyproject.toml").write_text(
            SDIST_BUILD_SYSTEM + "\n" + _whool_settings(root), encoding="utf-8"
        )
        # whool packs what `git ls-files` lists in its folder: the copy is a
        # repository of its own whose index holds exactly the copied files (and
        # git variables of a hook that runs the build must not point elsewhere)
        saved = {name: os.environ.pop(name, None) for name in GIT_VARIABLES}
        try:
            _git(stage, "init", "-q")
            _git(stage, "add", "--all")
            os.chdir(stage)
            yield
        finally:
            os.chdir(root)
            os.environ.update({name: v for name, v in saved.items() if v is not None})


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    wheel_directory = os.path.abspath(wheel_directory)
    with _staged():
        return _whool.build_wheel(wheel_directory, config_settings)


def build_sdist(sdist_directory, config_settings=None):
    sdist_directory = os.path.abspath(sdist_directory)
    with _staged():
        return _whool.build_sdist(sdist_directory, config_settings)


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    metadata_directory = os.path.abspath(metadata_directory)
    with _staged():
        return _whool.prepare_metadata_for_build_wheel(
            metadata_directory, config_settings
        )
