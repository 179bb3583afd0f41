from . import test_followup_policy
