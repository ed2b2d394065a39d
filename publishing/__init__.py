"""Outbound: publishing a staff-approved reply to the platform a mention came from.

Sits above collectors (it reuses their API clients) and storage (it records the audit through the
workflow API); the dashboard and the CLI call it, nothing below imports it.
"""
