# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""18.0.1.3.0: the formal notice prints the late-payment penalties statement.

The level that is a registered letter (the mise en demeure, see 18.0.1.2.0) of
each policy now prints the statement, as on new databases.
"""


def migrate(cr, version):
    cr.execute(
        """
        UPDATE followup_line
           SET penalty_statement = TRUE
         WHERE registered_mail
           AND NOT COALESCE(penalty_statement, FALSE)
        """
    )
