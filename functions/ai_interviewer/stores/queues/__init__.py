"""The task and notify queues."""
