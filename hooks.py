def post_init_hook(env):
    """Give each company that existed before installation its default policy."""
    env["res.company"].search([])._create_default_followup_policy()
