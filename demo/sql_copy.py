# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Bulk SQL primitives of the benchmark book: rows queued per table and
written with COPY (:class:`_Table`), ids reserved from the tables' sequences,
and entry names given as the journals' sequences would."""

import io

from psycopg2 import sql

from odoo.tools import SQL


class _Table:
    """Rows for one table, written with COPY.

    Columns a row does not give take the value the ORM would: the model's defaults
    (fields with a plain column, computed ones excepted), then None.
    """

    def __init__(self, env, model_name, **constants):
        self.env = env
        self.model = env[model_name]
        self.table = self.model._table
        self.constants = {**self._orm_defaults(), **constants}
        self.rows = []

    def _orm_defaults(self):
        names = [
            name
            for name, field in self.model._fields.items()
            if field.store
            and field.column_type
            and not (field.compute or field.related)
            and not (field.company_dependent or field.translate)
            and name
            not in ("id", "create_uid", "create_date", "write_uid", "write_date")
        ]
        result = {}
        for name, value in self.model.default_get(names).items():
            field = self.model._fields[name]
            column_value = field.convert_to_column_insert(value, self.model)
            if not isinstance(column_value, dict | list):
                result[name] = column_value
        return result

    def add(self, **values):
        """Queue one row."""
        self.rows.append(values)

    def flush(self):
        """Insert the queued rows."""
        if not self.rows:
            return
        names = set(self.constants)
        for row in self.rows:
            names.update(row)
        columns = sorted(names)
        constants = {name: _copy_text(value) for name, value in self.constants.items()}
        buffer = io.StringIO()
        for row in self.rows:
            buffer.write(
                "\t".join(
                    _copy_text(row[c]) if c in row else constants.get(c, "\\N")
                    for c in columns
                )
            )
            buffer.write("\n")
        buffer.seek(0)
        _copy(self.env.cr, self.table, columns, buffer)
        self.rows = []


def _copy_text(value):
    """``value`` in the text format of COPY."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return str(value)


def _copy(cr, table, columns, buffer):
    """COPY the tab-separated rows of ``buffer`` into ``columns`` of ``table``."""
    query = sql.SQL("COPY {table} ({columns}) FROM STDIN").format(
        table=sql.Identifier(table),
        columns=sql.SQL(", ").join(map(sql.Identifier, columns)),
    )
    cr.copy_expert(query.as_string(cr.connection), buffer)


def _reserve_ids(env, table, count):
    """``count`` new ids of ``table``, taken from its id sequence."""
    if not count:
        return []
    env.cr.execute(
        SQL(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
            "FROM generate_series(1, %s)",
            table,
            count,
        )
    )
    return [row[0] for row in env.cr.fetchall()]


def _assign_names(env, journal, items, date_key, is_payment=False):
    """Give each of ``items`` (dicts) the name, prefix and number the journal's
    sequence would give, in date order, after the journal's existing entries."""
    starting = {}
    Move = env["account.move"].with_company(journal.company_id)
    for date in {item[date_key] for item in items}:
        move = Move.new(
            {
                "journal_id": journal.id,
                "date": date,
                "move_type": "entry" if is_payment else "out_invoice",
            }
        )
        start = move.with_context(is_payment=is_payment)._get_starting_sequence()
        prefix = start.rstrip("0123456789")
        starting[date] = (prefix, len(start) - len(prefix))
    env["account.move"].flush_model(
        ["journal_id", "sequence_prefix", "sequence_number"]
    )
    env.cr.execute(
        SQL(
            "SELECT sequence_prefix, MAX(sequence_number) FROM account_move "
            "WHERE journal_id = %s AND sequence_prefix IN %s GROUP BY sequence_prefix",
            journal.id,
            tuple({prefix for prefix, _width in starting.values()}) or ("",),
        )
    )
    last = dict(env.cr.fetchall())
    for item in sorted(items, key=lambda item: item[date_key]):
        prefix, width = starting[item[date_key]]
        number = last.get(prefix, 0) + 1
        last[prefix] = number
        item.update(
            name=f"{prefix}{number:0{width}d}",
            sequence_prefix=prefix,
            sequence_number=number,
        )
