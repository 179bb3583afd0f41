def post_init_hook(env):
    """Give every company that existed before installation its default follow-up policy."""
    env["res.company"].search([])._create_default_followup_policy()
