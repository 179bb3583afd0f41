from . import test_demo_generator
from . import test_followup_auto_send
from . import test_followup_cron
from . import test_followup_engine
from . import test_followup_policy
from . import test_followup_security
from . import test_followup_send
from . import test_followup_tour
