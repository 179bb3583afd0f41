from . import followup_policy
from . import followup_line
from . import res_company
from . import resource_calendar
from . import account_move_line
from . import account_move
from . import followup_engine
from . import res_partner
