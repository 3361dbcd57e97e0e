"""Webhooks: an organisation's HTTPS endpoints, told of events in the audit trail with what its API token would read."""
