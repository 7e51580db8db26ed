"""API routers, one module per resource."""


def ROUTERS() -> list:  # noqa: N802 - a registry, called when the API is built
    from taolun.platform.api.routers import (
        activities, audit_chain, campaigns, history, imports, me_work, notice_settings, progress, reports, tenants,
        time_travel, users, webhooks, writes,
    )

    # Campaign routers (plans, activities, suggestions, problems, progress) add themselves here.
    # Progress first: its reads are the most frequent requests (every dashboard polls them),
    # and Django tries the URL patterns in this order.
    return [progress.router, tenants.router, users.router, users.me, me_work.router, imports.router,
            campaigns.router, activities.router, webhooks.router,
            notice_settings.router, reports.router, history.router, time_travel.router, writes.router,
            audit_chain.router]
