"""The task worker: one generic Lambda handler for every task queue, and the task DLQs' consumer."""
