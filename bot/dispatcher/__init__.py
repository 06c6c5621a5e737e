"""Inbound messages -> one transaction -> handlers; persisted conversation state beside it."""
