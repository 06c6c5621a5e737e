"""Proactive messages: the outbox service, the worker that drains it, and the pacer that
keeps each platform's budget."""
