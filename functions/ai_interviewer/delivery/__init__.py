"""Webhook delivery: the notifier, the HTTP poster, the signatures and the URL safety rules."""
