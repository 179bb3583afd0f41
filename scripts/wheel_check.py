# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Checks of the module's wheel (``make dist``, ``make test-wheel``).

    python scripts/wheel_check.py contents WHEEL
        the wheel holds the module's files, and only them, under
        odoo/addons/account_payment_followup, with whool's metadata (name,
        the manifest's version, dependencies); run with .venv's Python.
    python scripts/wheel_check.py installed CONFIG DATABASE SITE_PACKAGES
        the module is installed in DATABASE, and Odoo (run with CONFIG) loads
        it from SITE_PACKAGES/odoo/addons, not from this repository; run with
        the Python of the virtualenv the wheel was installed into.

Prints what it checked; exits 1, listing the differences, on any.
"""

import ast
import subprocess
import sys
import zipfile
from email.parser import HeaderParser
from pathlib import Path

ADDON = "account_payment_followup"
DIST = "odoo-addon-" + ADDON
ROOT = Path(__file__).resolve().parents[1]
# never in a distribution: the developer tools and what they make
DEV_PATHS = {
    ".ci",
    ".editorconfig",
    ".git",
    ".gitattributes",
    ".gitignore",
    ".odoo",
    ".pre-commit-config.yaml",
    ".prettierrc.yml",
    ".pylintrc-mandatory",
    ".pytest_cache",
    ".ruff_cache",
    ".venv",
    "Makefile",
    "bench",
    "build",
    "dist",
    "node_modules",
    "package-lock.json",
    "package.json",
    "pyproject.toml",
    "requirements-dev.txt",
    "scripts",
}
# records the installation must have loaded from the data files
XMLIDS = (
    "followup_policy_default",
    "followup_line_level_3",
    "followup_mail_template",
    "followup_send_ir_cron",
    "followup_letter_report",
    "report_followup_letter_document",
)


def manifest(path):
    return ast.literal_eval((Path(path) / "__manifest__.py").read_text("utf-8"))


def _tracked(*folders):
    """The files git tracks in the repository (in ``folders``)."""
    tracked = subprocess.run(
        ["git", "ls-files", "-z", "--", *folders],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [path for path in tracked.split("\0") if path]


def check_contents(wheel):
    """The files of ``wheel`` against the repository's: the list of problems."""
    version = manifest(ROOT)["version"]
    prefix = f"odoo/addons/{ADDON}/"
    dist_info = f"odoo_addon_{ADDON}-{version}.dist-info/"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = HeaderParser().parsestr(
            archive.read(dist_info + "METADATA").decode("utf-8")
        )
    problems = [
        f"outside {prefix} and {dist_info}: {name}"
        for name in names
        if not name.startswith((prefix, dist_info))
    ]
    shipped = {name[len(prefix) :] for name in names if name.startswith(prefix)}
    for path in sorted(shipped):
        parts = Path(path).parts
        if parts[0] in DEV_PATHS or "__pycache__" in parts or path.endswith(".pyc"):
            problems.append(f"developer file in the wheel: {path}")
    # what git tracks outside the developer tools is the module: all of it ships
    module_files = {
        path
        for path in _tracked()
        if Path(path).parts[0] not in DEV_PATHS and (ROOT / path).is_file()
    }
    data = manifest(ROOT)
    module_files.update(data.get("data", []) + data.get("demo", []))
    problems += [
        f"missing from the wheel: {path}" for path in sorted(module_files - shipped)
    ]
    # whool's metadata: name, the manifest's version, Odoo 18 as dependency
    requires = metadata.get_all("Requires-Dist") or []
    if metadata["Name"] != DIST:
        problems.append(f"name {metadata['Name']!r}, expected {DIST!r}")
    if metadata["Version"] != version:
        problems.append(f"version {metadata['Version']}, manifest {version}")
    if "odoo==18.0.*" not in requires:
        problems.append(f"Requires-Dist {requires} lacks odoo==18.0.*")
    problems += [
        f"Requires-Dist {requirement}: a module of Odoo itself"
        for requirement in requires
        if requirement.split("=")[0] in {f"odoo-addon-{dep}" for dep in data["depends"]}
    ]
    folders = {}
    for path in shipped:
        folder = Path(path).parts[0] if len(Path(path).parts) > 1 else "."
        folders[folder] = folders.get(folder, 0) + 1
    print(
        f"[wheel] {Path(wheel).name}: {len(names)} files, {len(shipped)} of the "
        f"module ({', '.join(f'{k} {v}' for k, v in sorted(folders.items()))});"
        f" {metadata['Name']} {metadata['Version']}, requires {', '.join(requires)}"
    )
    return problems


def _check_requirements(site_packages):
    """The wheel's distribution is the one in ``site_packages``, and what it
    requires (Odoo) is installed: nothing had to be fetched."""
    from importlib import metadata

    from packaging.requirements import Requirement

    problems = []
    distribution = metadata.distribution(DIST)
    location = Path(distribution.locate_file("")).resolve()
    if location != Path(site_packages).resolve():
        problems.append(f"{DIST} is installed in {location}")
    for requirement in map(Requirement, distribution.requires or []):
        try:
            version = metadata.version(requirement.name)
        except metadata.PackageNotFoundError:
            problems.append(f"{DIST} requires {requirement}: not installed")
            continue
        if not requirement.specifier.contains(version, prereleases=True):
            problems.append(f"{DIST} requires {requirement}: {version} installed")
        print(f"[wheel] requirement {requirement}: {requirement.name} {version}")
    return problems


def check_installed(config, database, site_packages):
    """The module installed in ``database`` and loaded from the wheel: the
    list of problems."""
    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.modules.module import get_module_path, initialize_sys_path
    from odoo.modules.registry import Registry
    from odoo.tools import file_open

    odoo.tools.config.parse_config(["-c", config, "-d", database, "--log-level=warn"])
    initialize_sys_path()
    expected = Path(site_packages, "odoo", "addons", ADDON).resolve()
    problems = []
    found = [
        Path(path, ADDON).resolve()
        for path in odoo.addons.__path__
        if Path(path, ADDON, "__manifest__.py").is_file()
    ]
    if found != [expected]:
        problems.append(f"the addons path has {ADDON} in {found}, expected {expected}")
    if Path(get_module_path(ADDON)).resolve() != expected:
        problems.append(f"Odoo finds {ADDON} in {get_module_path(ADDON)}")
    registry = Registry(database)
    module = sys.modules.get(f"odoo.addons.{ADDON}")
    loaded = Path(module.__file__).resolve().parent if module else None
    if loaded != expected:
        problems.append(f"the registry imported {ADDON} from {loaded}")
    if ROOT in (loaded, *(loaded.parents if loaded else ())):
        problems.append(f"{ADDON} was imported from the repository {ROOT}")
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        record = env["ir.module.module"].search([("name", "=", ADDON)])
        version = manifest(expected)["version"]
        if (record.state, record.latest_version) != ("installed", version):
            problems.append(
                f"ir_module_module: state {record.state}, version "
                f"{record.latest_version}; expected installed, {version}"
            )
        missing = [x for x in XMLIDS if not env.ref(f"{ADDON}.{x}", False)]
        problems += [f"record {ADDON}.{xmlid} not loaded" for xmlid in missing]
        policies = env["followup.policy"].search_count([])
        if not policies:
            problems.append("no follow-up policy after installation")
        with file_open(f"{ADDON}/static/description/index.html", "rb") as page:
            if Path(page.name).resolve().parents[2] != expected:
                problems.append(f"static files read from {page.name}")
    # the migration scripts and translations, as git tracks them here
    for path in _tracked("migrations", "i18n"):
        if not (expected / path).is_file():
            problems.append(f"{path} not installed")
    problems += _check_requirements(site_packages)
    print(
        f"[wheel] {ADDON} {version} installed in {database}, loaded from "
        f"{expected} ({policies} policy, data records {', '.join(XMLIDS)})"
    )
    return problems


def main(argv):
    if len(argv) == 2 and argv[0] == "contents":
        problems = check_contents(argv[1])
    elif len(argv) == 4 and argv[0] == "installed":
        problems = check_installed(*argv[1:])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    for problem in problems:
        print(f"[wheel] FAILED: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
