from . import followup_letter
