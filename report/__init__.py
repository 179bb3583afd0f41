from . import followup_letter
from . import followup_recovery_report
