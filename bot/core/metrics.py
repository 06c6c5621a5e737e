"""Prometheus metrics of one chibo process (prometheus-client, its default registry).

Counters and histograms count what this process did; the outbox gauges describe the shared
database and are read from it when /metrics is scraped, so every replica reports the same
values for them (sum the counters across replicas, take max or any one of the gauges).
Labels are channels, outcomes and job names only: never a chat, a member or a text.
"""

from __future__ import annotations

import time

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

INBOUND = Counter(
    "chibo_inbound_messages",
    "Messages received from people, by channel (redeliveries included).",
    ["channel"],
)
HANDLING = Histogram(
    "chibo_handling_seconds",
    "Time from a message reaching the dispatcher to its replies being ready, by channel.",
    ["channel"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
REPLIES_FAILED = Counter(
    "chibo_replies_failed",
    "Replies to a person's message that could not be sent, by channel.",
    ["channel"],
)
SENDS = Counter(
    "chibo_delivery_sends",
    "Outbox messages the delivery worker tried to send, by channel and outcome "
    "(sent, retry, rate_limited, failed).",
    ["channel", "outcome"],
)
RATE_LIMITED = Counter(
    "chibo_delivery_429",
    "429 Too Many Requests answers from a messenger, by channel.",
    ["channel"],
)
OUTBOX = Gauge(
    "chibo_outbox_messages",
    "Outbox rows by status (the whole database, read at scrape time).",
    ["status"],
)
OUTBOX_OLDEST = Gauge(
    "chibo_outbox_oldest_queued_seconds",
    "Age of the oldest outbox message still waiting to be sent (0 when none).",
)
JOBS = Counter(
    "chibo_scheduler_job_runs",
    "Scheduler job runs in this process, by job and outcome (ok, failed).",
    ["job", "outcome"],
)
JOB_LAST_SUCCESS = Gauge(
    "chibo_scheduler_job_last_success_timestamp_seconds",
    "Unix time of the last successful run of each scheduler job in this process.",
    ["job"],
)
CHANNEL_UP = Gauge(
    "chibo_channel_up",
    "1 while a channel is receiving (polling alive or webhook registered), else 0.",
    ["channel"],
)
COMPONENT_UP = Gauge(
    "chibo_health",
    "1 when a part checked by /healthz is healthy (database, scheduler), else 0.",
    ["component"],
)


_LAST_SUCCESS: dict[str, float] = {}


def job_succeeded(job: str) -> None:
    """Count a successful run of `job` now."""
    JOBS.labels(job, "ok").inc()
    _LAST_SUCCESS[job] = time.time()
    JOB_LAST_SUCCESS.labels(job).set(_LAST_SUCCESS[job])


def last_success(job: str) -> float | None:
    """Unix time of `job`'s last successful run in this process, if any."""
    return _LAST_SUCCESS.get(job)


def job_failed(job: str) -> None:
    """Count a failed run of `job`."""
    JOBS.labels(job, "failed").inc()


def exposition() -> tuple[bytes, str]:
    """The metrics in Prometheus' text format, and its content type."""
    return generate_latest(), CONTENT_TYPE_LATEST
