"""Alerts and reports: rules, spike detection, e-mail and webhook delivery, the weekly report."""
from alerts.service import AlertRunSummary, evaluate_and_send

__all__ = ["AlertRunSummary", "evaluate_and_send"]
