"""Notices (通知公告, DOMAIN §6): targeting, fan-out on publish, read receipts, confirmations, the second
reminder and the staff's read statistics.

    forms.py        the page editor form (channels, buildings of the parent community only)
    permissions.py  who reads a notice, who sees its statistics
    selectors.py    recipients of a notice, notices of a community with the user's read state, statistics
    services.py     fan-out (once per notice), mark read, confirm, second reminder (once per notice)
    views.py        the portal page (marks read, 我已阅读并确认)
    admin_views.py  the admin screen 通知阅读统计 (registered in governance/office/wagtail_hooks.py)

Receipts: "read" is `Delivery.read_at` of the notice's message (any channel; set for all of the user's
deliveries of it at once), so the inbox, the notice page and GraphQL agree. "Confirmed" is a separate
`NoticeConfirmation` row (a deliberate act, distinct from opening the page); confirming also marks read.
"""
