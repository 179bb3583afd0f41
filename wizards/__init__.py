from . import followup_send
from . import followup_send_email
from . import followup_send_line
from . import followup_send_item
from . import followup_send_preview
from . import followup_exclude
