"""pytest plugin (loaded by scripts/test.sh with -p): pytest-odoo glue for Odoo 18.

pytest-odoo 2.3.0 only marks the running test on Odoo >= 19; Odoo 18 needs
``odoo.modules.module.current_test`` to know it runs tests (mail is then captured
instead of sent to an SMTP server, HTTP requests use the test cursor).
"""

import pytest

import odoo


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    odoo.modules.module.current_test = getattr(item, "instance", None) or True


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item, nextitem):
    odoo.modules.module.current_test = False
