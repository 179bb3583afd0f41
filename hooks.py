def post_init_hook(env):
    """Give each company that existed before installation its default policy,
    and compute the stored follow-up state of its customers."""
    companies = env["res.company"].search([])
    companies._create_default_followup_policy()
    env["followup.partner.state"]._refresh_companies(companies)
